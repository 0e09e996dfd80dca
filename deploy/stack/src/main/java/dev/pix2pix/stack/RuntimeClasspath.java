package dev.pix2pix.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The classpath of a server JVM, written at build time by the pix2pix-runtime-* modules into their
 * jar as {@code dev/pix2pix/runtime/<name>.classpath} (absolute paths into the local Maven repo).
 */
final class RuntimeClasspath {
    private RuntimeClasspath() {}

    static List<Path> load(String name) {
        String resource = "dev/pix2pix/runtime/" + name + ".classpath";
        ClassLoader loader = RuntimeClasspath.class.getClassLoader();
        String text;
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " not on the classpath; depend on "
                        + "dev.pix2pix:pix2pix-runtime-" + name + " (mvn -pl deploy/runtime-" + name + " install)");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Path> entries = new ArrayList<>();
        for (String part : text.split(java.io.File.pathSeparator)) {
            if (part.isBlank()) {
                continue;
            }
            Path p = Path.of(part.trim());
            if (!Files.exists(p)) {
                throw new IllegalStateException("classpath entry of " + name + " is missing: " + p
                        + " (rebuild: mvn -pl deploy/runtime-" + name + " install)");
            }
            entries.add(p);
        }
        if (entries.isEmpty()) {
            throw new IllegalStateException("empty classpath in " + resource);
        }
        return entries;
    }
}
