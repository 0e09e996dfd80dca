package dev.pix2pix.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CancelRegistryTest {
    private final Instant now = Instant.parse("2026-12-01T12:00:00Z");
    private final CancelRegistry r = new CancelRegistry(Duration.ofDays(1), Clock.fixed(now, ZoneOffset.UTC));

    @Test
    void rememberedWithinTheWindowOnly() {
        r.cancel("old", "x", now.minus(Duration.ofDays(2)));
        r.cancel("new", null, now.minusSeconds(5));
        assertFalse(r.isCancelled("old"));
        assertTrue(r.isCancelled("new"));
        assertEquals("cancelled by request", r.reason("new").orElseThrow());
    }

    @Test
    void theFirstReasonStays() {
        r.cancel("j", "wrong model", now.minusSeconds(10));
        r.cancel("j", "again", now.minusSeconds(1));
        assertEquals("wrong model", r.reason("j").orElseThrow());
    }

    @Test
    void attemptMarkersCountDeaths() {
        assertFalse(AttemptMarkers.poison(2, 3));
        assertTrue(AttemptMarkers.poison(3, 3));
    }
}
