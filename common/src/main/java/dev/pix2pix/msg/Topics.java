package dev.pix2pix.msg;

import static dev.pix2pix.msg.Party.CLI;
import static dev.pix2pix.msg.Party.WORKER_INFER;
import static dev.pix2pix.msg.Party.WORKER_TRAIN;

import dev.pix2pix.msg.TopicSpec.Reader;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The Kafka topics: the one place where their names, partitions, retention and users are decided
 * ({@link #INVENTORY}). Workers and the CLI may override each name through their configuration
 * ({@code pix2pix.topics.<key>}, env {@code PIX2PIX_TOPICS_<KEY>}); {@link #DEFAULTS} is what everything
 * uses otherwise. Messages are keyed by job id so that all messages of a job stay in order on one
 * partition. {@code k8s/base/kafka-topics/topics.yaml}, compose's {@code kafka-init} and
 * {@code k8s/validate/topics.json} are generated from the inventory ({@link TopicManifests}).
 *
 * @param trainJobs       {@link TrainJob}s submitted by clients
 * @param translateJobs   {@link TranslateJob}s submitted by clients
 * @param translateShards {@link Shard}s: internal fan-out of translate jobs to inference workers
 * @param translateDone   internal "shard done" notes of worker-infer, keyed by job id so that one consumer finalizes a job
 * @param events          {@link JobEvent}s from all workers
 * @param control         {@link CancelJob}s (every worker reads all of them)
 * @param dlq             messages that could not be parsed or processed, with the reason in headers
 */
public record Topics(String trainJobs, String translateJobs, String translateShards, String translateDone,
                     String events, String control, String dlq) {

    public static final String TRAIN_JOBS = "pix2pix.train.jobs";
    public static final String TRANSLATE_JOBS = "pix2pix.translate.jobs";
    public static final String TRANSLATE_SHARDS = "pix2pix.translate.shards";
    public static final String TRANSLATE_DONE = "pix2pix.translate.done";
    public static final String EVENTS = "pix2pix.events";
    public static final String CONTROL = "pix2pix.control";
    public static final String DLQ = "pix2pix.dlq";

    /** Consumer groups (the KEDA scalers in k8s/ assume these names). */
    public static final String GROUP_TRAIN = "pix2pix-worker-train";
    public static final String GROUP_INFER = "pix2pix-worker-infer";

    private static final int REPLICAS = 3;
    private static final int MIN_INSYNC = 2;

    /** Every topic, in a fixed order. */
    public static final List<TopicSpec> INVENTORY = List.of(
            new TopicSpec("train-jobs", TRAIN_JOBS, 8, REPLICAS, MIN_INSYNC, Duration.ofDays(7), "delete", false,
                    Set.of(CLI), List.of(Reader.group(WORKER_TRAIN, GROUP_TRAIN)), "job id",
                    "training jobs; one worker-train replica trains one job at a time, so the partitions bound the "
                            + "parallel trainings; un-started jobs older than the retention are dropped"),
            new TopicSpec("translate-jobs", TRANSLATE_JOBS, 4, REPLICAS, MIN_INSYNC, Duration.ofDays(7), "delete", false,
                    Set.of(CLI), List.of(Reader.group(WORKER_INFER, GROUP_INFER)), "job id",
                    "whole translation requests, fanned out into shards on pix2pix.translate.shards"),
            new TopicSpec("translate-shards", TRANSLATE_SHARDS, 32, REPLICAS, MIN_INSYNC, Duration.ofDays(3), "delete",
                    true, Set.of(WORKER_INFER), List.of(Reader.group(WORKER_INFER, GROUP_INFER)), "job id + shard index",
                    "shards of translate jobs; the partitions are the most worker-infer replicas working in parallel"),
            new TopicSpec("translate-done", TRANSLATE_DONE, 4, REPLICAS, MIN_INSYNC, Duration.ofDays(3), "delete", true,
                    Set.of(WORKER_INFER), List.of(Reader.group(WORKER_INFER, GROUP_INFER)), "job id",
                    "shard-done notes: the replica that reads a job's notes finalizes the job"),
            new TopicSpec("events", EVENTS, 6, REPLICAS, MIN_INSYNC, Duration.ofDays(7), "delete", false,
                    Set.of(WORKER_TRAIN, WORKER_INFER), List.of(Reader.assigned(CLI)), "job id",
                    "progress, status and result events; a client away for longer than the retention loses events "
                            + "and must read the job's state from S3"),
            new TopicSpec("control", CONTROL, 3, REPLICAS, MIN_INSYNC, Duration.ofDays(1), "delete", false,
                    Set.of(CLI), List.of(Reader.perReplica(WORKER_TRAIN, GROUP_TRAIN + "-control-"),
                            Reader.perReplica(WORKER_INFER, GROUP_INFER + "-control-")), "job id",
                    "cancel messages, read by every replica (a consumer group per replica); a cancel older than any "
                            + "running job is moot"),
            new TopicSpec("dlq", DLQ, 3, REPLICAS, MIN_INSYNC, Duration.ofDays(14), "delete", false,
                    Set.of(WORKER_TRAIN, WORKER_INFER), List.of(), "original key",
                    "messages that could not be processed, the reason in headers, for operators to inspect"));

    public static final Topics DEFAULTS = withNames(s -> s.name());

    /** The topic of {@code key} (e.g. "translate-done"). */
    public static TopicSpec spec(String key) {
        return INVENTORY.stream().filter(s -> s.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no topic " + key + " in the inventory"));
    }

    /** Names chosen per topic, e.g. from configuration ({@code spec -> env(spec.envVar()) or spec.name()}). */
    public static Topics withNames(Function<TopicSpec, String> nameOf) {
        return new Topics(nameOf.apply(spec("train-jobs")), nameOf.apply(spec("translate-jobs")),
                nameOf.apply(spec("translate-shards")), nameOf.apply(spec("translate-done")),
                nameOf.apply(spec("events")), nameOf.apply(spec("control")), nameOf.apply(spec("dlq")));
    }

    /**
     * Defaults overridden by environment-style lookups: {@code PIX2PIX_TOPICS_EVENTS=...} names the events
     * topic; unset or blank keeps the default.
     */
    public static Topics fromEnv(Function<String, String> env) {
        return withNames(s -> {
            String v = env.apply(s.envVar());
            return v == null || v.isBlank() ? s.name() : v.trim();
        });
    }

    /** {@code pix2pix.topics.<key>} -> default name, for the workers' lowest-priority config source. */
    public static Map<String, String> configDefaults() {
        Map<String, String> m = new LinkedHashMap<>();
        INVENTORY.forEach(s -> m.put(s.property(), s.name()));
        return m;
    }

    /** The name this record gives the inventory's topic {@code spec}. */
    public String nameOf(TopicSpec spec) {
        return switch (spec.key()) {
            case "train-jobs" -> trainJobs;
            case "translate-jobs" -> translateJobs;
            case "translate-shards" -> translateShards;
            case "translate-done" -> translateDone;
            case "events" -> events;
            case "control" -> control;
            case "dlq" -> dlq;
            default -> throw new IllegalArgumentException("no topic " + spec.key() + " in the inventory");
        };
    }

    /** Every topic name, in inventory order. */
    public List<String> all() {
        return INVENTORY.stream().map(this::nameOf).toList();
    }

    /** The topics {@code party} produces or reads, in inventory order. */
    public static List<TopicSpec> usedBy(Party party) {
        return INVENTORY.stream().filter(s -> s.usedBy(party)).toList();
    }
}
