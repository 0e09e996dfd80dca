package dev.pix2pix.infer;

import ai.djl.ndarray.NDManager;
import dev.pix2pix.model.CodeVersion;
import dev.pix2pix.model.ModelFolder;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.model.Generator;
import dev.pix2pix.pth.PthReader;
import dev.pix2pix.pth.ReferenceModels;
import dev.pix2pix.pth.StateDict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Opens whatever a user names as a model: one of our model folders, or a generator state dict
 * written by the reference PyTorch code ({@code latest_net_G.pth}), whose architecture is read
 * from its tensors' shapes. A 1 -> 2 channel generator is taken as a colorization (L -> ab) model.
 */
public final class ModelLoader {
    private ModelLoader() {}

    /** A loaded generator with its description; close it to free native memory. */
    public record Loaded(Generator generator, ModelInfo info) implements AutoCloseable {
        @Override
        public void close() {
            generator.close();
        }
    }

    public static Loaded load(Path path, NDManager manager) throws IOException {
        return load(path, null, manager);
    }

    /**
     * @param direction for a CycleGAN folder (AtoB/ and BtoA/), the generator to load: AtoB (null) or BtoA; see
     *     {@link ModelFolder#pick}
     */
    public static Loaded load(Path path, String direction, NDManager manager) throws IOException {
        if (Files.isDirectory(path)) {
            Path dir = ModelFolder.pick(path, direction);
            return new Loaded(ModelFolder.loadGenerator(dir, manager), ModelFolder.readInfo(dir));
        }
        if (direction != null) {
            throw new IllegalArgumentException(path.getFileName() + " is one generator: a direction picks a generator "
                    + "of a CycleGAN folder (AtoB/ and BtoA/)");
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException("no model at " + path + " (a model folder or a .pth file)");
        }
        return fromPth(path, ReferenceModels.Overrides.none(), null, 256, manager);
    }

    /**
     * @param task translate | colorize, or null to decide from the channels (1 -> 2 is colorize)
     * @param size the side the model was trained at (256 for the published reference models)
     */
    public static Loaded fromPth(Path pth, ReferenceModels.Overrides overrides, String task, int size, NDManager manager)
            throws IOException {
        StateDict sd = PthReader.read(pth);
        ModelSpec spec;
        Generator g;
        try {
            spec = ReferenceModels.inferGenerator(sd, overrides);
            g = ReferenceModels.loadGenerator(sd, spec, manager);
        } catch (IllegalArgumentException e) {
            throw new IOException(pth.getFileName() + ": " + e.getMessage(), e);
        }
        boolean colorize = task != null ? task.equals("colorize") : spec.inputNc() == 1 && spec.outputNc() == 2;
        ModelInfo info = new ModelInfo(ModelInfo.FORMAT, spec, colorize ? "colorize" : "translate",
                colorize ? "color" : "aligned", colorize ? null : "AtoB", size, 0, 0, CodeVersion.get(),
                Instant.now().toString(), "imported from " + pth.getFileName());
        return new Loaded(g, info);
    }
}
