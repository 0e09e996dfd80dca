package dev.pix2pix.pth;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Writes a {@link StateDict} in the zip format of {@code torch.save} (PyTorch >= 1.6), so that
 * {@code torch.load(f)} - including the {@code weights_only=True} default of torch >= 2.6 -
 * returns a {@code collections.OrderedDict} of CPU tensors with the same keys, order, dtypes,
 * shapes and values, ready for {@code module.load_state_dict}.
 *
 * <p>The pickle (protocol 2, like torch) only uses opcodes and globals the weights-only unpickler
 * accepts: {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2} and the
 * {@code torch.<Type>Storage} classes inside {@code ('storage', type, key, 'cpu', numel)}
 * persistent ids. The zip has torch's records ({@code data.pkl}, {@code .format_version},
 * {@code .storage_alignment}, {@code byteorder}, {@code data/<n>}, {@code version}), all stored
 * uncompressed, and every record's data starts at a 64-byte boundary (padding in an "FB" extra
 * field, as torch does, so {@code torch.load(f, mmap=True)} works too) and, like torch's miniz,
 * a 16-byte data descriptor follows each non-empty record, so that torch's optional
 * {@code calculate_storage_offsets} arithmetic finds the storages. Each tensor gets its own
 * storage; no {@code _metadata} attribute is written (torch treats that as version-less modules,
 * which BatchNorm/InstanceNorm handle).
 */
public final class PthWriter {

    /** Archive folder name used inside the zip unless another is given. */
    public static final String DEFAULT_ARCHIVE_NAME = "archive";

    private static final int ALIGNMENT = 64;

    private PthWriter() {
    }

    /** Writes {@code stateDict} to {@code file} (via a temporary file in the same folder, then renamed). */
    public static void write(StateDict stateDict, Path file) throws IOException {
        write(stateDict, file, DEFAULT_ARCHIVE_NAME);
    }

    /** Like {@link #write(StateDict, Path)} with a chosen archive folder name. */
    public static void write(StateDict stateDict, Path file, String archiveName) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, abs.getFileName().toString(), ".part");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                write(stateDict, out, archiveName);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes the archive to {@code out} (not closed). */
    public static void write(StateDict stateDict, OutputStream out) throws IOException {
        write(stateDict, out, DEFAULT_ARCHIVE_NAME);
    }

    /** Writes the archive to {@code out} (not closed) with a chosen archive folder name. */
    public static void write(StateDict stateDict, OutputStream out, String archiveName) throws IOException {
        if (archiveName.isEmpty() || archiveName.contains("/") || archiveName.contains("\\")) {
            throw new IllegalArgumentException("bad archive name '" + archiveName + "'");
        }
        List<ByteBuffer> storages = new ArrayList<>();
        byte[] pickle = pickle(stateDict, storages);
        ZipOut zip = new ZipOut(out);
        String p = archiveName + "/";
        zip.add(p + "data.pkl", ByteBuffer.wrap(pickle));
        zip.add(p + ".format_version", ascii("1"));
        zip.add(p + ".storage_alignment", ascii(Integer.toString(ALIGNMENT)));
        zip.add(p + "byteorder", ascii("little"));
        for (int i = 0; i < storages.size(); i++) {
            zip.add(p + "data/" + i, storages.get(i));
        }
        zip.add(p + "version", ascii("3\n"));
        zip.finish();
        out.flush();
    }

    /** The bytes of the archive. */
    public static byte[] toBytes(StateDict stateDict) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(stateDict, out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    // ------------------------------------------------------------------ pickle (protocol 2)

    static byte[] pickle(StateDict stateDict, List<ByteBuffer> storagesOut) {
        Pickle pk = new Pickle();
        pk.op(0x80).op(2); // PROTO 2
        pk.global("collections", "OrderedDict").op(')').op('R');
        int inBatch = 0;
        for (Map.Entry<String, TensorData> e : stateDict) {
            if (inBatch == 0) {
                pk.op('(');
            }
            pk.unicode(e.getKey());
            TensorData t = e.getValue();
            String key = Integer.toString(storagesOut.size());
            storagesOut.add(t.data());
            pk.global("torch._utils", "_rebuild_tensor_v2");
            pk.op('(');
            // persistent id ('storage', torch.<Type>Storage, key, 'cpu', numel)
            pk.op('(').unicode("storage").global("torch", t.dtype().storageClass()).unicode(key)
                    .unicode("cpu").integer(t.numel()).op('t').op('Q');
            pk.integer(0); // storage offset
            long[] shape = t.shape();
            long[] stride = new long[shape.length];
            long acc = 1;
            for (int i = shape.length - 1; i >= 0; i--) {
                stride[i] = acc;
                acc *= Math.max(shape[i], 1);
            }
            pk.tuple(shape).tuple(stride);
            pk.op(0x89); // requires_grad False
            pk.global("collections", "OrderedDict").op(')').op('R'); // backward hooks
            pk.op('t').op('R');
            if (++inBatch == 1000) {
                pk.op('u');
                inBatch = 0;
            }
        }
        if (inBatch > 0) {
            pk.op('u');
        }
        pk.op('.');
        return pk.toByteArray();
    }

    private static final class Pickle {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Pickle op(int v) {
            b.write(v);
            return this;
        }

        Pickle global(String module, String name) {
            b.write('c');
            b.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Pickle unicode(String s) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            b.write('X'); // BINUNICODE (SHORT_BINUNICODE is protocol 4 and unknown to weights_only)
            le(u.length, 4);
            b.writeBytes(u);
            return this;
        }

        Pickle integer(long v) {
            if (v >= 0 && v < 0x100) {
                b.write('K');
                b.write((int) v);
            } else if (v >= 0 && v < 0x10000) {
                b.write('M');
                le(v, 2);
            } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                b.write('J');
                le(v, 4);
            } else {
                // LONG1: minimal little-endian two's complement
                int n = 8;
                while (n > 1 && ((v >> (8 * (n - 1) - 1)) == 0 || (v >> (8 * (n - 1) - 1)) == -1)) {
                    n--;
                }
                b.write(0x8a);
                b.write(n);
                le(v, n);
            }
            return this;
        }

        Pickle tuple(long[] values) {
            if (values.length == 0) {
                return op(')');
            }
            if (values.length > 3) {
                op('(');
            }
            for (long v : values) {
                integer(v);
            }
            return op(values.length == 1 ? 0x85 : values.length == 2 ? 0x86 : values.length == 3 ? 0x87 : 't');
        }

        private void le(long v, int n) {
            for (int i = 0; i < n; i++) {
                b.write((int) (v >>> (8 * i)) & 0xff);
            }
        }

        byte[] toByteArray() {
            return b.toByteArray();
        }
    }

    // ------------------------------------------------------------------ zip (stored, 64-byte aligned)

    private static final class ZipOut {
        private record Central(byte[] name, short flags, long crc, long size, long offset) {
        }

        private final OutputStream out;
        private final WritableByteChannel channel;
        private final List<Central> entries = new ArrayList<>();
        private long pos;

        ZipOut(OutputStream out) {
            this.out = out;
            this.channel = Channels.newChannel(out);
        }

        void add(String name, ByteBuffer data) throws IOException {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            ByteBuffer d = data.duplicate();
            long size = d.remaining();
            CRC32 crc = new CRC32();
            crc.update(d.duplicate());
            long start = pos + 30 + n.length + 4;
            int pad = (int) ((ALIGNMENT - start % ALIGNMENT) % ALIGNMENT);
            if (pos + 30 + n.length + 4 + pad + size + 16 > 0xffffffffL || entries.size() >= 0xffff) {
                throw new IOException("state dict too large for a non-zip64 archive (over 4 GiB or 65535 records)");
            }
            // like miniz in torch: a data descriptor follows every non-empty record (flag bit 3);
            // torch's calculate_storage_offsets relies on exactly 16 bytes between storages
            short flags = (short) (flags(n) | (size > 0 ? 0x0008 : 0));
            ByteBuffer h = ByteBuffer.allocate(30 + n.length + 4 + pad).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(0x04034b50).putShort((short) 20).putShort(flags).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0x21) // 1980-01-01 00:00
                    .putInt((int) crc.getValue()).putInt((int) size).putInt((int) size)
                    .putShort((short) n.length).putShort((short) (4 + pad)).put(n)
                    .put((byte) 'F').put((byte) 'B').putShort((short) pad);
            for (int i = 0; i < pad; i++) {
                h.put((byte) 'Z');
            }
            entries.add(new Central(n, flags, crc.getValue(), size, pos));
            writeFully(h.flip());
            writeFully(d);
            if (size > 0) {
                ByteBuffer dd = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
                dd.putInt(0x08074b50).putInt((int) crc.getValue()).putInt((int) size).putInt((int) size);
                writeFully(dd.flip());
            }
        }

        void finish() throws IOException {
            long cdStart = pos;
            for (Central c : entries) {
                ByteBuffer h = ByteBuffer.allocate(46 + c.name().length).order(ByteOrder.LITTLE_ENDIAN);
                h.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort(c.flags())
                        .putShort((short) 0).putShort((short) 0).putShort((short) 0x21)
                        .putInt((int) c.crc()).putInt((int) c.size()).putInt((int) c.size())
                        .putShort((short) c.name().length).putShort((short) 0).putShort((short) 0)
                        .putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) c.offset())
                        .put(c.name());
                writeFully(h.flip());
            }
            long cdSize = pos - cdStart;
            ByteBuffer e = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
            e.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                    .putShort((short) entries.size()).putShort((short) entries.size())
                    .putInt((int) cdSize).putInt((int) cdStart).putShort((short) 0);
            writeFully(e.flip());
        }

        private static short flags(byte[] name) {
            for (byte x : name) {
                if (x < 0) {
                    return (short) 0x0800; // UTF-8 name
                }
            }
            return 0;
        }

        private void writeFully(ByteBuffer b) throws IOException {
            int n = b.remaining();
            if (b.hasArray()) {
                out.write(b.array(), b.arrayOffset() + b.position(), n);
                b.position(b.limit());
            } else {
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            }
            pos += n;
        }
    }
}
