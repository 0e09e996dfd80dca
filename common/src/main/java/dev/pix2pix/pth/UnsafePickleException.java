package dev.pix2pix.pth;

/**
 * The pickle inside a {@code .pth} asked for something outside the allow-list (a global such as
 * {@code os.system}, an object construction or opcode a plain state dict never needs). A
 * {@code .pth} file is untrusted input: nothing named in it is ever looked up or executed.
 */
public class UnsafePickleException extends PthFormatException {

    private static final long serialVersionUID = 1L;

    public UnsafePickleException(String message) {
        super(message);
    }
}
