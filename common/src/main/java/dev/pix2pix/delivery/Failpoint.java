package dev.pix2pix.delivery;

import java.util.Set;

/**
 * Named places where a fault test can make the process die on the spot, as kill -9 or the kernel's
 * OOM killer would, at exactly the moment that matters (between writing a marker and publishing its
 * event, half-way through a checkpoint upload, ...). Off unless the system property
 * {@code dev.pix2pix.failpoints} lists the name (comma-separated); nothing else changes behaviour.
 */
public final class Failpoint {
    private static final Set<String> ARMED = parse(System.getProperty("dev.pix2pix.failpoints", ""));

    private Failpoint() {}

    /** Halts the JVM (exit 137, no shutdown hooks) if {@code name} is armed. */
    public static void hit(String name) {
        if (ARMED.contains(name)) {
            System.err.println("pix2pix failpoint " + name + ": halting");
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }

    static Set<String> parse(String value) {
        Set<String> s = new java.util.HashSet<>();
        for (String n : value.split(",")) {
            if (!n.isBlank()) {
                s.add(n.trim());
            }
        }
        return Set.copyOf(s);
    }
}
