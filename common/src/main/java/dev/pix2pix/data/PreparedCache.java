package dev.pix2pix.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Entries decoded and resized once, kept as 8-bit RGB at their prepared size in one append-only pack
 * file beside an append-only index, and reused across epochs and runs. A folder serves one (file
 * collection, layout, preprocessing) combination (see {@link #folderFor}); inside it an entry is
 * found by name and stamp, so a changed file (size, mtime, ETag) is prepared again. Unusable entries
 * are remembered too (their reason is reported without decoding them again).
 *
 * <p>Every record carries a CRC: a damaged record, or an index line cut by a crash, is ignored and
 * the entry prepared again. Records are read with positional reads, not mapped: the pages stay in the
 * kernel's page cache (shared, reclaimable) instead of counting in the process's resident memory,
 * which would otherwise grow by the size of the cache over an epoch. One process at a time writes a
 * folder (a file lock; a second one is refused and trains without the cache). Thread-safe.
 */
public final class PreparedCache implements AutoCloseable {
    /** Bumped whenever prepared pixels change for the same input (decoder, resize, rounding). */
    static final int FORMAT = 1;
    static final String PACK = "pack.bin";
    static final String INDEX = "index.log";
    private static final String LOCK = "lock";

    /** A remembered entry: prepared pixels at an offset of the pack, or why it is unusable. */
    record Known(String stamp, long offset, int width, int height, boolean hasA, int crc, String reason, String detail) {
        boolean usable() {
            return reason == null;
        }

        long length() {
            return (hasA ? 6L : 3L) * width * height;
        }
    }

    /** The folder is written by another process (or another set of this one). */
    public static final class BusyException extends IOException {
        BusyException(String message) {
            super(message);
        }
    }

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final FileChannel pack;
    private final FileChannel index;
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private final Consumer<String> warn;
    private long packEnd;
    private long indexEnd;
    private long deadBytes;
    private volatile boolean broken;

    private PreparedCache(Path dir, FileChannel lockChannel, FileLock lock, Consumer<String> warn) throws IOException {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.warn = warn;
        this.pack = FileChannel.open(dir.resolve(PACK), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        this.index = FileChannel.open(dir.resolve(INDEX), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    /** The cache folder under {@code root} for one collection, layout and preprocessing. */
    public static Path folderFor(Path root, String identity, Layout layout, Preprocessing pre) {
        String key = "v" + FORMAT + "\n" + identity + "\n" + layout + "\n" + pre.cacheKey();
        return root.resolve(layout.name().toLowerCase(java.util.Locale.ROOT) + "-" + pre.cacheKey() + "-"
                + sha256(key).substring(0, 16));
    }

    /**
     * Opens (or creates) a cache folder.
     *
     * @throws BusyException when another process holds it
     */
    public static PreparedCache open(Path dir, Consumer<String> warn) throws IOException {
        Files.createDirectories(dir);
        FileChannel lc = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lc.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            lc.close();
            throw new BusyException("prepared cache " + dir + " is in use by another training");
        }
        PreparedCache c;
        try {
            c = new PreparedCache(dir, lc, l, warn);
            c.load();
        } catch (IOException | RuntimeException e) {
            l.release();
            lc.close();
            throw e;
        }
        return c;
    }

    public Path dir() {
        return dir;
    }

    /** Entries remembered (usable or not). */
    public int size() {
        return known.size();
    }

    /** Bytes of prepared pixels in the pack (live records and superseded ones). */
    public synchronized long packBytes() {
        return packEnd;
    }

    private void load() throws IOException {
        packEnd = pack.size();
        long size = index.size();
        if (size > Integer.MAX_VALUE - 16) {
            throw new IOException("prepared cache index " + dir.resolve(INDEX) + " is too large");
        }
        byte[] all = new byte[(int) size];
        readFully(index, all, 0);
        long live = 0;
        int ignored = 0;
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] != '\n') {
                continue;
            }
            Parsed p = parse(new String(all, start, i - start, StandardCharsets.UTF_8));
            start = i + 1;
            if (p == null || (p.known.usable() && p.known.offset() + p.known.length() > packEnd)) {
                ignored++;
                continue;
            }
            Known old = known.put(p.name, p.known);
            if (old != null && old.usable()) {
                live -= old.length();
            }
            if (p.known.usable()) {
                live += p.known.length();
            }
        }
        indexEnd = start;
        if (start < all.length) {
            ignored++; // a line cut by a crash: appends go after the last whole line
            index.truncate(indexEnd);
        }
        if (ignored > 0) {
            warn.accept("prepared cache " + dir + ": " + ignored + " damaged index line(s) ignored; those entries are prepared again");
        }
        deadBytes = packEnd - live;
        if (deadBytes > Math.max(256L << 20, live)) {
            warn.accept("prepared cache " + dir + ": " + (deadBytes >> 20) + " MiB of " + (packEnd >> 20)
                    + " MiB superseded; starting it afresh");
            known.clear();
            pack.truncate(0);
            index.truncate(0);
            packEnd = indexEnd = deadBytes = 0;
        }
    }

    /** What is known about an entry with this stamp (null: never prepared, or prepared from another version of the file). */
    Known lookup(String name, String stamp) {
        if (broken) {
            return null;
        }
        Known k = known.get(name);
        return k != null && k.stamp().equals(stamp) ? k : null;
    }

    /** Per reading thread: the arrays of the last record read (entries of one set mostly share a size). */
    private final java.util.Set<Long> verified = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<byte[][]> buffers = ThreadLocal.withInitial(() -> new byte[2][0]);

    /**
     * The prepared pixels of a usable entry, or null when its record is damaged (then it is forgotten).
     * The arrays belong to the calling thread and are reused by its next read: use them before that.
     */
    PreparedPair read(String name, Known k) {
        try {
            int plane = 3 * k.width() * k.height();
            byte[][] buf = buffers.get();
            if (buf[1].length != plane) {
                buf[0] = new byte[plane];
                buf[1] = new byte[plane];
            }
            byte[] a = k.hasA() ? buf[0] : null;
            byte[] b = buf[1];
            long pos = k.offset();
            if (a != null) {
                readFully(a, pos);
                pos += plane;
            }
            readFully(b, pos);
            // checked the first time this process reads the record: a later read finds the same page-cache pages
            if (!verified.contains(k.offset()) && crc(a, b) != k.crc()) {
                warn.accept("prepared cache " + dir + ": the record of " + name + " is damaged; preparing it again");
                known.remove(name, k);
                return null;
            }
            verified.add(k.offset());
            return new PreparedPair(k.width(), k.height(), a, b);
        } catch (IOException e) {
            disable(e);
            return null;
        }
    }

    private void readFully(byte[] dst, long pos) throws IOException {
        readFully(pack, dst, pos);
    }

    private static void readFully(FileChannel ch, byte[] dst, long pos) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(dst);
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new IOException("short read");
            }
        }
    }

    /** Stores an entry's prepared pixels. */
    public void put(String name, String stamp, PreparedPair p) {
        if (broken) {
            return;
        }
        int crc = crc(p.a(), p.b());
        try {
            synchronized (this) {
                long at = packEnd;
                if (p.a() != null) {
                    writeFully(pack, p.a(), at);
                }
                writeFully(pack, p.b(), at + (p.a() == null ? 0 : p.a().length));
                packEnd = at + p.bytes();
                remember(name, new Known(stamp, at, p.width(), p.height(), p.a() != null, crc, null, null));
            }
        } catch (IOException e) {
            disable(e);
        }
    }

    /** Remembers why an entry is unusable, so later runs report it without decoding it again. */
    public void putUnusable(String name, String stamp, String reason, String detail) {
        if (broken) {
            return;
        }
        try {
            synchronized (this) {
                remember(name, new Known(stamp, 0, 0, 0, false, 0, reason, detail == null ? "" : detail));
            }
        } catch (IOException e) {
            disable(e);
        }
    }

    /** Appends the entry's index line and makes it the current one (the record it replaces becomes dead space). */
    private void remember(String name, Known k) throws IOException {
        appendIndex(name, k);
        Known old = known.put(name, k);
        if (old != null && old.usable()) {
            deadBytes += old.length();
        }
    }

    private void appendIndex(String name, Known k) throws IOException {
        String body = k.usable()
                ? String.join("\t", "O", esc(name), esc(k.stamp()), Long.toString(k.offset()), Integer.toString(k.width()),
                        Integer.toString(k.height()), k.hasA() ? "1" : "0", Integer.toHexString(k.crc()))
                : String.join("\t", "S", esc(name), esc(k.stamp()), esc(k.reason()), esc(k.detail()));
        byte[] line = (body + "\t" + Integer.toHexString(lineCrc(body)) + "\n").getBytes(StandardCharsets.UTF_8);
        writeFully(index, line, indexEnd);
        indexEnd += line.length;
    }

    private static void writeFully(FileChannel ch, byte[] data, long pos) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
            ch.write(buf, pos + buf.position());
        }
    }

    private void disable(IOException e) {
        if (!broken) {
            broken = true;
            warn.accept("prepared cache " + dir + " failed (" + e + "); decoding every epoch from now on");
        }
    }

    private record Parsed(String name, Known known) {}

    static Parsed parse(String line) {
        int last = line.lastIndexOf('\t');
        if (last < 0) {
            return null;
        }
        String body = line.substring(0, last);
        try {
            if (Integer.parseUnsignedInt(line.substring(last + 1), 16) != lineCrc(body)) {
                return null;
            }
            String[] f = body.split("\t", -1);
            if (f[0].equals("O") && f.length == 8) {
                return new Parsed(unesc(f[1]), new Known(unesc(f[2]), Long.parseLong(f[3]), Integer.parseInt(f[4]),
                        Integer.parseInt(f[5]), f[6].equals("1"), Integer.parseUnsignedInt(f[7], 16), null, null));
            }
            if (f[0].equals("S") && f.length == 5) {
                return new Parsed(unesc(f[1]), new Known(unesc(f[2]), 0, 0, 0, false, 0, unesc(f[3]), unesc(f[4])));
            }
        } catch (RuntimeException e) {
            return null;
        }
        return null;
    }

    private static String sha256(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int crc(byte[] a, byte[] b) {
        CRC32C c = new CRC32C();
        if (a != null) {
            c.update(a);
        }
        c.update(b);
        return (int) c.getValue();
    }

    private static int lineCrc(String body) {
        CRC32C c = new CRC32C();
        c.update(body.getBytes(StandardCharsets.UTF_8));
        return (int) c.getValue();
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    static String unesc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        try {
            pack.close();
            index.close();
        } finally {
            lock.release();
            lockChannel.close();
        }
    }
}
