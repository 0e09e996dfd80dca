package dev.pix2pix.worker.infer;

import dev.pix2pix.image.DecodeException;
import dev.pix2pix.infer.TranslatePipeline;
import dev.pix2pix.store.ObjectInfo;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.store.StoreException;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * S3 prefixes as pipeline source and sink. The store waits out outages itself; one that outlasts
 * the wait aborts the whole shard ({@link TranslatePipeline.Abort}, the job fails naming the
 * server) rather than failing items: an item fails only for its own bytes (missing, too large,
 * undecodable). Outputs carry metadata naming the job, model version and options that wrote them,
 * so an existing output counts as done only for the same job, or the same model and options.
 */
final class S3Io {
    static final String META_JOB = "pix2pix-job";
    static final String META_MODEL = "pix2pix-model-etag";
    static final String META_OPTIONS = "pix2pix-options";

    /** Who writes the outputs: the job id and what determines their pixels. */
    record Writer(String jobId, String modelEtag, String options) {
        Map<String, String> metadata() {
            return Map.of(META_JOB, jobId, META_MODEL, modelEtag, META_OPTIONS, options);
        }

        /** An output with this metadata is the one this job would write. */
        boolean wrote(Map<String, String> meta) {
            return jobId.equals(meta.get(META_JOB))
                    || modelEtag.equals(meta.get(META_MODEL)) && options.equals(meta.get(META_OPTIONS));
        }
    }

    private S3Io() {}

    static TranslatePipeline.Source source(ObjectStore store, S3Uri base, long maxBytes) {
        return key -> {
            try {
                return store.get(base.child(key), maxBytes);
            } catch (StoreException e) {
                throw itemOrAbort(e);
            }
        };
    }

    static TranslatePipeline.Sink sink(ObjectStore store, S3Uri prefix, Writer writer) {
        return new TranslatePipeline.Sink() {
            @Override
            public boolean exists(String key) throws IOException {
                try {
                    Optional<ObjectInfo> o = store.stat(prefix.child(key));
                    return o.isPresent() && (writer == null || writer.wrote(o.get().metadata()));
                } catch (StoreException e) {
                    throw itemOrAbort(e);
                }
            }

            @Override
            public void write(String key, byte[] bytes, String contentType) throws IOException {
                try {
                    store.put(prefix.child(key), bytes, contentType, writer == null ? Map.of() : writer.metadata());
                } catch (StoreException e) {
                    throw itemOrAbort(e);
                }
            }
        };
    }

    /** An outage past the wait aborts the run; anything else is this item's failure. */
    private static IOException itemOrAbort(StoreException e) {
        if (e.kind() == StoreException.Kind.TRANSIENT) {
            throw new TranslatePipeline.Abort(e.getMessage(), e);
        }
        if (e.kind() == StoreException.Kind.TOO_LARGE) {
            return new DecodeException(DecodeException.Reason.TOO_LARGE, e.uri().toString(), e.getMessage(), e);
        }
        return new IOException(e.getMessage(), e);
    }
}
