package dev.pix2pix.store;

import java.time.Duration;

/**
 * Told when calls to the store start failing transiently and when it answers again, so a worker can
 * report itself not ready while it waits an outage out. Called from the calling threads.
 */
public interface OutageListener {
    OutageListener NONE = new OutageListener() {
        @Override
        public void failing(String endpoint, Duration soFar, Exception cause) {}

        @Override
        public void answering(String endpoint) {}
    };

    /** A call failed transiently; it has been failing for {@code soFar} and will be tried again. */
    void failing(String endpoint, Duration soFar, Exception cause);

    /** A call succeeded after failures. */
    void answering(String endpoint);
}
