package dev.pix2pix.pth;

import java.io.IOException;

/**
 * A {@code .pth} file that cannot be read: not a zip, truncated, a missing record, a legacy
 * (pre-1.6) or TorchScript file, or a pickle that uses a global or opcode outside the allow-list.
 * The message says which.
 */
public class PthFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public PthFormatException(String message) {
        super(message);
    }

    public PthFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
