package dev.pix2pix.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.store.ObjectInfo;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.store.StoreConfig;
import dev.pix2pix.store.StoreException;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ObjectStore against a real S3Proxy (no mocks). */
class ObjectStoreIT {
    private static final String BUCKET = "it-store";
    private static LocalS3 s3;
    private static ObjectStore store;

    @BeforeAll
    static void start() {
        s3 = SharedStack.s3();
        store = new ObjectStore(StoreConfig.of(s3.endpoint(), s3.accessKey(), s3.secretKey()));
        store.ensureBucket(BUCKET);
        store.ensureBucket(BUCKET); // idempotent
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    private static S3Uri uri(String key) {
        return new S3Uri(BUCKET, key);
    }

    @Test
    void putGetStatAndListWithEtags() throws Exception {
        byte[] png = "not really a png".getBytes(StandardCharsets.UTF_8);
        store.put(uri("ds1/a/1.png"), png, "image/png");
        store.put(uri("ds1/a/2.png"), new byte[] {1, 2, 3}, "image/png");
        store.put(uri("ds1/b/sub/3.bin"), new byte[0], null);
        store.put(uri("ds10/x.png"), new byte[] {9}, null);
        // a directory marker written by some other tool must not show up as an object
        try (MinioClient raw = MinioClient.builder().endpoint(s3.endpoint())
                .credentials(s3.accessKey(), s3.secretKey()).region("us-east-1").build()) {
            raw.putObject(PutObjectArgs.builder().bucket(BUCKET).object("ds1/empty-dir/")
                    .stream(new ByteArrayInputStream(new byte[0]), 0, -1).build());
        }

        assertArrayEquals(png, store.get(uri("ds1/a/1.png")));

        ObjectInfo info = store.stat(uri("ds1/a/1.png")).orElseThrow();
        assertEquals(png.length, info.size());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(png)), info.etag());
        assertEquals(uri("ds1/a/1.png"), info.uri());

        List<ObjectInfo> listed = store.list(S3Uri.parse("s3://" + BUCKET + "/ds1/"));
        assertEquals(List.of("ds1/a/1.png", "ds1/a/2.png", "ds1/b/sub/3.bin"),
                listed.stream().map(ObjectInfo::key).toList());
        assertEquals(info.etag(), listed.get(0).etag());
        assertEquals(3, listed.get(1).size());
        // without the trailing slash the prefix also matches ds10/
        assertEquals(4, store.list(S3Uri.parse("s3://" + BUCKET + "/ds1")).size());
    }

    @Test
    void downloadUploadExistsDelete(@TempDir Path tmp) throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(1).nextBytes(data);
        Path src = tmp.resolve("model.pth");
        Files.write(src, data);
        store.upload(src, uri("models/run1/latest.pth"));
        Path dst = tmp.resolve("down/again/latest.pth");
        store.download(uri("models/run1/latest.pth"), dst);
        assertArrayEquals(data, Files.readAllBytes(dst));
        store.download(uri("models/run1/latest.pth"), dst); // replaces an existing file
        assertArrayEquals(data, Files.readAllBytes(dst));
        try (var files = Files.list(dst.getParent())) {
            assertEquals(1, files.count(), "no temporary files left behind");
        }

        assertTrue(store.exists(uri("models/run1/latest.pth")));
        store.delete(uri("models/run1/latest.pth"));
        assertFalse(store.exists(uri("models/run1/latest.pth")));
        store.delete(uri("models/run1/latest.pth")); // deleting twice is fine
    }

    @Test
    void missingObjectsAndBucketsAreNotFound() {
        assertTrue(store.stat(uri("nope/missing.png")).isEmpty());
        StoreException e = assertThrows(StoreException.class, () -> store.get(uri("nope/missing.png")));
        assertEquals(StoreException.Kind.NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains("s3://it-store/nope/missing.png"), e.getMessage());

        StoreException b = assertThrows(StoreException.class, () -> store.list(S3Uri.parse("s3://no-such-bucket/x/")));
        assertEquals(StoreException.Kind.NOT_FOUND, b.kind());
        assertTrue(b.getMessage().contains("no-such-bucket"), b.getMessage());
    }

    @Test
    void allowListRefusesOtherBucketsButServesItsOwn() {
        store.ensureBucket("it-private");
        store.put(new S3Uri("it-private", "k"), new byte[] {1}, null);
        try (ObjectStore limited = new ObjectStore(StoreConfig.of(s3.endpoint(), s3.accessKey(), s3.secretKey())
                .withAllowedBuckets(Set.of(BUCKET)))) {
            StoreException e = assertThrows(StoreException.class, () -> limited.get(new S3Uri("it-private", "k")));
            assertEquals(StoreException.Kind.BUCKET_NOT_ALLOWED, e.kind());
            assertTrue(e.getMessage().contains("it-private"), e.getMessage());
            limited.put(uri("allowed/k"), new byte[] {2}, null);
            assertArrayEquals(new byte[] {2}, limited.get(uri("allowed/k")));
        }
    }

    @Test
    void wrongCredentialsAreAccessDeniedWithAClearMessage() {
        store.put(uri("secret/k"), new byte[] {1}, null);
        StoreConfig.Retry fast = new StoreConfig.Retry(2, Duration.ofMillis(10), Duration.ofMillis(10));
        try (ObjectStore badSecret = new ObjectStore(StoreConfig.of(s3.endpoint(), s3.accessKey(), "wrong-secret")
                .withRetry(fast));
             ObjectStore badKey = new ObjectStore(StoreConfig.of(s3.endpoint(), "nobody", s3.secretKey())
                .withRetry(fast))) {
            StoreException e = assertThrows(StoreException.class, () -> badSecret.get(uri("secret/k")));
            assertEquals(StoreException.Kind.ACCESS_DENIED, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("s3://it-store/secret/k") && e.getMessage().contains("secret key"),
                    e.getMessage());
            StoreException k = assertThrows(StoreException.class, () -> badKey.list(uri("secret/")));
            assertEquals(StoreException.Kind.ACCESS_DENIED, k.kind(), k.getMessage());
            StoreException s = assertThrows(StoreException.class, () -> badKey.stat(uri("secret/k")));
            assertEquals(StoreException.Kind.ACCESS_DENIED, s.kind(), s.getMessage());
        }
    }

    @Test
    void retriesUntilAServerThatWasDownComesUp(@TempDir Path dir) throws Exception {
        int port = FreePorts.pick();
        StoreConfig cfg = StoreConfig.of("http://127.0.0.1:" + port, "late-ak", "late-sk")
                .withRetry(new StoreConfig.Retry(40, Duration.ofMillis(200), Duration.ofSeconds(1)));
        try (ObjectStore late = new ObjectStore(cfg)) {
            long t0 = System.nanoTime();
            CompletableFuture<Void> ensure = CompletableFuture.runAsync(() -> late.ensureBucket("late"));
            Thread.sleep(500); // the first attempts hit a closed port
            assertFalse(ensure.isDone(), "should still be retrying");
            try (LocalS3 server = LocalS3.start(dir, new LocalS3.Settings(port, "late-ak", "late-sk", false))) {
                ensure.get(60, TimeUnit.SECONDS);
                assertTrue(System.nanoTime() - t0 > Duration.ofMillis(500).toNanos());
                late.put(new S3Uri("late", "k"), new byte[] {7}, null);
                assertArrayEquals(new byte[] {7}, late.get(new S3Uri("late", "k")));
            }
        }
    }
}
