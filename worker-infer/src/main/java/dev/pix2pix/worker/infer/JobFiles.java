package dev.pix2pix.worker.infer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.Json;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Book-keeping objects of one job below its output prefix, in {@code _manifest/<jobId>/} (the
 * underscore keeps them out of later jobs' inputs; the job id keeps two jobs writing to one prefix
 * apart). They make every step restartable: a redelivered message finds what its first delivery
 * already did. Objects that end a step record the message ({@code source}: topic-partition@offset)
 * whose outcome they belong to, so the redelivery of that very message publishes the outcome again
 * (its transaction did not commit), while any other message finds the step done and publishes nothing.
 */
final class JobFiles {
    static final String DIR = "_manifest/";
    static final String MANIFEST = "manifest.jsonl";
    private static final Pattern PART = Pattern.compile("shard-(\\d{5,})\\.jsonl");

    /** Written by the intake: the shard plan. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Plan(String jobId, int total, int shards, int shardSize, String acceptedAt, String source) {
        int itemsOfShard(int index) {
            return Math.max(0, Math.min(shardSize, total - index * shardSize));
        }
    }

    /**
     * Written when the job ended (completed | failed | cancelled), before its terminal event is
     * published; {@code event} is that event, published again by a redelivery of {@code source}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    record State(String jobId, String state, String at, String reason, String source, JobEvent event) {}

    private final ObjectStore store;
    private final S3Uri output;
    private final String jobId;

    JobFiles(ObjectStore store, S3Uri output, String jobId) {
        this.store = store;
        this.output = output.asPrefix();
        this.jobId = jobId;
    }

    S3Uri output() {
        return output;
    }

    private S3Uri own(String name) {
        return output.child(DIR + jobId + "/" + name);
    }

    S3Uri planUri() {
        return own("job.json");
    }

    S3Uri stateUri() {
        return own("state.json");
    }

    S3Uri partsPrefix() {
        return own("parts/");
    }

    S3Uri partUri(int index) {
        return own("parts/" + String.format("shard-%05d.jsonl", index));
    }

    S3Uri manifestUri() {
        return own(MANIFEST);
    }

    /** Where deliveries of the message {@code source} are counted (see AttemptMarkers). */
    S3Uri attemptUri(String source) {
        return own("attempts/" + source.replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
    }

    /** Index of a part from its key, or -1. */
    static int partIndex(String key) {
        Matcher m = PART.matcher(key.substring(key.lastIndexOf('/') + 1));
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    Optional<Plan> plan() {
        return read(planUri(), Plan.class).filter(p -> jobId.equals(p.jobId()));
    }

    void writePlan(Plan p) {
        write(planUri(), Json.write(p));
    }

    /** How the job ended, if it did. */
    Optional<State> state() {
        return read(stateUri(), State.class).filter(s -> jobId.equals(s.jobId()));
    }

    /** Records the end of the job and the terminal event that says so (published right after). */
    void writeState(String state, String reason, String source, JobEvent event) {
        write(stateUri(), Json.write(new State(jobId, state, Instant.now().toString(), reason, source, event)));
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
