package dev.pix2pix.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class OutputPolicyTest {
    @Test
    void inputsThatShareAnOutputNameAreFound() {
        OutputPolicy png = OutputPolicy.defaults();
        SortedMap<String, List<String>> c = png.collisions(List.of("box/a.png", "box/a.jpg", "box/b.tif", "c.png"));
        assertEquals(Map.of("box/a.png", List.of("box/a.jpg", "box/a.png")), c);
        String why = OutputPolicy.describeCollisions(c, 5);
        assertTrue(why.contains("box/a.jpg and box/a.png would both be written as box/a.png"), why);

        OutputPolicy same = new OutputPolicy("same", 0.9f, false);
        assertTrue(same.collisions(List.of("box/a.png", "box/a.jpg")).isEmpty());
        assertEquals(1, same.collisions(List.of("a.jpg", "a.jpeg", "b.png")).size());
    }

    @Test
    void jpegQualityIsOnePercentUnit() {
        assertEquals(0.92f, OutputPolicy.of("jpeg", null, false).jpegQuality(), 1e-6);
        assertEquals(0.5f, OutputPolicy.of("jpeg", 50, false).jpegQuality(), 1e-6);
        assertEquals(1f, OutputPolicy.of("jpeg", 100, false).jpegQuality(), 1e-6);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> OutputPolicy.of("jpeg", 0, false));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> OutputPolicy.of("jpeg", 101, false));
    }

    @Test
    void longListsAreShortened() {
        OutputPolicy png = OutputPolicy.defaults();
        SortedMap<String, List<String>> c = png.collisions(List.of("a.jpg", "a.png", "b.jpg", "b.png", "c.jpg",
                "c.tif"));
        assertEquals(3, c.size());
        assertTrue(OutputPolicy.describeCollisions(c, 2).contains("and 1 more"));
    }
}
