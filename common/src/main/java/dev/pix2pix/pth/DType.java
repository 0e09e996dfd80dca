package dev.pix2pix.pth;

import java.util.Locale;
import java.util.Optional;

/**
 * Element types of tensors stored in a {@code torch.save} archive.
 *
 * <p>Each constant knows its size in bytes, the legacy storage class name that {@code torch.save}
 * writes into the pickle ({@code torch.FloatStorage}, ...) and the name of the matching
 * {@code torch.dtype} global ({@code torch.float32}, ...).
 */
public enum DType {
    FLOAT32(4, "FloatStorage", "float32", true),
    FLOAT64(8, "DoubleStorage", "float64", true),
    FLOAT16(2, "HalfStorage", "float16", true),
    BFLOAT16(2, "BFloat16Storage", "bfloat16", true),
    INT64(8, "LongStorage", "int64", false),
    INT32(4, "IntStorage", "int32", false),
    INT16(2, "ShortStorage", "int16", false),
    INT8(1, "CharStorage", "int8", false),
    UINT8(1, "ByteStorage", "uint8", false),
    BOOL(1, "BoolStorage", "bool", false);

    private final int byteSize;
    private final String storageClass;
    private final String torchName;
    private final boolean floatingPoint;

    DType(int byteSize, String storageClass, String torchName, boolean floatingPoint) {
        this.byteSize = byteSize;
        this.storageClass = storageClass;
        this.torchName = torchName;
        this.floatingPoint = floatingPoint;
    }

    /** Size of one element in bytes. */
    public int byteSize() {
        return byteSize;
    }

    /** Legacy storage class name inside module {@code torch}, e.g. {@code FloatStorage}. */
    public String storageClass() {
        return storageClass;
    }

    /** Name of the {@code torch.dtype} global inside module {@code torch}, e.g. {@code float32}. */
    public String torchName() {
        return torchName;
    }

    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** Looks a constant up by its storage class name ({@code FloatStorage} -> FLOAT32). */
    public static Optional<DType> fromStorageClass(String name) {
        for (DType t : values()) {
            if (t.storageClass.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * Looks a constant up by its torch dtype name, accepting the aliases torch prints
     * ({@code float}, {@code half}, {@code double}, {@code long}, {@code int}, ...).
     */
    public static Optional<DType> fromTorchName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("torch.")) {
            n = n.substring("torch.".length());
        }
        switch (n) {
            case "float":
                return Optional.of(FLOAT32);
            case "double":
                return Optional.of(FLOAT64);
            case "half":
                return Optional.of(FLOAT16);
            case "long":
                return Optional.of(INT64);
            case "int":
                return Optional.of(INT32);
            case "short":
                return Optional.of(INT16);
            default:
                break;
        }
        for (DType t : values()) {
            if (t.torchName.equals(n)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
