package dev.pix2pix.worker.infer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pix2pix.msg.Json;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Book-keeping objects of a job below its output prefix, in {@code _manifest/} (the underscore keeps
 * them out of later jobs' inputs). They make every step restartable: a redelivered message finds
 * what its first delivery already did.
 */
final class JobFiles {
    static final String DIR = "_manifest/";
    static final String MANIFEST = "manifest.jsonl";
    private static final Pattern PART = Pattern.compile("shard-(\\d{5,})\\.jsonl");

    /** Written by the intake: the shard plan (fannedOut once every shard is on Kafka). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Plan(String jobId, int total, int shards, int shardSize, String acceptedAt, boolean fannedOut) {
        int itemsOfShard(int index) {
            return Math.max(0, Math.min(shardSize, total - index * shardSize));
        }
    }

    /** Written by the finalizer when the job ended: completed | failed | cancelled. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    record State(String jobId, String state, String at, String reason) {}

    private final ObjectStore store;
    private final S3Uri output;

    JobFiles(ObjectStore store, S3Uri output) {
        this.store = store;
        this.output = output.asPrefix();
    }

    S3Uri output() {
        return output;
    }

    S3Uri planUri() {
        return output.child(DIR + "job.json");
    }

    S3Uri stateUri() {
        return output.child(DIR + "state.json");
    }

    S3Uri partsPrefix() {
        return output.child(DIR + "parts/");
    }

    S3Uri partUri(int index) {
        return output.child(DIR + "parts/" + String.format("shard-%05d.jsonl", index));
    }

    S3Uri manifestUri() {
        return output.child(MANIFEST);
    }

    /** Index of a part from its key, or -1. */
    static int partIndex(String key) {
        Matcher m = PART.matcher(key.substring(key.lastIndexOf('/') + 1));
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    Optional<Plan> plan(String jobId) {
        return read(planUri(), Plan.class).filter(p -> jobId.equals(p.jobId()));
    }

    void writePlan(Plan p) {
        write(planUri(), Json.write(p));
    }

    /** The terminal state of this job, if it ended (a state left by another job on this prefix is ignored). */
    Optional<State> state(String jobId) {
        return read(stateUri(), State.class).filter(s -> jobId.equals(s.jobId()));
    }

    void writeState(String jobId, String state, String reason) {
        write(stateUri(), Json.write(new State(jobId, state, Instant.now().toString(), reason)));
    }

    private <T> Optional<T> read(S3Uri uri, Class<T> type) {
        if (!store.exists(uri)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(new String(store.get(uri), StandardCharsets.UTF_8), type));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // unreadable: treat as absent, it is rewritten
        }
    }

    private void write(S3Uri uri, String json) {
        store.put(uri, json.getBytes(StandardCharsets.UTF_8), "application/json");
    }
}
