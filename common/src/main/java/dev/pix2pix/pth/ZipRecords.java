package dev.pix2pix.pth;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A minimal read-only zip parser over an in-memory or memory-mapped buffer, enough for the
 * archives {@code torch.save} writes (stored entries, optional zip64 records) and for archives
 * re-packed by other tools (deflated entries). Every offset and length is bounds-checked: the
 * file is untrusted input.
 */
final class ZipRecords {

    private static final int LOCAL_SIG = 0x04034b50;
    private static final int CENTRAL_SIG = 0x02014b50;
    private static final int EOCD_SIG = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int ZIP64_EOCD_SIG = 0x06064b50;

    record Entry(String name, int method, int flags, long crc, long compressedSize, long size,
            long localHeaderOffset) {
    }

    private final ByteBuffer buf;
    private final Map<String, Entry> entries;
    /**
     * Bytes that deflated entries may still inflate to, all together: a small file cannot claim
     * gigabytes of memory (torch.save stores entries uncompressed, so real checkpoints use none).
     */
    private long inflateBudget;

    /** The inflate budget of an archive of {@code fileBytes}: twice its size, at least 64 MiB. */
    static long inflateBudget(long fileBytes) {
        return Math.max(64L << 20, 2 * fileBytes);
    }

    private ZipRecords(ByteBuffer buf, Map<String, Entry> entries) {
        this.inflateBudget = inflateBudget(buf.limit());
        this.buf = buf;
        this.entries = entries;
    }

    /** True when the buffer starts like a zip archive (local file header or empty archive). */
    static boolean looksLikeZip(ByteBuffer b) {
        if (b.limit() < 4) {
            return false;
        }
        int sig = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        return sig == LOCAL_SIG || sig == EOCD_SIG;
    }

    static ZipRecords open(ByteBuffer source) throws PthFormatException {
        ByteBuffer b = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.position(0);
        int len = b.limit();
        int eocd = -1;
        for (int p = len - 22; p >= Math.max(0, len - 22 - 0xffff); p--) {
            if (b.getInt(p) == EOCD_SIG && p + 22 + u16(b, p + 20) <= len) {
                eocd = p;
                break;
            }
        }
        if (eocd < 0) {
            throw new PthFormatException("no zip end-of-central-directory record: the file is "
                    + (looksLikeZip(b) ? "a truncated zip archive" : "not a zip archive"));
        }
        long count = u16(b, eocd + 10);
        long cdSize = u32(b, eocd + 12);
        long cdOffset = u32(b, eocd + 16);
        int locator = eocd - 20;
        if (locator >= 0 && b.getInt(locator) == ZIP64_LOCATOR_SIG) {
            long z = b.getLong(locator + 8);
            checkRange(len, z, 56, "zip64 end-of-central-directory");
            int zp = (int) z;
            if (b.getInt(zp) != ZIP64_EOCD_SIG) {
                throw new PthFormatException("bad zip64 end-of-central-directory record");
            }
            count = b.getLong(zp + 32);
            cdSize = b.getLong(zp + 40);
            cdOffset = b.getLong(zp + 48);
        }
        checkRange(len, cdOffset, cdSize, "zip central directory");
        if (count < 0 || count > cdSize / 46) {
            throw new PthFormatException("corrupt zip: " + count + " entries cannot fit in a "
                    + cdSize + "-byte central directory");
        }
        Map<String, Entry> map = new LinkedHashMap<>();
        int p = (int) cdOffset;
        for (long i = 0; i < count; i++) {
            checkRange(len, p, 46, "zip central directory entry");
            if (b.getInt(p) != CENTRAL_SIG) {
                throw new PthFormatException("corrupt zip central directory at offset " + p);
            }
            int flags = u16(b, p + 8);
            int method = u16(b, p + 10);
            long crc = u32(b, p + 16);
            long comp = u32(b, p + 20);
            long size = u32(b, p + 24);
            int nameLen = u16(b, p + 28);
            int extraLen = u16(b, p + 30);
            int commentLen = u16(b, p + 32);
            long local = u32(b, p + 42);
            checkRange(len, p + 46L, (long) nameLen + extraLen + commentLen, "zip entry name");
            byte[] nameBytes = new byte[nameLen];
            b.get(p + 46, nameBytes);
            String name = new String(nameBytes, StandardCharsets.UTF_8);
            // zip64 extended information: only the fields whose 32-bit value is saturated
            int e = p + 46 + nameLen;
            int eEnd = e + extraLen;
            while (e + 4 <= eEnd) {
                int id = u16(b, e);
                int dlen = u16(b, e + 2);
                if (e + 4 + dlen > eEnd) {
                    break;
                }
                if (id == 0x0001) {
                    int q = e + 4;
                    if (size == 0xffffffffL && q + 8 <= e + 4 + dlen) {
                        size = b.getLong(q);
                        q += 8;
                    }
                    if (comp == 0xffffffffL && q + 8 <= e + 4 + dlen) {
                        comp = b.getLong(q);
                        q += 8;
                    }
                    if (local == 0xffffffffL && q + 8 <= e + 4 + dlen) {
                        local = b.getLong(q);
                    }
                }
                e += 4 + dlen;
            }
            if (map.putIfAbsent(name, new Entry(name, method, flags, crc, comp, size, local)) != null) {
                throw new PthFormatException("zip archive lists entry '" + name + "' twice");
            }
            p += 46 + nameLen + extraLen + commentLen;
        }
        return new ZipRecords(b, Collections.unmodifiableMap(map));
    }

    /** Entry names in central-directory order. */
    List<String> names() {
        return new ArrayList<>(entries.keySet());
    }

    boolean has(String name) {
        return entries.containsKey(name);
    }

    /**
     * The uncompressed content of an entry; a stored entry is returned as a zero-copy read-only
     * view of the underlying buffer. The CRC-32 is checked (unless the writer left it 0).
     */
    ByteBuffer content(String name) throws PthFormatException {
        Entry en = entries.get(name);
        if (en == null) {
            throw new PthFormatException("zip archive has no entry '" + name + "'");
        }
        if ((en.flags() & 1) != 0) {
            throw new PthFormatException("zip entry '" + name + "' is encrypted");
        }
        int len = buf.limit();
        checkRange(len, en.localHeaderOffset(), 30, "local header of '" + name + "'");
        int lh = (int) en.localHeaderOffset();
        if (buf.getInt(lh) != LOCAL_SIG) {
            throw new PthFormatException("corrupt zip: no local header for '" + name + "'");
        }
        long dataStart = lh + 30L + u16(buf, lh + 26) + u16(buf, lh + 28);
        checkRange(len, dataStart, en.compressedSize(), "data of '" + name + "'");
        ByteBuffer raw = buf.duplicate();
        raw.position((int) dataStart).limit((int) (dataStart + en.compressedSize()));
        ByteBuffer out;
        if (en.method() == 0) {
            if (en.compressedSize() != en.size()) {
                throw new PthFormatException("corrupt zip: stored entry '" + name + "' has "
                        + en.compressedSize() + " compressed but " + en.size() + " real bytes");
            }
            out = raw.slice().asReadOnlyBuffer();
        } else if (en.method() == 8) {
            if (en.size() > Integer.MAX_VALUE - 16 || en.size() > en.compressedSize() * 1100L + 4096) {
                throw new PthFormatException("zip entry '" + name + "' declares an implausible "
                        + en.size() + " bytes for " + en.compressedSize() + " deflated bytes");
            }
            if (en.size() > inflateBudget) {
                throw new PthFormatException("zip entry '" + name + "' would inflate to " + en.size() + " bytes, more "
                        + "than the " + inflateBudget + " bytes left for a " + buf.limit() + "-byte file");
            }
            inflateBudget -= en.size();
            byte[] dst = new byte[(int) en.size()];
            Inflater inf = new Inflater(true);
            try {
                inf.setInput(raw.slice());
                int n = 0;
                while (n < dst.length) {
                    int k = inf.inflate(dst, n, dst.length - n);
                    if (k == 0 && (inf.finished() || inf.needsInput() || inf.needsDictionary())) {
                        break;
                    }
                    n += k;
                }
                if (n != dst.length) {
                    throw new PthFormatException("corrupt zip: deflated entry '" + name
                            + "' is shorter than its declared " + dst.length + " bytes");
                }
            } catch (DataFormatException ex) {
                throw new PthFormatException("corrupt deflated zip entry '" + name + "'", ex);
            } finally {
                inf.end();
            }
            out = ByteBuffer.wrap(dst).asReadOnlyBuffer();
        } else {
            throw new PthFormatException("zip entry '" + name + "' uses unsupported compression method "
                    + en.method());
        }
        if (en.crc() != 0 || en.size() == 0) {
            CRC32 crc = new CRC32();
            crc.update(out.duplicate());
            if (crc.getValue() != en.crc()) {
                throw new PthFormatException("CRC-32 mismatch in zip entry '" + name
                        + "': the file is corrupt or truncated");
            }
        }
        return out.order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void checkRange(long len, long off, long size, String what) throws PthFormatException {
        if (off < 0 || size < 0 || off > len || size > len - off) {
            throw new PthFormatException("corrupt or truncated zip: " + what + " (offset " + off
                    + ", " + size + " bytes) lies outside the " + len + "-byte file");
        }
    }

    private static int u16(ByteBuffer b, int p) {
        return b.getShort(p) & 0xffff;
    }

    private static long u32(ByteBuffer b, int p) {
        return b.getInt(p) & 0xffffffffL;
    }
}
