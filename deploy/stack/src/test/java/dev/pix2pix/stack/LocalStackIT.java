package dev.pix2pix.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stack up / stack down as the CLI uses them: detached processes found again through stack.json. */
class LocalStackIT {
    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        LocalStack.down(dir); // also when an assertion failed
    }

    @Test
    void upDownLifecycle() throws Exception {
        StackInfo info = LocalStack.up(dir);
        assertEquals(2, info.pids().size());
        assertTrue(info.serversRunning());
        assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(dir.resolve(LocalStack.STATE_FILE)), "stack.json holds the secret key");
        assertEquals(Optional.of(info), LocalStack.read(dir));
        try (Admin admin = Admin.create(java.util.Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, info.bootstrapServers()))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("kept", 1, (short) 1)))
                    .all().get();
        }

        try (ObjectStore store = new ObjectStore(StoreConfig.of(info.s3Endpoint(), info.accessKey(),
                info.secretKey()))) {
            store.ensureBucket("kept");
            store.put(new S3Uri("kept", "a.txt"), new byte[] {42}, "text/plain");
        }

        // a second up finds the running stack instead of starting another
        assertEquals(info, LocalStack.up(dir));

        // a worker registered by the CLI is stopped by down, before the servers
        Process worker = new ProcessBuilder("sleep", "300").start();
        LocalStack.addProcess(dir, StackProcess.of("worker-infer", worker.toHandle(), null));
        assertEquals(3, LocalStack.read(dir).orElseThrow().processes().size());

        Optional<StackInfo> stopped = LocalStack.down(dir);
        assertEquals(3, stopped.orElseThrow().processes().size());
        for (long pid : stopped.get().pids()) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still runs");
        }
        assertTrue(LocalStack.read(dir).isEmpty());
        assertTrue(LocalStack.down(dir).isEmpty(), "down twice is harmless");

        StackInfo again = LocalStack.up(dir);
        assertEquals(info.accessKey(), again.accessKey());
        assertEquals(info.secretKey(), again.secretKey());
        assertNotEquals(info.pids(), again.pids());
        try (Admin admin = Admin.create(java.util.Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, again.bootstrapServers()))) {
            assertTrue(admin.listTopics().names().get().contains("kept"), "topics persist across down/up");
        }
        try (ObjectStore store = new ObjectStore(StoreConfig.of(again.s3Endpoint(), again.accessKey(),
                again.secretKey()))) {
            assertArrayEquals(new byte[] {42}, store.get(new S3Uri("kept", "a.txt")), "objects persist");
        }

        // after a crash, up restarts only the dead server: same endpoint, credentials and data
        ProcessHandle s3 = again.process(StackInfo.S3PROXY).orElseThrow().handle().orElseThrow();
        s3.destroyForcibly();
        s3.onExit().join();
        assertFalse(LocalStack.read(dir).orElseThrow().serversRunning());
        StackInfo restarted = LocalStack.up(dir);
        assertTrue(restarted.serversRunning());
        assertNotEquals(again.process(StackInfo.S3PROXY).orElseThrow().pid(),
                restarted.process(StackInfo.S3PROXY).orElseThrow().pid());
        assertEquals(again.process(StackInfo.KAFKA), restarted.process(StackInfo.KAFKA), "the broker was kept");
        assertEquals(again.s3Endpoint(), restarted.s3Endpoint());
        try (ObjectStore store = new ObjectStore(StoreConfig.of(restarted.s3Endpoint(), restarted.accessKey(),
                restarted.secretKey()))) {
            assertArrayEquals(new byte[] {42}, store.get(new S3Uri("kept", "a.txt")));
        }
    }
}
