package dev.pix2pix.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.testing.Prerequisite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Real old scans from the shared data beside the checkout (an IT: it needs ../shared; under CI=true it must be there). */
class ArchiveScansIT {
    private final ImageDecoder decoder = new ImageDecoder();

    @Test
    void archiveScansDecode() throws IOException {
        Path root = dev.pix2pix.testing.TestData.dataset("archive-bw");
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        Prerequisite.require(!files.isEmpty(), root + " holds no images");
        for (Path f : files) {
            DecodedImage d = decoder.decode(f);
            assertTrue(d.width() > 0 && d.height() > 0, f.toString());
            assertEquals(8, d.bitDepth(), f.toString());
            FloatImage g = d.gray();
            assertEquals(1, g.channels());
            for (float v : g.data()) assertTrue(v >= 0f && v <= 1f);
        }
    }

}
