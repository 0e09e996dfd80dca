package dev.pix2pix.infer;

import dev.pix2pix.data.Images;
import dev.pix2pix.io.LocalFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Local folders as pipeline source and sink; keys are '/'-separated relative paths. */
public final class FolderIO {
    private FolderIO() {}

    /**
     * Every file under dir, except under folders whose name starts with '_' (reports, thumbnails);
     * non-image files are included so that they are reported, not silently ignored.
     */
    public static List<String> keys(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .filter(k -> Stream.of(k.split("/")).noneMatch(part -> part.startsWith("_") || part.startsWith(".")))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean looksLikeImage(String key) {
        return Images.EXTENSIONS.contains(OutputPolicy.extension(key));
    }

    public static TranslatePipeline.Source source(Path dir) {
        return key -> Files.readAllBytes(dir.resolve(key));
    }

    public static TranslatePipeline.Sink sink(Path dir) {
        return new TranslatePipeline.Sink() {
            @Override
            public boolean exists(String key) {
                return Files.exists(dir.resolve(key));
            }

            @Override
            public void write(String key, byte[] bytes, String contentType) throws IOException {
                Path p = dir.resolve(key);
                Files.createDirectories(p.getParent());
                LocalFiles.writeAtomically(p, bytes);
            }
        };
    }
}
