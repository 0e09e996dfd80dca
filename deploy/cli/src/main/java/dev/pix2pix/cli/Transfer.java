package dev.pix2pix.cli;

import dev.pix2pix.store.ObjectInfo;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Copies folders to and from S3, keeping relative paths; used by upload, download and the demo. */
public final class Transfer {
    private Transfer() {}

    /** Every regular file below {@code dir} to {@code prefix} + its relative path ('/'-separated); returns the count. */
    public static int upload(ObjectStore store, Path dir, S3Uri prefix) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no such folder: " + dir);
        }
        S3Uri p = prefix.asPrefix();
        store.ensureBucket(p.bucket());
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        for (Path f : files) {
            String rel = dir.relativize(f).toString().replace(java.io.File.separatorChar, '/');
            store.upload(f, p.child(rel));
        }
        return files.size();
    }

    /** Every object below {@code prefix} into {@code dir} + its key relative to the prefix; returns the count. */
    public static int download(ObjectStore store, S3Uri prefix, Path dir) {
        S3Uri p = prefix.asPrefix();
        List<ObjectInfo> objects = store.list(p);
        Path root = dir.toAbsolutePath().normalize();
        for (ObjectInfo o : objects) {
            String rel = o.uri().relativeTo(p);
            Path target = root.resolve(rel).normalize();
            if (!target.startsWith(root) || rel.isEmpty()) {
                throw new IllegalStateException("refusing to write " + o.uri() + " outside " + root);
            }
            store.download(o.uri(), target);
        }
        return objects.size();
    }
}
