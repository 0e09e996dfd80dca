package dev.pix2pix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChaosPlanTest {
    @Test
    void faultsDoNotOverlapAndStayInTheWindow() {
        ChaosPlan p = ChaosPlan.of(7, 20, 30, 0.3, Duration.ofMinutes(15), Duration.ofSeconds(40));
        assertEquals(20, p.submits().size());
        assertEquals(30, p.faults().size());
        Duration end = Duration.ZERO;
        for (ChaosPlan.Fault f : p.faults()) {
            assertTrue(f.at().compareTo(end) >= 0, "overlap at " + f);
            assertTrue(f.lasts().toSeconds() >= 3 && f.lasts().toSeconds() <= 40, f.toString());
            end = f.at().plus(f.lasts());
        }
        assertTrue(end.compareTo(Duration.ofMinutes(15)) <= 0, end.toString());
        assertTrue(p.submits().get(19).at().compareTo(Duration.ofMinutes(10)) <= 0);
        assertTrue(p.submits().stream().anyMatch(ChaosPlan.Submit::train));
        assertTrue(p.submits().stream().anyMatch(s -> !s.train()));
        assertEquals(p, ChaosPlan.of(7, 20, 30, 0.3, Duration.ofMinutes(15), Duration.ofSeconds(40)), "seeded");
    }
}
