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
    /** {@code dev.pix2pix.failpoint-delay=name:millis}: a test slows one place down to act in the middle of it. */
    private static final String[] DELAY = System.getProperty("dev.pix2pix.failpoint-delay", ":0").split(":", 2);

    private Failpoint() {}

    /** Halts the JVM (exit 137, no shutdown hooks) if {@code name} is armed. */
    public static void hit(String name) {
        if (ARMED.contains(name)) {
            System.err.println("pix2pix failpoint " + name + ": halting");
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }

    /** Sleeps the configured time if {@code name} is the delayed place (fault tests that must act mid-job). */
    public static void delay(String name) {
        if (DELAY[0].equals(name)) {
            try {
                Thread.sleep(Long.parseLong(DELAY[1]));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
