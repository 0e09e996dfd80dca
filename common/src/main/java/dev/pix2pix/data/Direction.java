package dev.pix2pix.data;

import java.util.Locale;

/** Which side of a pair is the input: AtoB translates A into B. */
public enum Direction {
    ATOB,
    BTOA;

    public static Direction parse(String s) {
        String v = s.trim().toUpperCase(Locale.ROOT);
        if (v.equals("ATOB")) {
            return ATOB;
        }
        if (v.equals("BTOA")) {
            return BTOA;
        }
        throw new IllegalArgumentException("unknown direction '" + s + "' (AtoB|BtoA)");
    }

    public String label() {
        return this == ATOB ? "AtoB" : "BtoA";
    }
}
