package dev.pix2pix.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StackStateTest {

    @Test
    void stackInfoSurvivesJsonAndHasNoDerivedFields() throws Exception {
        StackInfo info = new StackInfo("127.0.0.1:1", "http://127.0.0.1:2", "ak", "sk", "us-east-1", 1, 3, 2,
                List.of(new StackProcess("kafka", 11, "2026-01-01T00:00:00Z", "/x/kafka.log")));
        ObjectMapper json = new ObjectMapper();
        String text = json.writeValueAsString(info);
        assertFalse(text.contains("pids") || text.contains("serversRunning") || text.contains("running"), text);
        assertEquals(info, json.readValue(text, StackInfo.class));
        assertEquals(List.of(11L), info.pids());
    }

    @Test
    void aRecordedProcessIsOnlyOursIfItsStartTimeMatches() {
        ProcessHandle self = ProcessHandle.current();
        assertTrue(StackProcess.of("me", self, null).running());
        assertFalse(new StackProcess("me", self.pid(), Instant.parse("2001-01-01T00:00:00Z").toString(), null)
                .running(), "same pid, different start time: a reused pid");
    }

    @Test
    void runtimeClasspathsPointAtExistingJars() {
        List<Path> kafka = RuntimeClasspath.load("kafka");
        assertTrue(kafka.stream().anyMatch(p -> p.getFileName().toString().startsWith("kafka_2.13-")), kafka.toString());
        List<Path> s3 = RuntimeClasspath.load("s3proxy");
        assertTrue(s3.stream().anyMatch(p -> p.getFileName().toString().startsWith("s3proxy-")), s3.toString());
        assertTrue(s3.stream().noneMatch(p -> p.getFileName().toString().startsWith("kafka")),
                "the two servers have separate classpaths");
        kafka.forEach(p -> assertTrue(Files.exists(p), p.toString()));
    }

    @Test
    void freePortsAreFreeAndOnLoopback() {
        int port = FreePorts.pick();
        assertTrue(FreePorts.isFree(port));
        assertFalse(FreePorts.accepting(port));
        assertEquals(port, FreePorts.preferOrPick(port));
    }
}
