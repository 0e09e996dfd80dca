package dev.pix2pix.worker.infer;

import dev.pix2pix.infer.TranslatePipeline;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.store.StoreException;
import java.io.IOException;

/**
 * S3 prefixes as pipeline source and sink. Store failures (after the store's own retries) become
 * IOExceptions, so the pipeline reports them per item as READ_ERROR / WRITE_ERROR.
 */
final class S3Io {
    private S3Io() {}

    static TranslatePipeline.Source source(ObjectStore store, S3Uri base) {
        return key -> {
            try {
                return store.get(base.child(key));
            } catch (StoreException e) {
                throw new IOException(e.getMessage(), e);
            }
        };
    }

    static TranslatePipeline.Sink sink(ObjectStore store, S3Uri prefix) {
        return new TranslatePipeline.Sink() {
            @Override
            public boolean exists(String key) throws IOException {
                try {
                    return store.exists(prefix.child(key));
                } catch (StoreException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }

            @Override
            public void write(String key, byte[] bytes, String contentType) throws IOException {
                try {
                    store.put(prefix.child(key), bytes, contentType);
                } catch (StoreException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        };
    }
}
