package dev.pix2pix.worker.train;

import dev.pix2pix.worker.testing.WorkerProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.TrainJob;
import dev.pix2pix.store.S3Uri;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Crash and redeploy: a worker killed with kill -9 mid-training, and one stopped with SIGTERM, leave
 * the job unacknowledged; the next worker in the group gets it again and resumes from the newest
 * checkpoint in S3 (each worker has an empty work dir of its own, so nothing local helps).
 */
class KillResumeIT {
    private static final int EPOCHS = 24;
    private static final int PAIRS = 5;

    @Test
    void killedAndTerminatedWorkersResumeFromTheirS3Checkpoint() throws Exception {
        try (ItEnv env = new ItEnv("kr")) {
            String dataset = env.uploadScenes("scenes5", PAIRS);
            String id = "it-kill-resume";
            String output = "s3://" + env.bucket + "/models/" + id + "/";
            TrainJob job = TrainJob.of(id, dataset, TrainJob.Layout.ALIGNED, output, ItEnv.tinyOptions(EPOCHS, 2));

            // 1. kill -9 right after the first checkpoint reached S3
            int checkpointBeforeKill;
            int eventsBeforeKill;
            try (WorkerProcess a = start(env, "a")) {
                env.send(job);
                JobEvent cp = env.events.await(id, e -> e.type() == EventType.CHECKPOINT || e.type().terminal(),
                        Duration.ofMinutes(3));
                assertEquals(EventType.CHECKPOINT, cp.type(), () -> cp + "\n" + a.tail());
                a.kill();
                eventsBeforeKill = env.events.events(id).size();
                checkpointBeforeKill = maxEpoch(env.events.events(id, EventType.CHECKPOINT));
                assertTrue(env.events.events(id, EventType.COMPLETED).isEmpty(), "killed before the end");
            }
            assertTrue(checkpointBeforeKill >= 2 && checkpointBeforeKill < EPOCHS, "" + checkpointBeforeKill);

            // 2. a new worker resumes; SIGTERM it after its next checkpoint: it checkpoints and exits unacked
            int eventsBeforeTerm;
            try (WorkerProcess b = start(env, "b")) {
                JobEvent accepted = env.events.await(id, e -> e.type() == EventType.ACCEPTED
                        && env.events.events(id, EventType.ACCEPTED).size() >= 2, Duration.ofMinutes(2));
                assertNotNull(accepted);
                env.events.await(id, e -> e.type() == EventType.CHECKPOINT && e.epoch() > checkpointBeforeKill + 1
                        || e.type().terminal(), Duration.ofMinutes(3));
                int exit = b.terminate(Duration.ofSeconds(90));
                assertTrue(exit == 0 || exit == 143, "clean exit after SIGTERM: " + exit);
                assertTrue(b.logText().contains("stopped (shutdown or partition revoked)"), b.tail());
                eventsBeforeTerm = env.events.events(id).size();
            }
            List<JobEvent> second = env.events.events(id).subList(eventsBeforeKill, eventsBeforeTerm);
            List<Integer> secondEpochs = epochs(second);
            assertTrue(!secondEpochs.isEmpty(), second::toString);
            // resumed, not restarted: the epoch count continues after the checkpoint
            assertTrue(secondEpochs.get(0) > checkpointBeforeKill && secondEpochs.get(0) > 1, secondEpochs::toString);
            assertTrue(env.events.events(id).subList(eventsBeforeKill, eventsBeforeTerm).stream()
                    .noneMatch(e -> e.type().terminal()), "no terminal event on SIGTERM");
            int lastCheckpointOfB = maxEpoch(second.stream().filter(e -> e.type() == EventType.CHECKPOINT).toList());

            // 3. a third worker finishes the job from B's shutdown checkpoint
            try (WorkerProcess c = start(env, "c")) {
                JobEvent end = env.events.awaitTerminal(id, Duration.ofMinutes(4));
                assertEquals(EventType.COMPLETED, end.type(), () -> end + "\n" + c.tail());
                assertNotNull(end.metrics().get("resumedFrom"), end::toString);
            }
            List<JobEvent> third = env.events.events(id).subList(eventsBeforeTerm, env.events.events(id).size());
            List<Integer> thirdEpochs = epochs(third);
            assertTrue(thirdEpochs.get(0) > lastCheckpointOfB - 1 && thirdEpochs.get(0) > secondEpochs.get(0),
                    thirdEpochs::toString);
            assertEquals(EPOCHS, thirdEpochs.get(thirdEpochs.size() - 1));

            // every epoch is in the published loss log exactly once, in order
            S3Uri log = S3Uri.parse(output).child("loss_log.jsonl");
            List<Integer> logged = new ArrayList<>();
            for (String line : new String(env.store.get(log), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    JsonNode n = Json.mapper().readTree(line);
                    logged.add(n.get("epoch").asInt());
                }
            }
            assertEquals(IntStream.rangeClosed(1, EPOCHS).boxed().toList(), logged);
            JsonNode info = Json.mapper().readTree(env.store.get(S3Uri.parse(output).child("model.json")));
            assertEquals(EPOCHS, info.get("epochs").asInt());
            assertTrue(env.store.exists(S3Uri.parse(output).child("_SUCCESS.json")));
        }
    }

    private static WorkerProcess start(ItEnv env, String name) throws Exception {
        return env.startQuickFailover("kr", name);
    }

    private static List<Integer> epochs(List<JobEvent> events) {
        return events.stream().filter(e -> e.type() == EventType.EPOCH).map(JobEvent::epoch).toList();
    }

    private static int maxEpoch(List<JobEvent> events) {
        return events.stream().mapToInt(JobEvent::epoch).max().orElse(0);
    }
}
