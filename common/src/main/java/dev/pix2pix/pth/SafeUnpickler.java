package dev.pix2pix.pth;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small pickle virtual machine that builds plain Java values and never resolves or runs
 * anything named in the stream. Globals are checked against a fixed allow-list when the GLOBAL
 * opcode is read (like torch's {@code weights_only} unpickler); everything else is refused with an
 * {@link UnsafePickleException} naming it.
 *
 * <p>Python values map to: None -> {@code null}, bool -> {@link Boolean}, int -> {@link Long}
 * (or {@link BigInteger} beyond 64 bits), float -> {@link Double}, str -> {@link String}, bytes ->
 * {@code byte[]}, tuple -> unmodifiable {@link List}, list -> {@link ArrayList}, dict/OrderedDict ->
 * {@link LinkedHashMap}, set -> {@link LinkedHashSet}, tensor -> {@link TensorData}.
 */
final class SafeUnpickler {

    /** Resolves a persistent id {@code ('storage', type, key, location, numel)} to bytes. */
    interface StorageSource {
        ByteBuffer storage(String key) throws PthFormatException;
    }

    /** An allow-listed callable or class, by its Python name. */
    record Global(String module, String name) {
        String fullName() {
            return module + "." + name;
        }
    }

    /** A legacy storage class such as {@code torch.FloatStorage}, only meaningful in a pid. */
    record StorageType(DType dtype) {
    }

    /** A {@code torch.float32}-style dtype global, only meaningful for _rebuild_tensor_v3. */
    record DTypeRef(DType dtype) {
    }

    /** A loaded storage: raw bytes interpreted with {@code dtype}. */
    record Storage(String key, DType dtype, ByteBuffer bytes) {
        long numel() {
            return bytes.remaining() / dtype.byteSize();
        }
    }

    private static final Object MARK_SENTINEL = new Object() {
        @Override
        public String toString() {
            return "MARK";
        }
    };

    private static final Set<String> CALLABLES = Set.of(
            "collections.OrderedDict",
            "builtins.set",
            "builtins.frozenset",
            "builtins.bytearray",
            "_codecs.encode",
            "torch.Size",
            "torch.device",
            "torch._utils._rebuild_tensor",
            "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_tensor_v3",
            "torch._utils._rebuild_parameter",
            "torch._utils._rebuild_parameter_with_state");

    private final ByteBuffer in;
    private final StorageSource storages;
    private final boolean bigEndianStorages;
    private final Map<String, Storage> loadedStorages = new HashMap<>();
    private final ArrayList<Object> stack = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private final int maxDepth = 100_000;
    private final long materializeBudget;
    private long materialized;

    /**
     * @param materializeBudget most bytes all rebuilt tensors together may occupy; guards against
     *     tiny files that expand a one-element storage (stride 0) into gigabytes
     */
    SafeUnpickler(ByteBuffer pickle, StorageSource storages, boolean bigEndianStorages, long materializeBudget) {
        this.materializeBudget = materializeBudget;
        this.in = pickle.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.in.position(0);
        this.storages = storages;
        this.bigEndianStorages = bigEndianStorages;
    }

    Object load() throws PthFormatException {
        try {
            return run();
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new PthFormatException("truncated or corrupt pickle (data.pkl) near byte "
                    + in.position(), e);
        } catch (IllegalArgumentException | ArithmeticException | NullPointerException e) {
            throw new PthFormatException("malformed pickle (data.pkl) near byte " + in.position()
                    + ": " + e.getMessage(), e);
        } catch (ClassCastException e) {
            throw new PthFormatException("malformed pickle (data.pkl): unexpected value type near byte "
                    + in.position() + " (" + e.getMessage() + ")", e);
        }
    }

    private Object run() throws PthFormatException {
        while (true) {
            if (!in.hasRemaining()) {
                throw new PthFormatException("pickle (data.pkl) ends without a STOP opcode");
            }
            int at = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = in.get() & 0xff;
                    if (proto > 5) {
                        throw new PthFormatException("unsupported pickle protocol " + proto);
                    }
                }
                case 0x95 -> in.getLong(); // FRAME: length hint only
                case '.' -> { // STOP
                    if (stack.size() != 1) {
                        throw new PthFormatException("malformed pickle: STOP with " + stack.size()
                                + " values on the stack");
                    }
                    return pop();
                }
                case '(' -> push(MARK_SENTINEL);
                case '0' -> pop();
                case '1' -> popMark();
                case '2' -> push(peek());
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) in.getInt());
                case 'K' -> push((long) (in.get() & 0xff));
                case 'M' -> push((long) (in.getShort() & 0xffff));
                case 0x8a -> push(decodeLong(in.get() & 0xff));
                case 0x8b -> push(decodeLong(checkedLength(in.getInt() & 0xffffffffL)));
                case 'I' -> push(parseIntLine(readLine()));
                case 'L' -> {
                    String s = readLine();
                    push(toLongIfFits(new BigInteger(s.endsWith("L") ? s.substring(0, s.length() - 1) : s)));
                }
                case 'G' -> push(readBigEndianDouble());
                case 'F' -> push(Double.parseDouble(readLine()));
                case 'X' -> push(utf8(readBytes(checkedLength(in.getInt() & 0xffffffffL))));
                case 0x8c -> push(utf8(readBytes(in.get() & 0xff)));
                case 0x8d -> push(utf8(readBytes(checkedLength(in.getLong()))));
                case 'U' -> push(latin1(readBytes(in.get() & 0xff)));
                case 'T' -> push(latin1(readBytes(checkedLength(in.getInt() & 0xffffffffL))));
                case 'C' -> push(readBytes(in.get() & 0xff));
                case 'B' -> push(readBytes(checkedLength(in.getInt() & 0xffffffffL)));
                case 0x8e, 0x96 -> push(readBytes(checkedLength(in.getLong())));
                case ')' -> push(List.of());
                case 't' -> push(tuple(popMark()));
                case 0x85 -> push(tuple(List.of(pop())));
                case 0x86 -> {
                    Object b = pop();
                    Object a = pop();
                    push(tuple(List.of(a, b)));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    push(tuple(List.of(a, b, c)));
                }
                case ']' -> push(new ArrayList<>());
                case 'l' -> push(new ArrayList<>(popMark()));
                case 'a' -> {
                    Object v = pop();
                    asList(peek(), "APPEND").add(v);
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    asList(peek(), "APPENDS").addAll(items);
                }
                case '}' -> push(new LinkedHashMap<>());
                case 'd' -> push(dictOf(popMark(), new LinkedHashMap<>()));
                case 's' -> {
                    Object v = pop();
                    Object k = pop();
                    asMap(peek(), "SETITEM").put(key(k), v);
                }
                case 'u' -> {
                    List<Object> items = popMark();
                    dictOf(items, asMap(peek(), "SETITEMS"));
                }
                case 0x8f -> push(new LinkedHashSet<>());
                case 0x90 -> {
                    List<Object> items = popMark();
                    Object s = peek();
                    if (!(s instanceof Set)) {
                        throw new UnsafePickleException("pickle ADDITEMS on a " + typeName(s));
                    }
                    @SuppressWarnings("unchecked")
                    Set<Object> set = (Set<Object>) s;
                    for (Object o : items) {
                        set.add(key(o));
                    }
                }
                case 0x91 -> push(Collections.unmodifiableSet(new LinkedHashSet<>(popMark())));
                case 'c' -> {
                    String module = readLine();
                    String name = readLine();
                    push(global(module, name));
                }
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw new PthFormatException("malformed pickle: STACK_GLOBAL needs two strings");
                    }
                    push(global(m, n));
                }
                case 'R' -> {
                    Object args = pop();
                    Object func = pop();
                    push(call(func, asTuple(args, "REDUCE arguments")));
                }
                case 0x81 -> { // NEWOBJ
                    Object args = pop();
                    Object cls = pop();
                    push(newObject(cls, asTuple(args, "NEWOBJ arguments")));
                }
                case 0x92 -> { // NEWOBJ_EX
                    Object kwargs = pop();
                    Object args = pop();
                    Object cls = pop();
                    if (!(kwargs instanceof Map<?, ?> kw) || !kw.isEmpty()) {
                        throw new UnsafePickleException("pickle NEWOBJ_EX with keyword arguments refused");
                    }
                    push(newObject(cls, asTuple(args, "NEWOBJ_EX arguments")));
                }
                case 'b' -> build(pop(), peek());
                case 'Q' -> push(persistentLoad(pop()));
                case 'h' -> push(memoGet(in.get() & 0xff));
                case 'j' -> push(memoGet(in.getInt() & 0xffffffffL));
                case 'g' -> push(memoGet(Long.parseLong(readLine().trim())));
                case 'q' -> memo.put((long) (in.get() & 0xff), peek());
                case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek());
                case 'p' -> memo.put(Long.parseLong(readLine().trim()), peek());
                case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
                case 'i', 'o' -> throw new UnsafePickleException("pickle opcode "
                        + (op == 'i' ? "INST" : "OBJ") + " (arbitrary object construction) refused at byte " + at);
                case 0x82, 0x83, 0x84 -> throw new UnsafePickleException(
                        "pickle extension-registry opcode (EXT) refused at byte " + at);
                case 'P' -> throw new UnsafePickleException("pickle text PERSID refused at byte " + at
                        + " (torch writes BINPERSID)");
                default -> throw new PthFormatException(String.format(
                        "unsupported or invalid pickle opcode 0x%02x at byte %d", op, at));
            }
            if (stack.size() > maxDepth) {
                throw new PthFormatException("pickle stack deeper than " + maxDepth + " values");
            }
        }
    }

    // ------------------------------------------------------------------ globals and calls

    private static Object global(String module, String name) throws UnsafePickleException {
        if (module.equals("__builtin__")) {
            module = "builtins"; // protocol 2 files written by Python 2
        }
        String full = module + "." + name;
        if (CALLABLES.contains(full)) {
            return new Global(module, name);
        }
        if (module.equals("torch") || module.equals("torch.storage")) {
            if (name.equals("UntypedStorage") || name.equals("_UntypedStorage")) {
                return new StorageType(DType.UINT8);
            }
            if (name.endsWith("Storage")) {
                var t = DType.fromStorageClass(name);
                if (t.isPresent()) {
                    return new StorageType(t.get());
                }
            }
            var d = DType.fromTorchName(name);
            if (d.isPresent() && module.equals("torch")) {
                return new DTypeRef(d.get());
            }
        }
        String hint;
        if (full.equals("torch.storage._load_from_bytes")) {
            hint = " (a storage pickled with the legacy serializer inside the file; load it with torch"
                    + " and re-save the state_dict with torch>=1.6 torch.save)";
        } else if (module.startsWith("__torch__")) {
            hint = " (this is a TorchScript archive written by torch.jit.save; save model.state_dict()"
                    + " with torch.save instead)";
        } else if (module.startsWith("torch.nn.modules") || module.startsWith("models")
                || name.endsWith("Generator") || name.endsWith("Discriminator")) {
            hint = " (the file pickles a whole nn.Module, i.e. torch.save(model); save"
                    + " model.state_dict() instead)";
        } else {
            hint = "";
        }
        throw new UnsafePickleException("refusing pickle global '" + full + "': not on the allow-list"
                + " of tensor/state-dict types (a .pth file is untrusted input)" + hint);
    }

    private Object call(Object func, List<Object> args) throws PthFormatException {
        if (!(func instanceof Global g)) {
            throw new UnsafePickleException("pickle REDUCE on a " + typeName(func)
                    + " refused: only allow-listed globals may be called");
        }
        switch (g.fullName()) {
            case "collections.OrderedDict":
                if (args.isEmpty()) {
                    return new LinkedHashMap<>();
                }
                if (args.size() == 1 && args.get(0) instanceof List<?> pairs) {
                    LinkedHashMap<Object, Object> m = new LinkedHashMap<>();
                    for (Object p : pairs) {
                        List<Object> kv = asTuple(p, "OrderedDict item");
                        if (kv.size() != 2) {
                            throw new PthFormatException("malformed pickle: OrderedDict item of size " + kv.size());
                        }
                        m.put(key(kv.get(0)), kv.get(1));
                    }
                    return m;
                }
                break;
            case "builtins.set":
            case "builtins.frozenset":
                if (args.isEmpty()) {
                    return new LinkedHashSet<>();
                }
                if (args.size() == 1 && args.get(0) instanceof List<?> l) {
                    return new LinkedHashSet<>(l);
                }
                break;
            case "builtins.bytearray":
                if (args.isEmpty()) {
                    return new byte[0];
                }
                if (args.get(0) instanceof byte[] b) {
                    return b.clone();
                }
                if (args.size() == 2 && args.get(0) instanceof String s && args.get(1) instanceof String) {
                    return encode(s, (String) args.get(1));
                }
                break;
            case "_codecs.encode":
                if (args.size() == 2 && args.get(0) instanceof String s && args.get(1) instanceof String enc) {
                    return encode(s, enc);
                }
                break;
            case "torch.Size":
                if (args.size() == 1 && args.get(0) instanceof List<?> l) {
                    return tuple(new ArrayList<>(l));
                }
                if (args.isEmpty()) {
                    return List.of();
                }
                break;
            case "torch.device":
                if (args.size() == 1 && args.get(0) instanceof String s) {
                    return s;
                }
                if (args.size() == 2 && args.get(0) instanceof String s) {
                    return s + ":" + args.get(1);
                }
                break;
            case "torch._utils._rebuild_tensor":
                if (args.size() == 4) {
                    return rebuildTensor(args, null);
                }
                break;
            case "torch._utils._rebuild_tensor_v2":
                if (args.size() == 6 || args.size() == 7) {
                    return rebuildTensor(args, null);
                }
                break;
            case "torch._utils._rebuild_tensor_v3":
                if ((args.size() == 7 || args.size() == 8) && args.get(6) instanceof DTypeRef d) {
                    return rebuildTensor(args, d.dtype());
                }
                break;
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                if (args.size() >= 3 && args.get(0) instanceof TensorData t) {
                    return t;
                }
                break;
            default:
                break;
        }
        throw new PthFormatException("malformed pickle: unexpected arguments for " + g.fullName()
                + ": " + describe(args));
    }

    private Object newObject(Object cls, List<Object> args) throws PthFormatException {
        if (cls instanceof Global g && (g.fullName().equals("collections.OrderedDict")
                || g.fullName().equals("builtins.set"))) {
            return call(g, List.of()); // cls.__new__(cls, *args): an empty container
        }
        throw new UnsafePickleException("pickle NEWOBJ of " + typeName(cls) + " refused");
    }

    private void build(Object state, Object inst) throws PthFormatException {
        if (inst instanceof Map) {
            // OrderedDict instance attributes, e.g. the state dict's _metadata (module versions):
            // not needed to rebuild the tensors, dropped.
            if (state == null || state instanceof Map || state instanceof List) {
                return;
            }
        }
        throw new UnsafePickleException("pickle BUILD of " + typeName(inst) + " with a "
                + typeName(state) + " refused: only (Ordered)dict attributes are accepted");
    }

    private Storage persistentLoad(Object pid) throws PthFormatException {
        if (!(pid instanceof List<?> t) || t.isEmpty() || !"storage".equals(asString(t.get(0)))) {
            throw new UnsafePickleException("pickle persistent id " + describe(pid)
                    + " refused: only ('storage', type, key, location, numel) is accepted");
        }
        if (t.size() != 5 && t.size() != 6) {
            throw new PthFormatException("malformed storage persistent id " + describe(pid));
        }
        if (!(t.get(1) instanceof StorageType type)) {
            throw new PthFormatException("storage persistent id without a storage type: " + describe(pid));
        }
        if (t.size() == 6 && t.get(5) != null) {
            throw new PthFormatException("storage views (legacy serialization) are not supported;"
                    + " re-save with torch>=1.6");
        }
        String key = asString(t.get(2));
        if (key == null || !(t.get(4) instanceof Long)) {
            throw new PthFormatException("malformed storage persistent id " + describe(pid));
        }
        long numel = (Long) t.get(4);
        Storage cached = loadedStorages.get(key);
        ByteBuffer bytes = cached != null ? cached.bytes() : storages.storage(key);
        long need = Math.multiplyExact(numel, (long) type.dtype().byteSize());
        if (numel < 0 || bytes.remaining() < need) {
            throw new PthFormatException("storage data/" + key + " has " + bytes.remaining()
                    + " bytes but the pickle declares " + numel + " elements of " + type.dtype());
        }
        Storage s = new Storage(key, type.dtype(), bytes);
        loadedStorages.putIfAbsent(key, s);
        return s;
    }

    private TensorData rebuildTensor(List<Object> args, DType v3dtype) throws PthFormatException {
        if (!(args.get(0) instanceof Storage storage)) {
            throw new PthFormatException("malformed pickle: tensor rebuilt from a " + typeName(args.get(0))
                    + " instead of a storage");
        }
        DType dtype = v3dtype != null ? v3dtype : storage.dtype();
        long offset = asLong(args.get(1), "storage offset");
        List<Object> sizeList = asTuple(args.get(2), "tensor size");
        List<Object> strideList = asTuple(args.get(3), "tensor stride");
        int rank = sizeList.size();
        if (strideList.size() != rank) {
            throw new PthFormatException("tensor size " + sizeList + " and stride " + strideList
                    + " differ in rank");
        }
        long[] size = new long[rank];
        long[] stride = new long[rank];
        long numel = 1;
        long maxIndex = offset;
        for (int i = 0; i < rank; i++) {
            size[i] = asLong(sizeList.get(i), "tensor size");
            stride[i] = asLong(strideList.get(i), "tensor stride");
            if (size[i] < 0 || stride[i] < 0) {
                throw new PthFormatException("negative tensor size/stride " + sizeList + " / " + strideList);
            }
            numel = Math.multiplyExact(numel, size[i]);
        }
        long storageNumel = storage.bytes().remaining() / dtype.byteSize();
        if (numel > 0) {
            for (int i = 0; i < rank; i++) {
                maxIndex = Math.addExact(maxIndex, Math.multiplyExact(size[i] - 1, stride[i]));
            }
            if (offset < 0 || maxIndex >= storageNumel) {
                throw new PthFormatException("tensor view (offset " + offset + ", size " + sizeList
                        + ", stride " + strideList + ") reaches past the end of storage data/"
                        + storage.key() + " (" + storageNumel + " elements of " + dtype + ")");
            }
        }
        long nbytes = Math.multiplyExact(numel, (long) dtype.byteSize());
        if (nbytes > Integer.MAX_VALUE - 16) {
            throw new PthFormatException("tensor of " + numel + " elements is too large");
        }
        materialized += nbytes;
        if (materialized > materializeBudget) {
            throw new PthFormatException("the tensors would need " + materialized + " bytes, far more than"
                    + " the file holds (views with stride 0 expanding a small storage?); refused");
        }
        byte[] out = new byte[(int) nbytes];
        if (numel > 0) {
            copyStrided(storage.bytes(), dtype.byteSize(), offset, size, stride, out);
        }
        if (bigEndianStorages) {
            swapBytes(out, dtype.byteSize());
        }
        return new TensorData(dtype, size, ByteBuffer.wrap(out));
    }

    /** Gathers a strided view into dense row-major order; runs of the last dimension are copied at once. */
    private static void copyStrided(ByteBuffer src, int es, long offset, long[] size, long[] stride, byte[] out) {
        int rank = size.length;
        ByteBuffer s = src.duplicate();
        int base = s.position();
        boolean contiguous = true;
        long expect = 1;
        for (int i = rank - 1; i >= 0; i--) {
            if (size[i] != 1 && stride[i] != expect) {
                contiguous = false;
            }
            expect *= size[i];
        }
        if (contiguous) {
            s.get(base + (int) (offset * es), out, 0, out.length);
            return;
        }
        long run = rank == 0 ? 1 : size[rank - 1];
        boolean innerDense = rank == 0 || stride[rank - 1] == 1 || size[rank - 1] == 1;
        int outPos = 0;
        long[] idx = new long[Math.max(rank - 1, 0)];
        long pos = offset;
        long runs = out.length / es / run;
        for (long r = 0; r < runs; r++) {
            if (innerDense) {
                int n = (int) (run * es);
                s.get(base + (int) (pos * es), out, outPos, n);
                outPos += n;
            } else {
                long p = pos;
                for (long j = 0; j < run; j++) {
                    s.get(base + (int) (p * es), out, outPos, es);
                    outPos += es;
                    p += stride[rank - 1];
                }
            }
            for (int d = rank - 2; d >= 0; d--) {
                idx[d]++;
                pos += stride[d];
                if (idx[d] < size[d]) {
                    break;
                }
                pos -= stride[d] * size[d];
                idx[d] = 0;
            }
        }
    }

    private static void swapBytes(byte[] b, int es) {
        for (int i = 0; i + es <= b.length; i += es) {
            for (int a = i, z = i + es - 1; a < z; a++, z--) {
                byte t = b[a];
                b[a] = b[z];
                b[z] = t;
            }
        }
    }

    // ------------------------------------------------------------------ stack helpers

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() throws PthFormatException {
        if (stack.isEmpty()) {
            throw new PthFormatException("malformed pickle: stack underflow at byte " + in.position());
        }
        Object o = stack.remove(stack.size() - 1);
        if (o == MARK_SENTINEL) {
            throw new PthFormatException("malformed pickle: unexpected MARK at byte " + in.position());
        }
        return o;
    }

    private Object peek() throws PthFormatException {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK_SENTINEL) {
            throw new PthFormatException("malformed pickle: stack underflow at byte " + in.position());
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() throws PthFormatException {
        int m = stack.lastIndexOf(MARK_SENTINEL);
        if (m < 0) {
            throw new PthFormatException("malformed pickle: no MARK on the stack at byte " + in.position());
        }
        List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private Object memoGet(long index) throws PthFormatException {
        if (!memo.containsKey(index)) {
            throw new PthFormatException("malformed pickle: memo entry " + index + " read before it was stored");
        }
        return memo.get(index);
    }

    private Object decodeLong(int n) {
        byte[] le = readBytes(n);
        if (n == 0) {
            return 0L;
        }
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[i] = le[n - 1 - i];
        }
        return toLongIfFits(new BigInteger(be));
    }

    private static Object toLongIfFits(BigInteger v) {
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private static Object parseIntLine(String s) {
        if (s.equals("00")) {
            return Boolean.FALSE;
        }
        if (s.equals("01")) {
            return Boolean.TRUE;
        }
        return toLongIfFits(new BigInteger(s));
    }

    private double readBigEndianDouble() {
        return Double.longBitsToDouble(Long.reverseBytes(in.getLong()));
    }

    private int checkedLength(long n) throws PthFormatException {
        if (n < 0 || n > in.remaining()) {
            throw new PthFormatException("truncated or corrupt pickle: a " + n + "-byte value at byte "
                    + in.position() + " but only " + in.remaining() + " bytes remain");
        }
        return (int) n;
    }

    private byte[] readBytes(int n) {
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private String readLine() throws PthFormatException {
        int start = in.position();
        int limit = Math.min(in.limit(), start + 4096);
        for (int p = start; p < limit; p++) {
            if (in.get(p) == '\n') {
                byte[] b = new byte[p - start];
                in.get(b);
                in.get();
                return utf8(b);
            }
        }
        throw new PthFormatException("truncated or corrupt pickle: unterminated text argument at byte " + start);
    }

    private static String utf8(byte[] b) throws PthFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new PthFormatException("malformed pickle: invalid UTF-8 string", e);
        }
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static byte[] encode(String s, String encoding) throws PthFormatException {
        String e = encoding.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (e.equals("latin1") || e.equals("latin-1") || e.equals("iso-8859-1")) {
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }
        if (e.equals("utf-8") || e.equals("utf8")) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        throw new PthFormatException("unsupported encoding '" + encoding + "' in _codecs.encode");
    }

    private static List<Object> tuple(List<Object> items) {
        return Collections.unmodifiableList(items);
    }

    private static LinkedHashMap<Object, Object> dictOf(List<Object> items, Map<Object, Object> target)
            throws PthFormatException {
        if (items.size() % 2 != 0) {
            throw new PthFormatException("malformed pickle: odd number of dict items");
        }
        for (int i = 0; i < items.size(); i += 2) {
            target.put(key(items.get(i)), items.get(i + 1));
        }
        return target instanceof LinkedHashMap<Object, Object> l ? l : new LinkedHashMap<>(target);
    }

    private static Object key(Object k) throws PthFormatException {
        if (k instanceof Map || k instanceof Set || k instanceof ArrayList || k instanceof byte[]) {
            throw new PthFormatException("malformed pickle: unhashable " + typeName(k) + " used as a key");
        }
        return k;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object o, String op) throws PthFormatException {
        if (o instanceof ArrayList) {
            return (List<Object>) o;
        }
        throw new UnsafePickleException("pickle " + op + " on a " + typeName(o) + " refused");
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> asMap(Object o, String op) throws PthFormatException {
        if (o instanceof LinkedHashMap) {
            return (Map<Object, Object>) o;
        }
        throw new UnsafePickleException("pickle " + op + " on a " + typeName(o) + " refused");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asTuple(Object o, String what) throws PthFormatException {
        if (o instanceof List) {
            return (List<Object>) o;
        }
        throw new PthFormatException("malformed pickle: " + what + " is a " + typeName(o) + ", not a tuple");
    }

    private static long asLong(Object o, String what) throws PthFormatException {
        if (o instanceof Long l) {
            return l;
        }
        throw new PthFormatException("malformed pickle: " + what + " is a " + typeName(o) + ", not an int");
    }

    private static String asString(Object o) {
        if (o instanceof String s) {
            return s;
        }
        if (o instanceof byte[] b) {
            return latin1(b);
        }
        return null;
    }

    static String typeName(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Global g) {
            return "global " + g.fullName();
        }
        if (o instanceof StorageType t) {
            return "torch." + t.dtype().storageClass();
        }
        if (o instanceof Storage) {
            return "storage";
        }
        if (o instanceof TensorData) {
            return "tensor";
        }
        if (o instanceof Map) {
            return "dict";
        }
        if (o instanceof ArrayList) {
            return "list";
        }
        if (o instanceof List) {
            return "tuple";
        }
        if (o instanceof Set) {
            return "set";
        }
        if (o instanceof String) {
            return "str";
        }
        if (o instanceof Long || o instanceof BigInteger) {
            return "int";
        }
        if (o instanceof Double) {
            return "float";
        }
        if (o instanceof Boolean) {
            return "bool";
        }
        if (o instanceof byte[]) {
            return "bytes";
        }
        return o.getClass().getSimpleName();
    }

    private static String describe(Object o) {
        String s = o instanceof List<?> l ? l.stream().map(SafeUnpickler::typeName).toList().toString()
                : typeName(o);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
