package dev.pix2pix.testing;

import dev.pix2pix.data.Scenes;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Test data: generated aligned pairs (no prerequisite, the same on every machine), and the shared data sets
 * beside the checkout (../shared/datasets) for the ITs that need real images.
 */
public final class TestData {
    private TestData() {}

    /**
     * A file or folder of the shared folder beside the checkout (for example tools/metrics.py or
     * datasets/color-photos), found from any module's working directory upwards; null if absent.
     */
    public static Path shared(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * The repository's root (the folder with the parent pom and common/), found from any module's working
     * directory upwards, for tests that read files of other modules or of the repository itself.
     */
    public static Path checkout() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isRegularFile(dir.resolve("common/pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("repository root (pom.xml beside common/) not found above "
                + Path.of("").toAbsolutePath());
    }

    public static Path datasets() {
        Path found = shared("datasets");
        Prerequisite.require(found != null && Files.isDirectory(found),
                "shared/datasets not found above " + Path.of("").toAbsolutePath());
        return found;
    }

    public static Path dataset(String relative) {
        Path p = datasets().resolve(relative);
        Prerequisite.require(Files.isDirectory(p), p + " is missing");
        return p;
    }

    /** Copies the first n images (sorted by name) of a shared folder into dest. */
    public static Path subset(String relative, int n, Path dest) throws IOException {
        Files.createDirectories(dest);
        try (Stream<Path> s = Files.list(dataset(relative))) {
            List<Path> files = s.filter(Files::isRegularFile).sorted().limit(n).collect(Collectors.toList());
            for (Path f : files) {
                Files.copy(f, dest.resolve(f.getFileName()));
            }
        }
        return dest;
    }

    /**
     * Writes n aligned pairs as the facades layout has them (target LEFT, input RIGHT: a colour scene and its
     * gray version, each half {@code half} px square) as 1.jpg .. n.jpg into dest: BtoA is colorization.
     */
    public static Path scenePairs(int n, int half, Path dest) throws IOException {
        Files.createDirectories(dest);
        for (int i = 1; i <= n; i++) {
            BufferedImage colour = Scenes.scene(i, half, half);
            BufferedImage pair = new BufferedImage(2 * half, half, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = pair.createGraphics();
            g.drawImage(colour, 0, 0, null);
            g.drawImage(Scenes.gray(colour), half, 0, null);
            g.dispose();
            if (!ImageIO.write(pair, "jpg", dest.resolve(i + ".jpg").toFile())) {
                throw new IOException("no JPEG writer");
            }
        }
        return dest;
    }
}
