package dev.pix2pix.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback port helpers. All local servers bind 127.0.0.1 only. */
public final class FreePorts {
    public static final String HOST = "127.0.0.1";

    private FreePorts() {}

    /** A port that was free a moment ago (the server may still lose a race; callers retry). */
    public static int pick() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    /** {@code preferred} when it is non-zero and currently free, otherwise a fresh free port. */
    public static int preferOrPick(int preferred) {
        return preferred > 0 && isFree(preferred) ? preferred : pick();
    }

    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static boolean accepting(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
