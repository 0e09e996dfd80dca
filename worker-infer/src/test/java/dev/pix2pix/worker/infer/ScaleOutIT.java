package dev.pix2pix.worker.infer;

import dev.pix2pix.worker.testing.WorkerProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.Topics;
import dev.pix2pix.msg.TranslateJob;
import dev.pix2pix.store.S3Uri;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;

/** Several worker processes sharing one job, and a worker killed with kill -9 in the middle of one. */
class ScaleOutIT {
    private static final TranslateJob.Options TWO_PER_SHARD = new TranslateJob.Options(null, null, null, null, null,
            null, 2, null);

    @Test
    void twoWorkersShareTheShardsAndWriteEachOutputOnce() throws Exception {
        try (ItEnv env = new ItEnv("two")) {
            String model = env.uploadColorizeModel("models/tiny/");
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                env.put("in/img" + i + ".png", ItEnv.image(48 + i, 40, true, "png", i));
                expected.add("img" + i + ".png");
            }
            expected.sort(null);
            try (WorkerProcess a = WorkerProcess.start("two-a-" + env.name, env.workerProps());
                    WorkerProcess b = WorkerProcess.start("two-b-" + env.name, env.workerProps())) {
                // both must own shard partitions before the job exists, or a rebalance could move a running shard
                awaitShardConsumers(env, 2);
                String jobId = "two-workers";
                env.submit(TranslateJob.ofPrefix(jobId, model, env.uri("in/"), env.uri("out/"), null, TWO_PER_SHARD),
                        jobId);
                JobEvent end = env.events.awaitTerminal(jobId, Duration.ofSeconds(120));
                assertEquals(EventType.COMPLETED, end.type(), end::toString);
                assertEquals(Map.of("inputs", 16L, "outputs", 16L, "failed", 0L, "skippedExisting", 0L), end.counts());
                assertEquals(expected, env.outputKeys("out/"));

                List<ManifestLine> lines = manifest(env, "out/", jobId);
                assertEquals(16, lines.size());
                assertEquals(16, lines.stream().map(ManifestLine::input).distinct().count());
                assertTrue(lines.stream().allMatch(l -> ManifestLine.OK.equals(l.status())), lines::toString);
                Set<String> workers = new HashSet<>();
                lines.forEach(l -> workers.add(l.worker()));
                assertEquals(Set.of(a.name(), b.name()), workers, "both replicas should have processed shards");

                // each of the 8 shards reported once, and the two workers wrote 16 images in all
                List<JobEvent> events = env.events.events(jobId);
                assertEquals(8, events.stream().filter(e -> e.type() == EventType.PROGRESS).count());
                assertEquals(1, events.stream().filter(e -> e.type().terminal()).count());
                assertEquals(16.0, metric(a, "pix2pix_infer_items_total{status=\"ok\"}")
                        + metric(b, "pix2pix_infer_items_total{status=\"ok\"}"));
                assertEquals(0.0, metric(a, "pix2pix_infer_items_total{status=\"exists\"}")
                        + metric(b, "pix2pix_infer_items_total{status=\"exists\"}"));
            }
        }
    }

    @Test
    void aWorkerKilledMidJobIsReplacedAndNothingIsLostOrDuplicated() throws Exception {
        try (ItEnv env = new ItEnv("kill")) {
            String model = env.uploadColorizeModel("models/tiny/");
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                env.put("in/scan" + (100 + i) + ".png", ItEnv.image(200 + i, 180, true, "png", i));
                expected.add("scan" + (100 + i) + ".png");
            }
            Map<String, String> props = env.workerProps();
            // a dead member's partitions move after its session times out: keep that short here
            props.put("pix2pix.kafka.session-timeout-ms", "6000");
            props.put("pix2pix.kafka.heartbeat-interval-ms", "1500");
            String jobId = "killed";
            // render at 256 so that the job takes long enough to be killed in the middle
            TranslateJob job = TranslateJob.ofPrefix(jobId, model, env.uri("in/"), env.uri("out/"), null,
                    new TranslateJob.Options(null, 256, null, null, null, null, 2, null));
            WorkerProcess first = WorkerProcess.start("kill-first-" + env.name, props);
            try {
                env.submit(job, jobId);
                env.events.await(jobId, e -> e.type() == EventType.PROGRESS, Duration.ofSeconds(120));
                first.kill();
            } finally {
                first.kill();
            }
            assertFalse(env.events.events(jobId).stream().anyMatch(e -> e.type().terminal()),
                    "the job ended before the kill; the test did not kill mid-job");
            int written = env.outputKeys("out/").size();
            assertTrue(written < 24, "all outputs written before the kill");

            try (WorkerProcess second = WorkerProcess.start("kill-second-" + env.name, props)) {
                JobEvent end = env.events.awaitTerminal(jobId, Duration.ofSeconds(180));
                assertEquals(EventType.COMPLETED, end.type(), end::toString);
                assertEquals(24L, end.counts().get("inputs"));
                assertEquals(24L, end.counts().get("outputs"));
                assertEquals(0L, end.counts().get("failed"));
                assertEquals(expected.stream().sorted().toList(), env.outputKeys("out/"));

                List<ManifestLine> lines = manifest(env, "out/", jobId);
                assertEquals(24, lines.size());
                assertEquals(24, lines.stream().map(ManifestLine::input).distinct().count());
                assertTrue(lines.stream().anyMatch(l -> l.worker().equals(second.name())),
                        "the restarted worker should have finished the job");
                assertEquals(1, env.events.events(jobId).stream().filter(e -> e.type().terminal()).count());
                // each output was written once: outputs found already written came from the killed worker
                long reused = lines.stream().filter(l -> ManifestLine.EXISTS.equals(l.status())).count();
                assertEquals(reused, end.counts().get("skippedExisting"));
            }
        }
    }

    /**
     * A scale event in each direction in the middle of a job: a second replica joins (cooperative
     * rebalance: only the partitions that move are revoked, a shard in progress on one stops at an item
     * boundary and its new owner finishes it) and then the first one is stopped (SIGTERM, as a scale
     * down does). The job completes once, with every output once.
     */
    @Test
    void aReplicaAddedAndOneRemovedMidJob() throws Exception {
        try (ItEnv env = new ItEnv("scale")) {
            String model = env.uploadColorizeModel("models/tiny/");
            JobChecks.putInputs(env, "in/", 40);
            Map<String, String> props = env.workerProps();
            props.put("pix2pix.kafka.session-timeout-ms", "6000");
            props.put("pix2pix.kafka.heartbeat-interval-ms", "1500");
            // a second per item: the job lasts long enough for both scale events whatever the machine's speed
            props.put("dev.pix2pix.failpoint-delay", "shard.item:1000");
            String jobId = "scaled";
            WorkerProcess first = WorkerProcess.start("scale-first-" + env.name, props);
            try (WorkerProcess second = startAfterProgress(env, model, jobId, props)) {
                awaitShardConsumers(env, 2);
                first.close(); // scale down: graceful stop, its shard in progress is left to the other replica
                assertFalse(env.events.events(jobId).stream().anyMatch(e -> e.type().terminal()),
                        "the job ended before the scale events; the test proved nothing");
                JobChecks.assertCompletedOnce(env, jobId, "out/", 40, Duration.ofMinutes(6));
                List<ManifestLine> lines = manifest(env, "out/", jobId);
                assertTrue(lines.stream().anyMatch(l -> l.worker().equals(second.name())),
                        "the replica added mid-job took part");
            } finally {
                first.kill();
            }
        }
    }

    /** Submits a slow job to the running replica and starts a second one once the first shard is done. */
    private static WorkerProcess startAfterProgress(ItEnv env, String model, String jobId, Map<String, String> props)
            throws Exception {
        env.submit(TranslateJob.ofPrefix(jobId, model, env.uri("in/"), env.uri("out/"), null,
                new TranslateJob.Options(null, 64, null, null, null, null, 2, null)), jobId);
        env.events.await(jobId, e -> e.type() == EventType.PROGRESS, Duration.ofSeconds(180));
        return WorkerProcess.start("scale-second-" + env.name, props);
    }

    private static List<ManifestLine> manifest(ItEnv env, String out, String jobId) {
        String text = new String(env.store.get(S3Uri.parse(env.uri(out + ItEnv.manifest(jobId)))), StandardCharsets.UTF_8);
        return text.lines().map(l -> Json.read(l, ManifestLine.class)).toList();
    }

    private static double metric(WorkerProcess w, String series) throws Exception {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE)
                .matcher(w.body("/q/metrics"));
        return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }

    /** Waits until {@code n} members of the worker group own partitions of the shard topic. */
    private static void awaitShardConsumers(ItEnv env, int n) throws Exception {
        String group = env.workerProps().get("pix2pix.group");
        String topic = env.topic(Topics.TRANSLATE_SHARDS);
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", env.kafka.bootstrapServers()))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int owners = 0;
            ConsumerGroupDescription d = null;
            while (System.nanoTime() < deadline) {
                d = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
                owners = 0;
                for (MemberDescription m : d.members()) {
                    if (m.assignment().topicPartitions().stream().anyMatch(tp -> tp.topic().equals(topic))) {
                        owners++;
                    }
                }
                if (owners == n) {
                    return;
                }
                Thread.sleep(300);
            }
            throw new AssertionError(owners + " of " + n + " workers own shard partitions after 60 s: " + d);
        }
    }
}
