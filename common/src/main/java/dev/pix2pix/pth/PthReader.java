package dev.pix2pix.pth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the zip-based files that {@code torch.save} writes since PyTorch 1.6 ({@code .pth},
 * {@code .pt}) without PyTorch: {@code <archive>/data.pkl} is run through a restricted pickle
 * machine ({@link SafeUnpickler}: allow-listed globals only, nothing is ever executed) and the
 * tensors' storages come from {@code <archive>/data/<key>}. Tensor views (storage offset, strides,
 * storages shared between tensors) are materialised into dense row-major {@link TensorData}.
 *
 * <p>Not supported, each with a clear {@link PthFormatException}: the legacy pre-1.6 format
 * (re-save with torch>=1.6), TorchScript archives ({@code torch.jit.save}), whole pickled
 * {@code nn.Module}s ({@code torch.save(model)}), files over 2 GiB.
 */
public final class PthReader {

    private PthReader() {
    }

    // ------------------------------------------------------------------ state dicts

    /** Reads a file whose top-level object is the state dict ({@code torch.save(net.state_dict(), f)}). */
    public static StateDict read(Path file) throws IOException {
        return withName(file, () -> toStateDict(readObject(file)));
    }

    /** Like {@link #read(Path)} for the bytes of a file. */
    public static StateDict read(byte[] bytes) throws PthFormatException {
        return toStateDict(readObject(bytes));
    }

    /** Like {@link #read(Path)} for a stream (read fully; not closed). */
    public static StateDict read(InputStream in) throws IOException {
        return read(in.readAllBytes());
    }

    /**
     * Reads the state dict stored under {@code key} of a checkpoint dict, e.g.
     * {@code torch.save({'netG': G.state_dict(), 'netD': D.state_dict(), 'epoch': 7}, f)} with key
     * {@code "netG"}.
     */
    public static StateDict read(Path file, String key) throws IOException {
        return withName(file, () -> select(readObject(file), key));
    }

    /** Like {@link #read(Path, String)} for the bytes of a file. */
    public static StateDict read(byte[] bytes, String key) throws PthFormatException {
        return select(readObject(bytes), key);
    }

    // ------------------------------------------------------------------ raw objects

    /**
     * The whole unpickled object: {@code Map<Object,Object>} (dict/OrderedDict, insertion order),
     * {@code List} (list; tuples are unmodifiable lists), {@link TensorData}, {@link String},
     * {@link Long} (or {@link java.math.BigInteger}), {@link Double}, {@link Boolean},
     * {@code byte[]}, {@code Set}, or {@code null} for None.
     */
    public static Object readObject(Path file) throws IOException {
        return withName(file, () -> {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size > Integer.MAX_VALUE) {
                    throw new PthFormatException("files over 2 GiB are not supported (" + size + " bytes)");
                }
                ByteBuffer b = size == 0 ? ByteBuffer.allocate(0)
                        : ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
                return readObject(b);
            }
        });
    }

    /** Like {@link #readObject(Path)} for the bytes of a file. */
    public static Object readObject(byte[] bytes) throws PthFormatException {
        return readObject(ByteBuffer.wrap(bytes));
    }

    static Object readObject(ByteBuffer file) throws PthFormatException {
        ByteBuffer b = file.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (!ZipRecords.looksLikeZip(b)) {
            throw new PthFormatException(notZipMessage(b));
        }
        ZipRecords zip = ZipRecords.open(b);
        List<String> names = zip.names();
        if (names.isEmpty()) {
            throw new PthFormatException("the zip archive is empty");
        }
        String first = names.get(0);
        int slash = first.indexOf('/');
        if (slash < 0) {
            throw new PthFormatException("not a torch.save archive: entry '" + first
                    + "' is not inside an archive folder (expected e.g. 'archive/data.pkl')");
        }
        String prefix = first.substring(0, slash + 1);
        if (zip.has(prefix + "constants.pkl") || zip.has(prefix + "code/")
                || names.stream().anyMatch(n -> n.startsWith(prefix + "code/"))) {
            throw new PthFormatException("this is a TorchScript archive (torch.jit.save), not a state"
                    + " dict; save model.state_dict() with torch.save instead");
        }
        if (!zip.has(prefix + "data.pkl")) {
            throw new PthFormatException("not a torch.save archive: no record '" + prefix + "data.pkl'");
        }
        boolean bigEndian = false;
        if (zip.has(prefix + "byteorder")) {
            String order = ascii(zip.content(prefix + "byteorder")).trim();
            if (order.equals("big")) {
                bigEndian = true;
            } else if (!order.equals("little")) {
                throw new PthFormatException("unknown byteorder record '" + order + "'");
            }
        }
        for (String v : new String[] {".data/version", "version"}) {
            if (zip.has(prefix + v)) {
                String version = ascii(zip.content(prefix + v)).trim();
                if (!version.matches("[0-9]{1,9}")) {
                    throw new PthFormatException("bad version record '" + version + "'");
                }
                break;
            }
        }
        ByteBuffer pickle = zip.content(prefix + "data.pkl");
        SafeUnpickler.StorageSource source = key -> {
            String name = prefix + "data/" + key;
            if (!zip.has(name)) {
                throw new PthFormatException("the pickle references storage '" + key
                        + "' but the archive has no record '" + name + "' (incomplete file?)");
            }
            return zip.content(name);
        };
        // legitimate files materialise about their own size (views sharing storages a bit more)
        long budget = 4L * b.limit() + (64L << 20);
        return new SafeUnpickler(pickle, source, bigEndian, budget).load();
    }

    // ------------------------------------------------------------------ interpretation

    /**
     * Interprets an object from {@link #readObject} as a state dict: a (Ordered)dict of str ->
     * tensor. A checkpoint dict wrapping state dicts is refused with a message naming the keys to
     * pass to {@link #read(Path, String)}.
     */
    public static StateDict toStateDict(Object top) throws PthFormatException {
        if (!(top instanceof Map<?, ?> map)) {
            throw new PthFormatException("the file holds a " + SafeUnpickler.typeName(top)
                    + ", not a state dict");
        }
        List<String> bad = new ArrayList<>();
        StateDict sd = new StateDict();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getKey() instanceof String k && e.getValue() instanceof TensorData t) {
                sd.put(k, t);
            } else {
                bad.add(String.valueOf(e.getKey()));
            }
        }
        if (bad.isEmpty()) {
            return sd;
        }
        List<String> nested = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> inner && !inner.isEmpty() && isStateDict(inner)) {
                nested.add(String.valueOf(e.getKey()));
            }
        }
        if (!nested.isEmpty()) {
            throw new PthFormatException("the file is a checkpoint dict, not a bare state dict; it holds"
                    + " state dicts under " + quoted(nested) + ": pick one, e.g. PthReader.read(file, \""
                    + nested.get(0) + "\") (other keys: " + quoted(without(bad, nested)) + ")");
        }
        throw new PthFormatException("the file holds a dict that is not a state dict: entries "
                + quoted(bad.size() > 10 ? bad.subList(0, 10) : bad) + " are not str -> tensor");
    }

    private static StateDict select(Object top, String key) throws PthFormatException {
        if (!(top instanceof Map<?, ?> map)) {
            throw new PthFormatException("the file holds a " + SafeUnpickler.typeName(top)
                    + ", not a checkpoint dict with key '" + key + "'");
        }
        if (!map.containsKey(key)) {
            List<String> keys = map.keySet().stream().map(String::valueOf).toList();
            throw new PthFormatException("the checkpoint has no key '" + key + "' (keys: "
                    + quoted(keys.size() > 20 ? keys.subList(0, 20) : keys) + ")");
        }
        try {
            return toStateDict(map.get(key));
        } catch (PthFormatException e) {
            throw new PthFormatException("entry '" + key + "': " + e.getMessage(), e);
        }
    }

    private static boolean isStateDict(Map<?, ?> m) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String) || !(e.getValue() instanceof TensorData)) {
                return false;
            }
        }
        return true;
    }

    private static List<String> without(List<String> a, List<String> b) {
        List<String> r = new ArrayList<>(a);
        r.removeAll(b);
        return r;
    }

    private static String quoted(List<String> l) {
        return l.stream().map(s -> "'" + s + "'").toList().toString();
    }

    private static String ascii(ByteBuffer b) {
        byte[] a = new byte[Math.min(b.remaining(), 64)];
        b.duplicate().get(a);
        return new String(a, StandardCharsets.ISO_8859_1);
    }

    private static String notZipMessage(ByteBuffer b) {
        int n = b.limit();
        boolean pickle = n >= 2 && (b.get(0) & 0xff) == 0x80 && (b.get(1) & 0xff) <= 5;
        boolean tar = n >= 262 && "ustar".equals(new String(new byte[] {b.get(257), b.get(258), b.get(259),
            b.get(260), b.get(261)}, StandardCharsets.ISO_8859_1));
        if (pickle || tar) {
            return "legacy (pre-1.6, non-zip) torch.save format is not supported: load it with"
                    + " torch and re-save with torch>=1.6 (torch.save(torch.load(f), f2))";
        }
        if (n == 0) {
            return "the file is empty";
        }
        return "not a torch.save zip archive (PyTorch >= 1.6 .pth/.pt expected)";
    }

    // ------------------------------------------------------------------ error context

    private interface Io<T> {
        T get() throws IOException;
    }

    private static <T> T withName(Path file, Io<T> body) throws IOException {
        try {
            return body.get();
        } catch (UnsafePickleException e) {
            UnsafePickleException r = new UnsafePickleException(file + ": " + e.getMessage());
            r.initCause(e);
            throw r;
        } catch (PthFormatException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) {
                throw e;
            }
            throw new PthFormatException(file + ": " + e.getMessage(), e);
        }
    }
}
