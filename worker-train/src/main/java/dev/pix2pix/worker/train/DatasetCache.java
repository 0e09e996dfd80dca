package dev.pix2pix.worker.train;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.pix2pix.msg.Json;
import dev.pix2pix.store.ObjectInfo;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Local copy of a dataset prefix under {@code <work-dir>/datasets/<hash of the URI>/data}. An
 * object is downloaded only when the manifest's size and ETag for it differ from the listing (or
 * the local file's size does); downloads are checked against the listed size and, for single-part
 * uploads, the MD5 ETag. Files no longer listed are removed. One job at a time uses the cache.
 */
public final class DatasetCache {
    private static final Pattern MD5_ETAG = Pattern.compile("[0-9a-fA-F]{32}");
    private static final String MANIFEST = "manifest.json";

    /** Progress of a fetch, for the heartbeat. */
    public interface Listener {
        void files(long done, long total);
    }

    /** @param dir the local data folder */
    public record Fetched(Path dir, int files, int downloaded, int reused, long bytes) {}

    record Entry(long size, String etag) {}

    private final ObjectStore store;
    private final Path root;

    public DatasetCache(ObjectStore store, Path root) {
        this.store = store;
        this.root = root;
    }

    public Fetched fetch(S3Uri dataset, Listener listener) throws IOException {
        S3Uri prefix = dataset.asPrefix();
        List<ObjectInfo> objects = store.list(prefix);
        if (objects.isEmpty()) {
            throw new DatasetException("dataset " + prefix + " does not exist or holds no objects");
        }
        Path dir = root.resolve(hash(prefix.toString()));
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Map<String, Entry> manifest = readManifest(dir.resolve(MANIFEST));
        Set<String> listed = new HashSet<>();
        int downloaded = 0;
        int reused = 0;
        long bytes = 0;
        for (int i = 0; i < objects.size(); i++) {
            ObjectInfo o = objects.get(i);
            String rel = o.uri().relativeTo(prefix);
            Path target = safeResolve(data, rel);
            listed.add(rel);
            Entry known = manifest.get(rel);
            boolean fresh = known != null && known.size() == o.size() && java.util.Objects.equals(known.etag(), o.etag())
                    && Files.isRegularFile(target) && Files.size(target) == o.size();
            if (fresh) {
                reused++;
            } else {
                manifest.remove(rel);
                store.download(o.uri(), target);
                verify(o, target);
                manifest.put(rel, new Entry(o.size(), o.etag()));
                downloaded++;
                bytes += o.size();
                if (downloaded % 50 == 0) {
                    writeManifest(dir.resolve(MANIFEST), manifest); // a crash keeps what is already verified
                }
            }
            listener.files(i + 1, objects.size());
        }
        manifest.keySet().retainAll(listed);
        removeUnlisted(data, listed);
        writeManifest(dir.resolve(MANIFEST), manifest);
        return new Fetched(data, objects.size(), downloaded, reused, bytes);
    }

    private static void verify(ObjectInfo o, Path file) throws IOException {
        long size = Files.size(file);
        if (size != o.size()) {
            Files.deleteIfExists(file);
            throw new IOException("download of " + o.uri() + " has " + size + " bytes, listed " + o.size());
        }
        if (o.etag() != null && MD5_ETAG.matcher(o.etag()).matches()) {
            String md5 = md5(file);
            if (!md5.equalsIgnoreCase(o.etag())) {
                Files.deleteIfExists(file);
                throw new IOException("download of " + o.uri() + " has MD5 " + md5 + ", ETag " + o.etag());
            }
        }
    }

    /** Keys become paths below data; anything escaping it ("..") is refused. */
    static Path safeResolve(Path data, String rel) {
        Path p = data.resolve(rel).normalize();
        if (rel.isEmpty() || !p.startsWith(data.normalize()) || p.equals(data.normalize())) {
            throw new DatasetException("unsafe object key below the dataset prefix: '" + rel + "'");
        }
        return p;
    }

    private static void removeUnlisted(Path data, Set<String> listed) throws IOException {
        try (Stream<Path> s = Files.walk(data)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (!listed.contains(data.relativize(p).toString().replace(java.io.File.separatorChar, '/'))) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static Map<String, Entry> readManifest(Path file) {
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        try {
            return new TreeMap<>(Json.mapper().readValue(file.toFile(), new TypeReference<Map<String, Entry>>() {}));
        } catch (IOException e) {
            return new TreeMap<>(); // unreadable: verify everything again
        }
    }

    private static void writeManifest(Path file, Map<String, Entry> manifest) throws IOException {
        Path tmp = file.resolveSibling(MANIFEST + ".tmp");
        Files.write(tmp, Json.write(manifest).getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String md5(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("MD5");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The dataset itself is unusable (missing, empty, bad keys): the job fails, no retry helps. */
    public static final class DatasetException extends RuntimeException {
        public DatasetException(String message) {
            super(message);
        }
    }
}
