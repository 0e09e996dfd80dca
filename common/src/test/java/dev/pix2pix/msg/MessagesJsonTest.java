package dev.pix2pix.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessagesJsonTest {

    @Test
    void eventTypesAreTheExactLowerCaseStrings() {
        assertEquals(List.of("accepted", "progress", "epoch", "checkpoint", "item-failed", "completed", "failed",
                        "cancelled"),
                Arrays.stream(EventType.values()).map(t -> Json.write(t).replace("\"", "")).toList());
        assertEquals(EventType.ITEM_FAILED, Json.read("\"item-failed\"", EventType.class));
        assertTrue(EventType.CANCELLED.terminal());
        assertFalse(EventType.PROGRESS.terminal());
    }

    @Test
    void nullFieldsAreLeftOutAndNamesAreTheRecordComponents() throws Exception {
        JobEvent e = JobEvent.builder("j1", EventType.ITEM_FAILED).key("s3://inbox/a.png").reason("too large")
                .counts(Map.of("failed", 1L)).build();
        JsonNode n = Json.mapper().readTree(Json.write(e));
        assertEquals("item-failed", n.get("type").asText());
        assertEquals("1.0", n.get("schemaVersion").asText());
        assertFalse(n.has("done"));
        assertFalse(n.has("losses"));
        assertEquals(e, Json.read(Json.write(e), JobEvent.class));

        TrainJob.Options o = new TrainJob.Options("unet_128", "n_layers", 4, 32, 32, "instance", 1, 2, 5, 5, 4, 128,
                143, true, "lsgan", 50.0, 1.0, 0.1, 0.1, 1e-4, 0.5, 9L, 2, 100, 1);
        JsonNode on = Json.mapper().readTree(Json.write(o));
        for (String name : List.of("netG", "netD", "nLayersD", "ngf", "ndf", "norm", "inputNc", "outputNc", "epochs",
                "epochsDecay", "batch", "size", "loadSize", "noFlip", "gan", "lambdaL1", "lambdaL2", "r1Gamma",
                "labelSmoothing", "lr", "beta1", "seed", "checkpointEvery", "maxImages", "pretrainL1Epochs")) {
            assertTrue(on.has(name), name + " missing in " + on);
        }
        assertEquals(o, Json.read(Json.write(o), TrainJob.Options.class));
    }

    @Test
    void javaTimeIsWrittenAsIsoStrings() {
        java.time.Instant t = java.time.Instant.parse("2026-11-23T10:15:30.5Z");
        assertEquals("{\"at\":\"2026-11-23T10:15:30.500Z\"}", Json.write(Map.of("at", t)));
        assertEquals(t, Json.read("\"2026-11-23T10:15:30.500Z\"", java.time.Instant.class));
    }

    @Test
    void unknownPropertiesAreIgnoredWhenParsing() {
        CancelJob c = Json.read("{\"schemaVersion\":\"1.3\",\"jobId\":\"x\",\"by\":\"ops\"}", CancelJob.class);
        assertEquals("x", c.jobId());
    }

    @Test
    void topicNamesAreDecidedHere() {
        assertEquals(List.of("pix2pix.train.jobs", "pix2pix.translate.jobs", "pix2pix.translate.shards",
                "pix2pix.translate.done", "pix2pix.events", "pix2pix.control", "pix2pix.dlq"), Topics.DEFAULTS.all());
    }
}
