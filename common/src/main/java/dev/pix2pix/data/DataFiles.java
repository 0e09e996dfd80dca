package dev.pix2pix.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of a training set: listed once (names, sizes and a stamp that changes when a file
 * does), read one at a time when a sample needs them. A local folder, or worker-train's S3 copy
 * whose reads wait for the file's download.
 */
public interface DataFiles {
    /**
     * @param name path relative to the set's root, '/'-separated
     * @param stamp changes whenever the content may have (size and mtime, or an S3 ETag)
     */
    record FileInfo(String name, long size, String stamp) {}

    /** Identifies the collection for the prepared cache (an absolute folder, an S3 prefix). */
    String identity();

    /** Image files (by extension), sorted by name; folders starting with '_' (reports, thumbnails) are left out. */
    List<FileInfo> list() throws IOException;

    /** A listed file's bytes (may wait for it to arrive). */
    byte[] read(String name) throws IOException;

    /** The files below {@code folder}/ of this set, named relative to it (CycleGAN's A/ and B/). */
    default DataFiles under(String folder) {
        DataFiles parent = this;
        String prefix = folder.endsWith("/") ? folder : folder + "/";
        return new DataFiles() {
            @Override
            public String identity() {
                return parent.identity() + "/" + folder;
            }

            @Override
            public List<FileInfo> list() throws IOException {
                List<FileInfo> out = new ArrayList<>();
                for (FileInfo f : parent.list()) {
                    if (f.name().startsWith(prefix)) {
                        out.add(new FileInfo(f.name().substring(prefix.length()), f.size(), f.stamp()));
                    }
                }
                return out;
            }

            @Override
            public byte[] read(String name) throws IOException {
                return parent.read(prefix + name);
            }
        };
    }

    /** The image files under a local folder. */
    static DataFiles folder(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        return new DataFiles() {
            @Override
            public String identity() {
                return root.toString();
            }

            @Override
            public List<FileInfo> list() throws IOException {
                if (!Files.isDirectory(root)) {
                    throw new IOException("data folder " + dir + " does not exist");
                }
                List<FileInfo> out = new ArrayList<>();
                try (Stream<Path> s = Files.walk(root)) {
                    for (Path p : (Iterable<Path>) s.filter(Images::isImage)::iterator) {
                        String rel = root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
                        if (isData(rel)) {
                            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                            out.add(new FileInfo(rel, a.size(), a.size() + "-" + a.lastModifiedTime().toMillis()));
                        }
                    }
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                out.sort(Comparator.comparing(FileInfo::name));
                return out;
            }

            @Override
            public byte[] read(String name) throws IOException {
                return Files.readAllBytes(root.resolve(name));
            }
        };
    }

    /** Image names (by extension) outside folders starting with '_' (reports and thumbnails, never data). */
    static boolean isData(String relativeName) {
        int dot = relativeName.lastIndexOf('.');
        if (dot < 0 || !Images.EXTENSIONS.contains(relativeName.substring(dot + 1).toLowerCase(java.util.Locale.ROOT))) {
            return false;
        }
        for (String part : relativeName.split("/")) {
            if (part.startsWith("_")) {
                return false;
            }
        }
        return true;
    }
}
