package dev.pix2pix.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Behaviour that needs no server: allow-list, retry policy, unreachable endpoint. */
class ObjectStoreOfflineTest {

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void bucketOutsideTheAllowListFailsBeforeAnyRequest() throws Exception {
        StoreConfig cfg = StoreConfig.of("http://127.0.0.1:" + closedPort(), "a", "b")
                .withAllowedBuckets(Set.of("models"));
        try (ObjectStore store = new ObjectStore(cfg)) {
            long t0 = System.nanoTime();
            StoreException e = assertThrows(StoreException.class, () -> store.get(S3Uri.parse("s3://secrets/k")));
            assertEquals(StoreException.Kind.BUCKET_NOT_ALLOWED, e.kind());
            assertTrue(e.getMessage().contains("secrets") && e.getMessage().contains("s3://secrets/k"), e.getMessage());
            assertEquals(StoreException.Kind.BUCKET_NOT_ALLOWED,
                    assertThrows(StoreException.class, () -> store.list(S3Uri.parse("s3://secrets/"))).kind());
            assertEquals(StoreException.Kind.BUCKET_NOT_ALLOWED,
                    assertThrows(StoreException.class, () -> store.ensureBucket("secrets")).kind());
            // no connection attempt, let alone retries
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(1).toNanos());
        }
    }

    @Test
    void unreachableEndpointIsRetriedThenReportedAsTransient() throws Exception {
        StoreConfig cfg = StoreConfig.of("http://127.0.0.1:" + closedPort(), "a", "b")
                .withRetry(new StoreConfig.Retry(3, Duration.ofMillis(50), Duration.ofMillis(100)));
        try (ObjectStore store = new ObjectStore(cfg)) {
            long t0 = System.nanoTime();
            StoreException e = assertThrows(StoreException.class, () -> store.stat(S3Uri.parse("s3://models/x.pth")));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(StoreException.Kind.TRANSIENT, e.kind());
            assertTrue(e.getMessage().contains("3 attempt(s)") && e.getMessage().contains("s3://models/x.pth"),
                    e.getMessage());
            assertTrue(ms >= 50, "two backoffs expected, took " + ms + " ms");
        }
    }

    @Test
    void prefixesAreNotObjects() {
        try (ObjectStore store = new ObjectStore(StoreConfig.of("http://127.0.0.1:1", "a", "b"))) {
            assertEquals(StoreException.Kind.OTHER,
                    assertThrows(StoreException.class, () -> store.get(S3Uri.parse("s3://models/dir/"))).kind());
        }
    }

    @Test
    void backoffGrowsExponentiallyUpToTheCap() {
        StoreConfig.Retry r = new StoreConfig.Retry(10, Duration.ofMillis(100), Duration.ofSeconds(1));
        assertEquals(100, r.delayAfter(1).toMillis());
        assertEquals(200, r.delayAfter(2).toMillis());
        assertEquals(800, r.delayAfter(4).toMillis());
        assertEquals(1000, r.delayAfter(5).toMillis());
        assertEquals(1000, r.delayAfter(60).toMillis());
    }

    @Test
    void configNeverPrintsTheSecret() {
        StoreConfig cfg = StoreConfig.of("http://x:1", "access", "s3cr3t-value");
        assertFalse(cfg.toString().contains("s3cr3t-value"));
        assertEquals("us-east-1", cfg.region());
        assertTrue(cfg.allows("anything"));
    }
}
