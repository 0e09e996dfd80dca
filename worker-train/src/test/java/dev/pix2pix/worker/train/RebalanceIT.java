package dev.pix2pix.worker.train;

import dev.pix2pix.worker.testing.WorkerProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Scaling out while a job trains: worker A holds both partitions and trains job 0 with job 1 queued
 * behind it; worker B joins and takes one partition (in practice partition 1, job 0's). Whichever moves, every job is trained to the
 * end exactly once: a moved running job is stopped by A (checkpointed) before B resumes it, a moved
 * queued job is started by B only.
 */
class RebalanceIT {
    private static final int EPOCHS = 14;

    @Test
    void aReplicaJoiningMidTrainingNeverTrainsAJobTwice() throws Exception {
        try (ItEnv env = new ItEnv("rb", 2)) {
            String dataset = env.uploadScenes("scenes4", 4);
            List<String> ids = List.of("it-rebalance-0", "it-rebalance-1");
            try (WorkerProcess a = start(env, "a")) {
                // job 0 on partition 1 (the one the sticky assignor tends to hand over), running;
                // job 1 on partition 0, queued behind it
                env.send(TrainJob.of(ids.get(0), dataset, TrainJob.Layout.ALIGNED, output(env, ids.get(0)),
                        ItEnv.tinyOptions(EPOCHS, 2)), 1);
                JobEvent first = env.events.await(ids.get(0), e -> e.type() == EventType.EPOCH || e.type().terminal(),
                        Duration.ofMinutes(3));
                assertEquals(EventType.EPOCH, first.type(), a::tail);
                env.send(TrainJob.of(ids.get(1), dataset, TrainJob.Layout.ALIGNED, output(env, ids.get(1)),
                        ItEnv.tinyOptions(EPOCHS, 2)), 0);
                try (WorkerProcess b = start(env, "b")) {
                    for (String id : ids) {
                        JobEvent end = env.events.awaitTerminal(id, Duration.ofMinutes(4));
                        assertEquals(EventType.COMPLETED, end.type(), () -> end + "\n" + a.tail() + "\n" + b.tail());
                    }
                    boolean moved = b.logText().contains("train job " + ids.get(0) + " received");
                    if (moved) {
                        // the running job moved: A stopped it (checkpoint uploaded) and B resumed it
                        assertTrue(a.logText().contains("was revoked; stopping the job"), a.tail());
                        assertTrue(b.logText().contains("resuming from"), b.tail());
                    }
                }
            }
            for (String id : ids) {
                assertEquals(1, env.events.events(id, EventType.COMPLETED).size(), id);
                // one line per epoch, in order: no epoch was trained by two workers
                List<Integer> logged = new ArrayList<>();
                String log = new String(env.store.get(S3Uri.parse(output(env, id)).child("loss_log.jsonl")),
                        StandardCharsets.UTF_8);
                for (String line : log.split("\n")) {
                    if (!line.isBlank()) {
                        JsonNode n = Json.mapper().readTree(line);
                        logged.add(n.get("epoch").asInt());
                    }
                }
                assertEquals(IntStream.rangeClosed(1, EPOCHS).boxed().toList(), logged, id);
                List<Integer> epochs = env.events.events(id, EventType.EPOCH).stream().map(JobEvent::epoch).toList();
                assertEquals(epochs.stream().distinct().count(), epochs.size(), "epochs trained twice: " + epochs);
            }
        }
    }

    private static String output(ItEnv env, String id) {
        return "s3://" + env.bucket + "/models/" + id + "/";
    }

    private static WorkerProcess start(ItEnv env, String name) throws Exception {
        return env.startQuickFailover("rb", name);
    }
}
