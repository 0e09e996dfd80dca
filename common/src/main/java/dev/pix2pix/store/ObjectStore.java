package dev.pix2pix.store;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/**
 * Blocking S3 access for the workers, over the MinIO client. Every call first checks the bucket
 * allow-list, retries transient failures (network errors, 5xx, SlowDown) with exponential backoff,
 * and reports everything else as a {@link StoreException} naming the object. Thread-safe.
 */
public final class ObjectStore implements AutoCloseable {
    private static final long PART_SIZE = 16L << 20;

    /** User metadata keys are sent as x-amz-meta-*; S3 returns them lower-cased. */
    public static final String META_PREFIX = "x-amz-meta-";

    private final StoreConfig cfg;
    private final OkHttpClient http;
    private final MinioClient client;
    private final OutageListener outages;
    /** Whether the last call that finished had failed transiently (so the next success is news). */
    private final AtomicBoolean failing = new AtomicBoolean();

    public ObjectStore(StoreConfig cfg) {
        this(cfg, OutageListener.NONE);
    }

    /** @param outages told when calls fail transiently and when the store answers again */
    public ObjectStore(StoreConfig cfg, OutageListener outages) {
        this.cfg = cfg;
        this.outages = outages == null ? OutageListener.NONE : outages;
        // Short connect timeout so that an unreachable endpoint turns into retries quickly.
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .connectTimeout(5, TimeUnit.SECONDS)
                // silence between bytes, not a whole transfer: a hung server is noticed (and retried) soon
                .readTimeout(20, TimeUnit.SECONDS)
                .writeTimeout(20, TimeUnit.SECONDS)
                .retryOnConnectionFailure(false); // our retry loop decides, with backoff
        if (cfg.caFile() != null) {
            StoreTls.trust(builder, cfg.caFile());
        }
        this.http = builder.build();
        this.client = MinioClient.builder()
                .endpoint(cfg.endpoint())
                .credentials(cfg.accessKey(), cfg.secretKey())
                .region(cfg.region())
                .httpClient(http)
                .build();
    }

    public StoreConfig config() {
        return cfg;
    }

    /**
     * Every object below {@code prefix} (recursively), in key order. Keys ending in '/' (directory
     * markers) are skipped. {@code s3://b/photos} also matches {@code photos2/x}; pass
     * {@code s3://b/photos/} for the folder only.
     */
    public List<ObjectInfo> list(S3Uri prefix) {
        return list(prefix, Integer.MAX_VALUE);
    }

    /** As {@link #list(S3Uri)}, stopping after {@code max} objects (so a huge prefix costs bounded memory). */
    public List<ObjectInfo> list(S3Uri prefix, int max) {
        checkAllowed(prefix);
        List<ObjectInfo> out = new ArrayList<>();
        int failures = 0;
        long firstFailure = 0;
        while (true) {
            // On a transient failure, continue after the last key seen rather than from the start.
            String after = out.isEmpty() ? null : out.get(out.size() - 1).key();
            try {
                ListObjectsArgs.Builder args = ListObjectsArgs.builder().bucket(prefix.bucket()).recursive(true);
                if (!prefix.key().isEmpty()) {
                    args.prefix(prefix.key());
                }
                if (after != null) {
                    args.startAfter(after);
                }
                for (Result<Item> r : client.listObjects(args.build())) {
                    Item item = r.get();
                    if (item.isDir() || item.objectName().endsWith("/")) {
                        continue;
                    }
                    out.add(new ObjectInfo(prefix.bucket(), item.objectName(), item.size(), unquote(item.etag())));
                    if (out.size() >= max) {
                        break;
                    }
                }
                answered();
                return out;
            } catch (Exception e) {
                failures++;
                if (failures == 1) {
                    firstFailure = System.nanoTime();
                }
                backoffOrThrow("list", prefix, e, failures, firstFailure);
            }
        }
    }

    /** The whole object in memory. */
    public byte[] get(S3Uri uri) {
        return get(uri, Long.MAX_VALUE);
    }

    /**
     * The whole object in memory, refused with {@link StoreException.Kind#TOO_LARGE} before its body
     * is read when the response announces more than {@code maxBytes} (and cut off if it sends more).
     */
    public byte[] get(S3Uri uri, long maxBytes) {
        checkObject(uri);
        return call("get", uri, () -> {
            try (GetObjectResponse in = client.getObject(GetObjectArgs.builder()
                    .bucket(uri.bucket()).object(uri.key()).build())) {
                String length = in.headers().get("Content-Length");
                long announced = length == null ? -1 : Long.parseLong(length.trim());
                if (announced > maxBytes) {
                    throw tooLarge(uri, announced, maxBytes);
                }
                byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes == Long.MAX_VALUE
                        ? Integer.MAX_VALUE - 8 : maxBytes + 1));
                if (data.length > maxBytes) {
                    throw tooLarge(uri, data.length, maxBytes);
                }
                return data;
            }
        });
    }

    private static StoreException tooLarge(S3Uri uri, long size, long max) {
        return new StoreException(StoreException.Kind.TOO_LARGE, uri, "get " + uri + ": " + size
                + " bytes, more than the limit of " + max + " bytes", null);
    }

    /** Writes the object to {@code target} (parent folders created; replaced atomically if present). */
    public void download(S3Uri uri, Path target) {
        checkObject(uri);
        call("download", uri, () -> {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
            try (GetObjectResponse in = client.getObject(GetObjectArgs.builder()
                    .bucket(uri.bucket()).object(uri.key()).build())) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return null;
        });
    }

    /** Stores {@code data} as the object; {@code contentType} null = application/octet-stream. */
    public void put(S3Uri uri, byte[] data, String contentType) {
        put(uri, data, contentType, Map.of());
    }

    /** As {@link #put(S3Uri, byte[], String)}, with user metadata (keys without the x-amz-meta- prefix). */
    public void put(S3Uri uri, byte[] data, String contentType, Map<String, String> metadata) {
        checkObject(uri);
        call("put", uri, () -> client.putObject(PutObjectArgs.builder()
                .bucket(uri.bucket()).object(uri.key())
                .stream(new ByteArrayInputStream(data), data.length, -1)
                .contentType(contentType == null ? "application/octet-stream" : contentType)
                .userMetadata(metadata == null ? Map.of() : metadata)
                .build()));
    }

    /** Uploads a local file (multipart when large); content type guessed from the file name. */
    public void upload(Path file, S3Uri uri) {
        upload(file, uri, contentTypeOf(file.getFileName().toString()));
    }

    public void upload(Path file, S3Uri uri, String contentType) {
        checkObject(uri);
        if (!Files.isRegularFile(file)) {
            throw new StoreException(StoreException.Kind.OTHER, uri, "upload " + uri + ": no such file " + file, null);
        }
        call("upload", uri, () -> client.uploadObject(UploadObjectArgs.builder()
                .bucket(uri.bucket()).object(uri.key())
                .filename(file.toString(), PART_SIZE)
                .contentType(contentType)
                .build()));
    }

    /** Size and etag, or empty if there is no such object. */
    public Optional<ObjectInfo> stat(S3Uri uri) {
        checkObject(uri);
        try {
            StatObjectResponse r = call("stat", uri, () -> client.statObject(StatObjectArgs.builder()
                    .bucket(uri.bucket()).object(uri.key()).build()));
            return Optional.of(new ObjectInfo(uri.bucket(), uri.key(), r.size(), unquote(r.etag()),
                    userMetadata(r)));
        } catch (StoreException e) {
            if (e.kind() == StoreException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public boolean exists(S3Uri uri) {
        return stat(uri).isPresent();
    }

    /** Deletes the object; deleting a missing object is not an error (S3 semantics). */
    public void delete(S3Uri uri) {
        checkObject(uri);
        call("delete", uri, () -> {
            client.removeObject(RemoveObjectArgs.builder().bucket(uri.bucket()).object(uri.key()).build());
            return null;
        });
    }

    /** Creates the bucket unless it exists. */
    public void ensureBucket(String bucket) {
        S3Uri uri = new S3Uri(bucket, "");
        checkAllowed(uri);
        call("ensure bucket", uri, () -> {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                try {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                } catch (ErrorResponseException e) {
                    String code = e.errorResponse().code();
                    if (!code.equals("BucketAlreadyOwnedByYou") && !code.equals("BucketAlreadyExists")) {
                        throw e;
                    }
                }
            }
            return null;
        });
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    private interface Call<T> {
        T run() throws Exception;
    }

    private <T> T call(String operation, S3Uri uri, Call<T> body) {
        long firstFailure = 0;
        for (int attempt = 1; ; attempt++) {
            try {
                T result = body.run();
                answered();
                return result;
            } catch (StoreException e) {
                throw e;
            } catch (Exception e) {
                if (attempt == 1) {
                    firstFailure = System.nanoTime();
                }
                backoffOrThrow(operation, uri, e, attempt, firstFailure);
            }
        }
    }

    private void answered() {
        if (failing.compareAndSet(true, false)) {
            outages.answering(cfg.endpoint());
        }
    }

    /** Returns after sleeping if {@code e} is transient and the retry allows another try; otherwise throws. */
    private void backoffOrThrow(String operation, S3Uri uri, Exception e, int attempt, long firstFailureNanos) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        StoreException.Kind kind = StoreErrors.kindOf(e);
        Duration failingFor = Duration.ofNanos(System.nanoTime() - firstFailureNanos);
        if (kind != StoreException.Kind.TRANSIENT || !cfg.retry().again(attempt, failingFor)
                || Thread.currentThread().isInterrupted()) {
            throw StoreErrors.wrap(operation, uri, cfg.endpoint(), e, attempt, failingFor);
        }
        failing.set(true);
        outages.failing(cfg.endpoint(), failingFor, e);
        long base = cfg.retry().delayAfter(attempt).toMillis();
        long jittered = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        try {
            Thread.sleep(jittered);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw StoreErrors.wrap(operation, uri, cfg.endpoint(), e, attempt, failingFor);
        }
    }

    /** User metadata of a HEAD answer, keys lower-cased and without the x-amz-meta- prefix. */
    private static Map<String, String> userMetadata(StatObjectResponse r) {
        Map<String, String> out = new java.util.TreeMap<>();
        r.headers().names().forEach(name -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.startsWith(META_PREFIX)) {
                out.put(n.substring(META_PREFIX.length()), r.headers().get(name));
            }
        });
        return out;
    }

    private void checkObject(S3Uri uri) {
        checkAllowed(uri);
        if (uri.key().isEmpty() || uri.key().endsWith("/")) {
            throw new StoreException(StoreException.Kind.OTHER, uri, uri + " is a prefix, not an object", null);
        }
    }

    private void checkAllowed(S3Uri uri) {
        if (!cfg.allows(uri.bucket())) {
            throw new StoreException(StoreException.Kind.BUCKET_NOT_ALLOWED, uri, "bucket " + uri.bucket()
                    + " is not allowed for this worker (allowed: " + cfg.allowedBuckets() + "); refused " + uri, null);
        }
    }

    private static String unquote(String etag) {
        if (etag == null) {
            return null;
        }
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
                ? etag.substring(1, etag.length() - 1) : etag;
    }

    static String contentTypeOf(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".png")) {
            return "image/png";
        }
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        if (n.endsWith(".tif") || n.endsWith(".tiff")) {
            return "image/tiff";
        }
        if (n.endsWith(".json")) {
            return "application/json";
        }
        return "application/octet-stream";
    }
}
