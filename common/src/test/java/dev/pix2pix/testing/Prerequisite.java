package dev.pix2pix.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one place where a test says what it needs from the machine (shared data sets, python3 with
 * numpy/PIL/torch). On a developer's machine a missing prerequisite skips the test and says how to
 * get it; under {@code CI=true} it fails the run, so a CI machine that lost a package or the shared
 * data cannot go green by skipping the checks that need them.
 */
public final class Prerequisite {
    private Prerequisite() {}

    public static boolean strict() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    public static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if (strict()) {
            Assertions.fail("missing prerequisite (CI=true turns skips into failures): " + what);
        }
        Assumptions.assumeTrue(false, what);
    }
}
