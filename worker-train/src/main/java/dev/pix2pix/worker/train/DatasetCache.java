package dev.pix2pix.worker.train;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.pix2pix.data.DataFiles;
import dev.pix2pix.io.LocalFiles;
import dev.pix2pix.msg.Json;
import dev.pix2pix.store.ObjectInfo;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Local copies of dataset prefixes under {@code <work-dir>/datasets/<hash of the URI>/} ({@code data/}
 * the objects, {@code prepared/} the training sets' prepared caches), kept within a disk budget: the
 * least recently used other datasets are removed to make room. An object is downloaded only when the
 * manifest's size and ETag for it differ from the listing (or the local file's size does);
 * downloads are checked against the listed size and, for single-part uploads, the MD5 ETag.
 *
 * <p>{@link #open} lists the prefix and starts downloading on a few background threads; the
 * returned {@link Download} is the training set's {@link DataFiles}, whose reads wait for the file
 * they need (moving it to the front of the queue), so training starts before the last file is
 * here. One job at a time uses the cache.
 */
public final class DatasetCache {
    private static final Pattern MD5_ETAG = Pattern.compile("[0-9a-fA-F]{32}");
    private static final String MANIFEST = "manifest.json";
    private static final String LAST_USED = "last-used";
    private static final int THREADS = 4;

    /** Progress of the downloads, for the heartbeat. */
    public interface Listener {
        void files(long done, long total);
    }

    /** @param dir the local data folder */
    public record Fetched(Path dir, int files, int downloaded, int reused, long bytes) {}

    record Entry(long size, String etag) {}

    /**
     * What the disk budget allows for a dataset.
     *
     * @param prepared whether its prepared cache fits too (else the set decodes every epoch)
     * @param evicted other datasets removed to make room
     * @param message why the prepared cache is off (null when it is on)
     */
    public record Room(boolean prepared, List<String> evicted, String message) {}

    private final ObjectStore store;
    private final Path root;
    private final long budget;

    /** @param budget bytes all datasets (objects and prepared caches) may take under {@code root} */
    public DatasetCache(ObjectStore store, Path root, long budget) {
        this.store = store;
        this.root = root;
        this.budget = budget;
    }

    /**
     * Lists a dataset, makes room for it and starts downloading what is not already here.
     *
     * @param preparedBytes estimate of the prepared cache's size for this listing (see {@link dev.pix2pix.train.TrainPlan#preparedBytes})
     */
    public Download open(S3Uri dataset, java.util.function.ToLongFunction<List<ObjectInfo>> preparedBytes,
            Listener listener) throws IOException {
        S3Uri prefix = dataset.asPrefix();
        List<ObjectInfo> objects = store.list(prefix);
        if (objects.isEmpty()) {
            throw new DatasetException("dataset " + prefix + " does not exist or holds no objects");
        }
        Path dir = root.resolve(hash(prefix.toString()));
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve(LAST_USED), Instant.now().toString());
        long listed = objects.stream().mapToLong(ObjectInfo::size).sum();
        Room room = makeRoom(dir, listed, preparedBytes.applyAsLong(objects));
        Download d = new Download(prefix, dir, objects, room, listener);
        d.start();
        return d;
    }

    /** Removes least recently used other datasets until this one (objects and prepared cache) fits. */
    Room makeRoom(Path dir, long listedBytes, long preparedBytes) throws IOException {
        List<Path> others = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(Files::isDirectory).filter(p -> !p.equals(dir)).forEach(others::add);
        }
        others.sort(Comparator.comparing(DatasetCache::lastUsed));
        Map<Path, Long> sizes = new HashMap<>();
        long othersBytes = 0;
        for (Path p : others) {
            long b = bytesUnder(p);
            sizes.put(p, b);
            othersBytes += b;
        }
        if (listedBytes > budget) {
            throw new DatasetException("dataset of " + mib(listedBytes) + " MiB exceeds the dataset cache budget of "
                    + mib(budget) + " MiB (pix2pix.train.dataset-cache-budget)");
        }
        long want = listedBytes + preparedBytes;
        List<String> evicted = new ArrayList<>();
        for (Path p : others) {
            if (othersBytes + Math.min(want, budget) <= budget) {
                break;
            }
            LocalFiles.deleteTree(p);
            othersBytes -= sizes.get(p);
            evicted.add(p.getFileName().toString());
        }
        if (want <= budget - othersBytes) {
            return new Room(true, evicted, null);
        }
        return new Room(false, evicted, "prepared cache off: the dataset (" + mib(listedBytes) + " MiB) and its prepared "
                + "cache (about " + mib(preparedBytes) + " MiB) exceed the dataset cache budget of " + mib(budget)
                + " MiB; every epoch decodes the images again");
    }

    private static FileTime lastUsed(Path dir) {
        try {
            return Files.getLastModifiedTime(dir.resolve(LAST_USED));
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    static long bytesUnder(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }

    /** A dataset being made local: the training set's files, downloaded in the background and on demand. */
    public final class Download implements DataFiles, AutoCloseable {
        private final S3Uri prefix;
        private final Path dir;
        private final Path data;
        private final List<ObjectInfo> objects;
        private final Map<String, ObjectInfo> byName = new HashMap<>();
        private final Room room;
        private final Listener listener;
        private final Map<String, Entry> manifest;
        private final Set<String> done = new HashSet<>();
        private final Set<String> active = new HashSet<>();
        private final Deque<String> urgent = new ArrayDeque<>();
        private final List<Thread> threads = new ArrayList<>();
        private Set<String> wanted;
        private int next;
        private int downloaded;
        private int reused;
        private long bytes;
        private RuntimeException failure;
        private boolean closed;

        Download(S3Uri prefix, Path dir, List<ObjectInfo> objects, Room room, Listener listener) throws IOException {
            this.prefix = prefix;
            this.dir = dir;
            this.data = dir.resolve("data");
            this.objects = objects;
            this.room = room;
            this.listener = listener;
            this.manifest = readManifest(dir.resolve(MANIFEST));
            for (ObjectInfo o : objects) {
                String rel = o.uri().relativeTo(prefix);
                safeResolve(data, rel);
                byName.put(rel, o);
                Entry known = manifest.get(rel);
                Path target = data.resolve(rel);
                if (known != null && known.size() == o.size() && java.util.Objects.equals(known.etag(), o.etag())
                        && Files.isRegularFile(target) && Files.size(target) == o.size()) {
                    done.add(rel);
                    reused++;
                } else {
                    manifest.remove(rel);
                }
            }
        }

        private void start() {
            for (int i = 0; i < THREADS; i++) {
                Thread t = new Thread(this::work, "pix2pix-dataset-download-" + (i + 1));
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        public Room room() {
            return room;
        }

        /** Where the training set's prepared cache goes (null when the budget leaves no room for it). */
        public Path preparedRoot() {
            return room.prepared() ? dir.resolve("prepared") : null;
        }

        /** Objects still to download when training starts. */
        public synchronized int pending() {
            return (int) objects.stream().filter(o -> isWanted(o) && !done.contains(o.uri().relativeTo(prefix))).count();
        }

        /** Downloads in the background only these names (the training set's files); others on demand only. */
        public synchronized void retain(Collection<String> names) {
            wanted = new HashSet<>(names);
            notifyAll();
        }

        private boolean isWanted(ObjectInfo o) {
            return wanted == null || wanted.contains(o.uri().relativeTo(prefix));
        }

        @Override
        public String identity() {
            return prefix.toString();
        }

        @Override
        public List<FileInfo> list() {
            List<FileInfo> out = new ArrayList<>();
            for (ObjectInfo o : objects) {
                String rel = o.uri().relativeTo(prefix);
                if (DataFiles.isData(rel)) {
                    out.add(new FileInfo(rel, o.size(), o.size() + "-" + o.etag()));
                }
            }
            out.sort(Comparator.comparing(FileInfo::name));
            return out;
        }

        @Override
        public byte[] read(String name) throws IOException {
            await(name);
            return Files.readAllBytes(safeResolve(data, name));
        }

        /** Waits until a listed object is here, downloading it next if it is not. A failed download is rethrown. */
        synchronized void await(String name) throws IOException {
            if (!byName.containsKey(name)) {
                throw new java.nio.file.NoSuchFileException(name, null, "not listed under " + prefix);
            }
            if (!done.contains(name) && !active.contains(name)) {
                urgent.addFirst(name);
                notifyAll();
            }
            while (!done.contains(name)) {
                if (failure != null) {
                    throw failure;
                }
                if (closed) {
                    throw new IOException("dataset download closed before " + name + " arrived");
                }
                try {
                    wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted waiting for " + name);
                }
            }
        }

        private synchronized String take() {
            while (true) {
                if (closed || failure != null) {
                    return null;
                }
                while (!urgent.isEmpty()) {
                    String n = urgent.poll();
                    if (!done.contains(n) && !active.contains(n)) {
                        active.add(n);
                        return n;
                    }
                }
                while (next < objects.size()) {
                    ObjectInfo o = objects.get(next++);
                    String n = o.uri().relativeTo(prefix);
                    if (isWanted(o) && !done.contains(n) && !active.contains(n)) {
                        active.add(n);
                        return n;
                    }
                }
                if (active.isEmpty() && urgent.isEmpty() && allWantedDone()) {
                    return null;
                }
                try {
                    wait(1000);
                } catch (InterruptedException e) {
                    return null;
                }
                next = 0; // retain() may have widened what is wanted
            }
        }

        private boolean allWantedDone() {
            for (ObjectInfo o : objects) {
                if (isWanted(o) && !done.contains(o.uri().relativeTo(prefix))) {
                    return false;
                }
            }
            return true;
        }

        private void work() {
            for (String n; (n = take()) != null; ) {
                ObjectInfo o = byName.get(n);
                Path target = safeResolve(data, n);
                try {
                    Files.createDirectories(target.getParent());
                    store.download(o.uri(), target);
                    verify(o, target);
                } catch (IOException e) {
                    fail(new UncheckedIOException(e));
                    return;
                } catch (RuntimeException e) {
                    fail(e);
                    return;
                }
                long d;
                synchronized (this) {
                    active.remove(n);
                    done.add(n);
                    manifest.put(n, new Entry(o.size(), o.etag()));
                    downloaded++;
                    bytes += o.size();
                    d = done.size();
                    if (downloaded % 50 == 0) {
                        saveManifest(); // a crash keeps what is already verified
                    }
                    notifyAll();
                }
                listener.files(d, objects.size());
            }
        }

        private synchronized void fail(RuntimeException e) {
            if (failure == null) {
                failure = e;
            }
            notifyAll();
        }

        private void saveManifest() {
            try {
                writeManifest(dir.resolve(MANIFEST), manifest);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Waits for the wanted objects, drops local files no longer listed, and saves the manifest. */
        public Fetched finish() throws IOException, InterruptedException {
            synchronized (this) {
                while (!allWantedDone()) {
                    if (failure != null) {
                        throw failure;
                    }
                    wait(1000);
                }
            }
            close();
            Set<String> listed = new HashSet<>(byName.keySet());
            synchronized (this) {
                manifest.keySet().retainAll(listed);
                writeManifest(dir.resolve(MANIFEST), manifest);
            }
            removeUnlisted(data, listed);
            return new Fetched(data, objects.size(), downloaded, reused, bytes);
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                notifyAll();
            }
            for (Thread t : threads) {
                try {
                    t.join(60_000); // a download in progress ends first
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            synchronized (this) {
                try {
                    writeManifest(dir.resolve(MANIFEST), manifest);
                } catch (IOException e) {
                    // the next job verifies again what the manifest does not list
                }
            }
        }
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
