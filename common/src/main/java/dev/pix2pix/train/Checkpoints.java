package dev.pix2pix.train;

import dev.pix2pix.msg.Json;
import dev.pix2pix.io.LocalFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checkpoint folders {@code checkpoints/it_000000001234/} holding G, D, both optimizers' state and
 * the run state. A checkpoint is written to a temporary folder and renamed, so the latest complete
 * one is always usable; only the newest {@code keep} are kept (each is ~0.7 GB for unet_256).
 */
public final class Checkpoints {
    public static final String DIR = "checkpoints";
    static final String G = "G.params";
    static final String D = "D.params";
    static final String OPT_G = "optG.params";
    static final String OPT_D = "optD.params";
    static final String STATE = "state.json";

    private Checkpoints() {}

    /** The parts of a checkpoint, as bytes (so the caller can also ship them to object storage). */
    public record Contents(byte[] g, byte[] d, byte[] optG, byte[] optD, RunState state) {}

    public static Path write(Path modelDir, Contents c, int keep) throws IOException {
        java.util.Map<String, byte[]> parts = new java.util.LinkedHashMap<>();
        parts.put(part(G), c.g());
        if (c.d() != null) {
            parts.put(part(D), c.d());
            parts.put(part(OPT_D), c.optD());
        }
        parts.put(part(OPT_G), c.optG());
        return writeParts(modelDir, parts, c.state(), keep);
    }

    private static String part(String file) {
        return file.substring(0, file.length() - ".params".length());
    }

    /**
     * A checkpoint of named parts ({@code NAME.params} each) and the run state, written like {@link #write}: for runs
     * with more networks than one G and one D (CycleGAN).
     */
    public static Path writeParts(Path modelDir, java.util.Map<String, byte[]> parts, RunState state, int keep)
            throws IOException {
        Path root = modelDir.resolve(DIR);
        Files.createDirectories(root);
        String name = String.format("it_%012d", state.iteration());
        Path tmp = root.resolve("." + name + ".tmp");
        LocalFiles.deleteTree(tmp);
        Files.createDirectories(tmp);
        for (java.util.Map.Entry<String, byte[]> e : parts.entrySet()) {
            Files.write(tmp.resolve(e.getKey() + ".params"), e.getValue());
        }
        Files.write(tmp.resolve(STATE), Json.writeIndented(state));
        Path target = root.resolve(name);
        LocalFiles.deleteTree(target);
        Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        prune(root, keep);
        return target;
    }

    /** The named parts of a checkpoint written by {@link #writeParts}; a missing part is refused by name. */
    public static java.util.Map<String, byte[]> readParts(Path checkpoint, List<String> names) throws IOException {
        java.util.Map<String, byte[]> out = new java.util.LinkedHashMap<>();
        for (String n : names) {
            Path f = checkpoint.resolve(n + ".params");
            if (!Files.exists(f)) {
                throw new IOException(checkpoint + " has no " + f.getFileName() + ": not a checkpoint of this kind of run");
            }
            out.put(n, Files.readAllBytes(f));
        }
        return out;
    }

    public static RunState readState(Path checkpoint) throws IOException {
        return Json.mapper().readValue(checkpoint.resolve(STATE).toFile(), RunState.class);
    }

    public static Optional<Path> latest(Path modelDir) throws IOException {
        List<Path> all = list(modelDir.resolve(DIR));
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    public static Contents read(Path checkpoint) throws IOException {
        RunState state = Json.mapper().readValue(checkpoint.resolve(STATE).toFile(), RunState.class);
        byte[] d = Files.exists(checkpoint.resolve(D)) ? Files.readAllBytes(checkpoint.resolve(D)) : null;
        byte[] optD = Files.exists(checkpoint.resolve(OPT_D)) ? Files.readAllBytes(checkpoint.resolve(OPT_D)) : null;
        return new Contents(Files.readAllBytes(checkpoint.resolve(G)), d, Files.readAllBytes(checkpoint.resolve(OPT_G)),
                optD, state);
    }

    static List<Path> list(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith("it_") && Files.exists(p.resolve(STATE)))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .collect(Collectors.toList());
        }
    }

    private static void prune(Path root, int keep) throws IOException {
        List<Path> all = list(root);
        for (int i = 0; i < all.size() - keep; i++) {
            LocalFiles.deleteTree(all.get(i));
        }
    }

    static void writeState(Path file, RunState s) throws IOException {
        LocalFiles.writeAtomically(file, Json.writeIndented(s));
    }
}
