package dev.pix2pix.image;

import java.io.IOException;

/** An image file that cannot (or must not) be decoded, with a typed reason for archive-scan reports. */
public final class DecodeException extends IOException {
    /** Why a file was rejected. */
    public enum Reason {
        /** 0-byte file. */
        EMPTY,
        /** The data ends early (missing JPEG EOI / PNG IEND, strips past end of file, ...). */
        TRUNCATED,
        /** Structurally broken data (bad CRC, bad zlib stream, decoder error). */
        CORRUPT,
        /** Not an image format we decode (or a variant of one, e.g. 12-bit JPEG, BigTIFF, WebP). */
        UNSUPPORTED_FORMAT,
        /** CMYK or YCCK data (Adobe JPEGs, separated TIFFs): needs a colour conversion we do not do. */
        CMYK,
        /** Declared pixel count or file size above the configured limit (decompression-bomb guard). */
        TOO_LARGE
    }

    private final Reason reason;
    private final String file;

    public DecodeException(Reason reason, String file, String detail) {
        this(reason, file, detail, null);
    }

    public DecodeException(Reason reason, String file, String detail, Throwable cause) {
        super(reason + ": " + file + ": " + detail, cause);
        this.reason = reason;
        this.file = file;
    }

    public Reason reason() { return reason; }

    /** The file name (or caller-given label) the error is about. */
    public String file() { return file; }
}
