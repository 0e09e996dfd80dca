package dev.pix2pix.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutagePolicyTest {
    private final OutagePolicy p = new OutagePolicy(Duration.ofMinutes(15), Duration.ofMillis(500),
            Duration.ofSeconds(30));

    @Test
    void backoffDoublesUpToTheCap() {
        assertEquals(Duration.ofMillis(500), p.nextDelay(1, Duration.ZERO).orElseThrow());
        assertEquals(Duration.ofSeconds(1), p.nextDelay(2, Duration.ofSeconds(1)).orElseThrow());
        assertEquals(Duration.ofSeconds(16), p.nextDelay(6, Duration.ofSeconds(20)).orElseThrow());
        assertEquals(Duration.ofSeconds(30), p.nextDelay(7, Duration.ofSeconds(40)).orElseThrow());
        assertEquals(Duration.ofSeconds(30), p.nextDelay(1000, Duration.ofMinutes(5)).orElseThrow());
    }

    @Test
    void theLastTryFallsOnTheEndOfTheWait() {
        assertEquals(Duration.ofSeconds(10), p.nextDelay(50, Duration.ofMinutes(15).minusSeconds(10)).orElseThrow());
        assertTrue(p.nextDelay(50, Duration.ofMinutes(15)).isEmpty());
        assertTrue(p.nextDelay(1, Duration.ofMinutes(16)).isEmpty());
    }

    @Test
    void zeroWaitNeverRetries() {
        assertTrue(OutagePolicy.waiting(Duration.ZERO).nextDelay(1, Duration.ZERO).isEmpty());
    }
}
