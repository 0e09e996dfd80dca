package dev.pix2pix.data;

/**
 * A training entry that cannot be used, with the reason serving would give for the same file
 * ({@link dev.pix2pix.image.DecodeException.Reason} names, READ_ERROR) or one of the training-only
 * reasons below. The set skips it in every epoch and reports it once, by name.
 */
public final class UnusableSample extends Exception {
    /** A colour set's photo that is already gray: it would teach the colorizer to add no colour. */
    public static final String GRAYSCALE = "GRAYSCALE";
    /** A folders-layout A file without its B file. */
    public static final String MISSING_PAIR = "MISSING_PAIR";
    /** A and B of a pair prepared to different sizes (folders layout, modes without resize). */
    public static final String SIZE_MISMATCH = "SIZE_MISMATCH";
    /** Too small to split (an aligned image one pixel wide). */
    public static final String TOO_SMALL = "TOO_SMALL";
    /** The file could not be read (gone, permissions, download failed). */
    public static final String READ_ERROR = "READ_ERROR";

    private final String name;
    private final String reason;
    private final String detail;

    public UnusableSample(String name, String reason, String detail) {
        super(reason + ": " + name + ": " + detail, null, false, false);
        this.name = name;
        this.reason = reason;
        this.detail = detail;
    }

    public String name() {
        return name;
    }

    public String reason() {
        return reason;
    }

    public String detail() {
        return detail;
    }
}
