package dev.pix2pix.model;

import dev.pix2pix.msg.Json;
import ai.djl.ndarray.NDManager;
import dev.pix2pix.io.LocalFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A published model: {@code model.json} and {@code generator.params} (the generator's state dict
 * under the reference's key names). Checkpoints with optimizer state live beside them under
 * {@code checkpoints/} while training, and are not part of what is published.
 */
public final class ModelFolder {
    public static final String INFO = "model.json";
    public static final String WEIGHTS = "generator.params";

    /** CycleGAN's folder: two model folders, one per generator, and no model.json of its own. */
    public static final String A_TO_B = "AtoB";
    public static final String B_TO_A = "BtoA";

    private ModelFolder() {}

    /**
     * The subfolder of a CycleGAN folder that a direction names: AtoB (G_A, the default when null) or BtoA (G_B).
     *
     * @throws IllegalArgumentException for any other direction
     */
    public static String member(String direction) {
        if (direction == null || direction.equalsIgnoreCase(A_TO_B)) {
            return A_TO_B;
        }
        if (direction.equalsIgnoreCase(B_TO_A)) {
            return B_TO_A;
        }
        throw new IllegalArgumentException("unknown direction '" + direction + "' (AtoB|BtoA)");
    }

    /** Whether {@code dir} is a CycleGAN folder (AtoB/ and BtoA/ model folders, no model.json at the top). */
    public static boolean isPair(Path dir) {
        return !Files.exists(dir.resolve(INFO)) && Files.exists(dir.resolve(A_TO_B).resolve(INFO))
                && Files.exists(dir.resolve(B_TO_A).resolve(INFO));
    }

    /**
     * The model folder to load: {@code dir} itself when it holds one generator, its AtoB/ or BtoA/ when it is a
     * CycleGAN folder. A direction given for a one-generator folder must be the one it was trained for.
     *
     * @param direction AtoB | BtoA, or null (a CycleGAN folder's AtoB)
     */
    public static Path pick(Path dir, String direction) throws IOException {
        if (isPair(dir)) {
            return dir.resolve(member(direction));
        }
        if (direction != null) {
            String refusal = directionRefusal(readInfo(dir), direction);
            if (refusal != null) {
                throw new IllegalArgumentException(dir + " " + refusal);
            }
        }
        return dir;
    }

    /**
     * Why a direction cannot be asked of a one-generator model (null when it is the direction it was trained for):
     * the one rule for the CLI and worker-infer. The text starts with "holds one generator", after the model's name.
     */
    public static String directionRefusal(ModelInfo info, String direction) {
        String trained = info.direction();
        if (direction == null || (!info.colorize() && trained != null && trained.equalsIgnoreCase(member(direction)))) {
            return null;
        }
        return "holds one generator (" + (info.colorize() ? "colorize" : trained) + "): a direction picks a generator "
                + "of a CycleGAN folder (AtoB/ and BtoA/)";
    }

    public static void write(Path dir, ModelInfo info, Generator g) throws IOException {
        Files.createDirectories(dir);
        LocalFiles.writeAtomically(dir.resolve(WEIGHTS), g.params().encode());
        LocalFiles.writeAtomically(dir.resolve(INFO), Json.writeIndented(info));
    }

    public static ModelInfo readInfo(Path dir) throws IOException {
        Path p = dir.resolve(INFO);
        if (!Files.exists(p)) {
            throw new NoSuchFileException(p.toString(), null, "not a model folder: no " + INFO);
        }
        ModelInfo info;
        try {
            info = Json.mapper().readValue(p.toFile(), ModelInfo.class);
        } catch (IOException | RuntimeException e) {
            throw new IOException(p + " is not a valid model description: " + e.getMessage(), e);
        }
        if (info.spec() == null) {
            throw new IOException(p + " has no model spec");
        }
        return info;
    }

    /** Builds the generator and loads its weights; a folder that does not fit fails with the reason. */
    public static Generator loadGenerator(Path dir, NDManager manager) throws IOException {
        ModelInfo info = readInfo(dir);
        Path w = dir.resolve(WEIGHTS);
        if (!Files.exists(w)) {
            throw new NoSuchFileException(w.toString(), null, "model folder has no " + WEIGHTS);
        }
        Generator g = Generator.create(info.spec(), manager, 0);
        try {
            g.params().decode(Files.readAllBytes(w));
        } catch (IllegalArgumentException e) {
            g.close();
            throw new IOException(w + ": " + e.getMessage(), e);
        }
        return g;
    }
}
