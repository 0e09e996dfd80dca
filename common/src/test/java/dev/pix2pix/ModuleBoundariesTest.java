package dev.pix2pix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.testing.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The house's boundaries as docs/ARCHITECTURE.md states them, checked on the sources of every module (main
 * and test): one engine adapter around DJL's PyTorch internals, no Quarkus in common or worker-support,
 * and workers that do not import each other. A change that crosses one fails here, not at the next DJL
 * or Quarkus upgrade.
 */
class ModuleBoundariesTest {
    private static Path root;
    private static List<Path> sources;

    @BeforeAll
    static void readTree() throws IOException {
        root = TestData.checkout();
        assertTrue(Files.isDirectory(root.resolve("worker-train")) && Files.isDirectory(root.resolve("worker-infer")),
                "no worker modules under " + root);
        try (Stream<Path> s = Files.walk(root)) {
            sources = s.filter(p -> p.toString().endsWith(".java"))
                    .map(root::relativize)
                    .filter(p -> p.toString().contains("/src/") && !p.toString().contains("/target/"))
                    .filter(p -> !p.endsWith("ModuleBoundariesTest.java")) // names what it looks for
                    .sorted()
                    .toList();
        }
        // guards against a walk that finds nothing and so passes every rule
        assertTrue(sources.size() > 200, "only " + sources.size() + " Java sources found under " + root);
    }

    private static List<Path> containing(String text, Predicate<Path> where) {
        return sources.stream().filter(where).filter(p -> read(p).contains(text)).toList();
    }

    private static String read(Path relative) {
        try {
            return Files.readString(root.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Predicate<Path> under(String folder) {
        return p -> p.startsWith(folder);
    }

    @Test
    void onlyTorchEngineTouchesDjlsPytorchInternals() {
        assertEquals(List.of(Path.of("common/src/main/java/dev/pix2pix/nn/TorchEngine.java")),
                containing("ai.djl.pytorch.jni", p -> true),
                "DJL's ai.djl.pytorch.jni belongs behind nn/TorchEngine, so an upgrade touches one class");
    }

    @Test
    void commonAndWorkerSupportHaveNoQuarkus() {
        assertEquals(List.of(), containing("io.quarkus", under("common").or(under("worker-support"))),
                "common is plain Java; worker-support uses standard CDI and MicroProfile only");
    }

    @Test
    void theWorkersDoNotImportEachOther() {
        assertEquals(List.of(), containing("dev.pix2pix.worker.infer", under("worker-train")));
        assertEquals(List.of(), containing("dev.pix2pix.worker.train", under("worker-infer")));
    }
}
