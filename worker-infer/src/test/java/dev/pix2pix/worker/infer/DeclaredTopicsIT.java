package dev.pix2pix.worker.infer;

import dev.pix2pix.worker.testing.WorkerProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.TranslateJob;
import dev.pix2pix.stack.LocalKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment as k8s/ and compose ship it: a broker that creates no topic by itself and holds only
 * the topics of the inventory, and worker-infer with topic creation off. A translate job still completes,
 * so every topic worker-infer uses (the shard-done notes included) is declared, and it creates none.
 */
class DeclaredTopicsIT {
    @Test
    void translateJobCompletesOnTheDeclaredTopicsAlone(@TempDir Path dir) throws Exception {
        try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"),
                LocalKafka.Settings.defaults().withAutoCreateTopics(false));
             ItEnv env = new ItEnv("declared", kafka, true)) {
            Set<String> declared = topics(kafka);
            String model = env.uploadColorizeModel("models/tiny/");
            env.put("in/a.png", ItEnv.image(48, 40, true, "png", 1));
            env.put("in/b.png", ItEnv.image(30, 64, true, "png", 2));
            env.put("in/c.jpg", ItEnv.image(64, 64, false, "jpg", 3));
            Map<String, String> props = env.workerProps();
            props.put("pix2pix.topics.create", "false");
            try (WorkerProcess worker = WorkerProcess.start("declared-" + env.name, props)) {
                String jobId = "declared-1";
                // two shards, so the finalizer has more than one shard-done note to collect
                env.submit(TranslateJob.ofPrefix(jobId, model, env.uri("in/"), env.uri("out/"), TranslateJob.Mode.COLORIZE,
                        new TranslateJob.Options(null, null, null, null, null, null, 2, 5L)), jobId);
                JobEvent end = env.events.awaitTerminal(jobId, Duration.ofSeconds(180));
                assertEquals(EventType.COMPLETED, end.type(), () -> "ended " + end + "\n" + worker.tail());
                assertEquals(java.util.List.of("a.png", "b.png", "c.png"), env.outputKeys("out/"));
            }
            assertEquals(declared, topics(kafka), "worker-infer must not create topics with creation off");
        }
    }

    private static Set<String> topics(LocalKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            return new TreeSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
        }
    }
}
