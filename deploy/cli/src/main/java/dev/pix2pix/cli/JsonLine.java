package dev.pix2pix.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/** One JSON line on standard output, for --json. */
final class Json {
    private static final ObjectMapper M = new ObjectMapper();

    private Json() {}

    static String line(Map<String, ?> m) {
        try {
            return M.writeValueAsString(m);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String line(Object o) {
        try {
            return M.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
