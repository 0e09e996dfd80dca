package dev.pix2pix.msg;

import java.util.List;

/**
 * Kafka topic names: the one place where they are decided. Workers may override each name through
 * their configuration; {@link #DEFAULTS} is what everything uses otherwise. Messages are keyed by
 * job id so that all messages of a job stay in order on one partition.
 *
 * @param trainJobs       {@link TrainJob}s submitted by clients
 * @param translateJobs   {@link TranslateJob}s submitted by clients
 * @param translateShards {@link Shard}s: internal fan-out of translate jobs to inference workers
 * @param events          {@link JobEvent}s from all workers
 * @param control         {@link CancelJob}s (every worker reads all of them)
 * @param dlq             messages that could not be parsed or processed, with the reason in headers
 */
public record Topics(String trainJobs, String translateJobs, String translateShards, String events,
                     String control, String dlq) {

    public static final String TRAIN_JOBS = "pix2pix.train.jobs";
    public static final String TRANSLATE_JOBS = "pix2pix.translate.jobs";
    public static final String TRANSLATE_SHARDS = "pix2pix.translate.shards";
    /** Internal: "shard done" notes of worker-infer, keyed by jobId so one consumer finalizes a job. */
    public static final String TRANSLATE_DONE = "pix2pix.translate.done";
    public static final String EVENTS = "pix2pix.events";
    public static final String CONTROL = "pix2pix.control";
    public static final String DLQ = "pix2pix.dlq";

    public static final Topics DEFAULTS =
            new Topics(TRAIN_JOBS, TRANSLATE_JOBS, TRANSLATE_SHARDS, EVENTS, CONTROL, DLQ);

    public List<String> all() {
        return List.of(trainJobs, translateJobs, translateShards, events, control, dlq);
    }
}
