package dev.pix2pix.worker.train;

import dev.pix2pix.worker.testing.ItWorld;
import dev.pix2pix.worker.testing.WorkerProcess;
import dev.pix2pix.msg.CancelJob;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.TrainJob;
import dev.pix2pix.stack.LocalKafka;
import dev.pix2pix.stack.LocalS3;
import dev.pix2pix.stack.SharedStack;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One IT class's world on the shared real Kafka broker and S3Proxy: its own topic names (through the
 * worker's pix2pix.topics.* overrides), consumer group and bucket, a few generated aligned pairs
 * uploaded as the dataset, a producer for jobs and readers of the events and dead-letter topics.
 */
final class ItEnv extends ItWorld {
    final String trainTopic;
    final String eventsTopic;
    final String controlTopic;
    final String dlqTopic;
    final Path dir;

    ItEnv(String name) throws IOException {
        this(name, 1);
    }

    ItEnv(String name, int trainPartitions) throws IOException {
        this(name, trainPartitions, SharedStack.kafka(), SharedStack.s3());
    }

    /** On servers of the test's own (a fault test's {@link dev.pix2pix.stack.PrivateStack}). */
    ItEnv(String name, int trainPartitions, LocalKafka kafka, LocalS3 s3) throws IOException {
        super(name, "it-" + name, kafka, s3, topics(name + ".train.jobs", trainPartitions, name + ".events", 1,
                name + ".control", 1, name + ".dlq", 1), name + ".events", name + ".dlq");
        this.trainTopic = name + ".train.jobs";
        this.eventsTopic = name + ".events";
        this.controlTopic = name + ".control";
        this.dlqTopic = name + ".dlq";
        this.dir = Files.createTempDirectory("wt-" + name + "-");
    }

    /**
     * Uploads n generated aligned pairs (colour scene left, its gray version right, 128x64, as the facades
     * layout) to s3://bucket/datasets/<label>/ and returns that URI: no shared data needed, the same pairs
     * on every run.
     */
    String uploadScenes(String label, int n) throws IOException {
        S3Uri prefix = new S3Uri(bucket, "datasets/" + label + "/");
        Path local = TestData.scenePairs(n, 64, dir.resolve("data-" + label));
        try (Stream<Path> files = Files.list(local)) {
            for (Path f : files.sorted().toList()) {
                store.upload(f, prefix.child(f.getFileName().toString()));
            }
        }
        return prefix.toString();
    }

    /** Worker logs stay in target/it-logs for inspection after a run. */
    static Path logFile(String name) throws IOException {
        Path dir = Path.of("target", "it-logs");
        Files.createDirectories(dir);
        Path f = dir.resolve(name + ".log");
        Files.deleteIfExists(f);
        return f;
    }

    /** System properties for a worker of this environment. */
    Map<String, String> workerProps(Path workDir) {
        Map<String, String> m = baseWorkerProps(workDir);
        m.put("pix2pix.topics.train-jobs", trainTopic);
        m.put("pix2pix.topics.events", eventsTopic);
        m.put("pix2pix.topics.control", controlTopic);
        m.put("pix2pix.topics.dlq", dlqTopic);
        m.put("pix2pix.train.progress-interval", "1s");
        m.put("mp.messaging.incoming.train-jobs.group.id", name + "-worker-train");
        return m;
    }

    /**
     * A worker whose death the group notices within seconds (the kill and rebalance tests): its session times out
     * after 6 s instead of the default 45. Logs go to target/it-logs/LOGPREFIX-worker-NAME.log.
     */
    WorkerProcess startQuickFailover(String logPrefix, String name) throws Exception {
        Map<String, String> props = new HashMap<>(workerProps(dir.resolve("work-" + name)));
        props.put("mp.messaging.incoming.train-jobs.session.timeout.ms", "6000");
        props.put("mp.messaging.incoming.train-jobs.heartbeat.interval.ms", "1000");
        return WorkerProcess.start(props, logFile(logPrefix + "-worker-" + name));
    }

    /** A narrow, fast job: unet_64, ngf/ndf 8, 64x64. */
    static TrainJob.Options tinyOptions(int epochs, int checkpointEvery) {
        return new TrainJob.Options("unet_64", null, null, 8, 8, null, null, null, epochs, 0, 1, 64, 64, null,
                null, null, null, null, null, null, null, 7L, checkpointEvery, null, null);
    }

    /**
     * Sends a job that this worker refuses at once (over its size limit) and waits for its failed
     * event: everything sent before it on the (single-partition) train topic has been handled then.
     */
    void barrier(String id) throws InterruptedException {
        send(TrainJob.of(id, "s3://" + bucket + "/none/", TrainJob.Layout.ALIGNED, "s3://" + bucket + "/barrier/" + id
                + "/", new TrainJob.Options("unet_64", null, null, 8, 8, null, null, null, 1, 0, 1, 4096, 4096, null,
                null, null, null, null, null, null, null, 7L, 1, null, null)));
        dev.pix2pix.msg.JobEvent e = events.awaitTerminal(id, java.time.Duration.ofSeconds(120));
        if (e.type() != dev.pix2pix.msg.EventType.FAILED || !"LIMIT".equals(e.code())) {
            throw new AssertionError("the barrier job should fail over the limit: " + e);
        }
    }

    void send(TrainJob job) {
        sendTo(trainTopic, job.jobId(), Json.write(job));
    }

    /** To a chosen partition of the train topic. */
    void send(TrainJob job, int partition) {
        sendTo(trainTopic, partition, job.jobId(), Json.write(job));
    }

    void cancel(String jobId) {
        sendTo(controlTopic, jobId, Json.write(new CancelJob(dev.pix2pix.msg.SchemaVersion.CURRENT, jobId,
                "asked by the test")));
    }

    @Override
    public void close() throws Exception {
        super.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
