package dev.pix2pix.infer;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.pix2pix.model.Generator;
import dev.pix2pix.model.ModelFolder;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.pth.PthWriter;
import dev.pix2pix.pth.ReferenceModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Model folders to and from the reference PyTorch code's checkpoint files: one generator
 * ({@code latest_net_G.pth}) as one model folder, and a CycleGAN checkpoint folder ({@code latest_net_G_A.pth},
 * {@code latest_net_G_B.pth}) as a CycleGAN folder ({@code AtoB/}, {@code BtoA/}). The weights pass unchanged: the
 * parameters carry the reference's key names.
 */
public final class ReferenceCheckpoints {
    /** The reference CycleGAN's names: G_A maps A to B, G_B maps B to A. */
    public static final String G_A = "latest_net_G_A.pth";
    public static final String G_B = "latest_net_G_B.pth";

    private ReferenceCheckpoints() {}

    /**
     * Imports one generator state dict as a model folder.
     *
     * @param task translate | colorize, or null (1 -> 2 channels is colorize)
     * @param direction recorded in model.json for translate models (AtoB | BtoA)
     * @param layout recorded in model.json, or null for the loader's guess
     */
    public static ModelInfo importGenerator(Path pth, ReferenceModels.Overrides overrides, String task, String direction,
            String layout, int size, Path out) throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                ModelLoader.Loaded loaded = ModelLoader.fromPth(pth, overrides, task, size, m)) {
            ModelInfo i = loaded.info();
            ModelInfo info = new ModelInfo(i.format(), i.spec(), i.task(), layout != null ? layout : i.layout(),
                    i.colorize() ? null : direction, i.size(), i.epochs(), i.iterations(), i.codeVersion(),
                    i.createdAt(), pth.toAbsolutePath().toString());
            ModelFolder.write(out, info, loaded.generator());
            return info;
        }
    }

    /** Imports a CycleGAN checkpoint folder's two generators as a CycleGAN folder; returns G_A's description. */
    public static ModelInfo importCycleGan(Path checkpointDir, ReferenceModels.Overrides overrides, int size, Path out)
            throws IOException {
        for (String name : new String[] {G_A, G_B}) {
            if (!Files.isRegularFile(checkpointDir.resolve(name))) {
                throw new IllegalArgumentException(checkpointDir + " has no " + name + ": a CycleGAN checkpoint folder "
                        + "holds " + G_A + " and " + G_B + " (or name one generator's .pth)");
            }
        }
        ModelInfo a = importGenerator(checkpointDir.resolve(G_A), overrides, "translate", ModelFolder.A_TO_B, "unaligned",
                size, out.resolve(ModelFolder.A_TO_B));
        importGenerator(checkpointDir.resolve(G_B), overrides, "translate", ModelFolder.B_TO_A, "unaligned", size,
                out.resolve(ModelFolder.B_TO_A));
        return a;
    }

    /** Writes a model folder's generator as a state dict the reference loads with strict=True. */
    public static void exportGenerator(Path folder, Path pth) throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                Generator g = ModelFolder.loadGenerator(folder, m)) {
            PthWriter.write(ReferenceModels.toStateDict(g.params()), pth);
        }
    }

    /** Writes a CycleGAN folder as the reference's {@code latest_net_G_A.pth} and {@code latest_net_G_B.pth}. */
    public static void exportCycleGan(Path folder, Path checkpointDir) throws IOException {
        if (!ModelFolder.isPair(folder)) {
            throw new IllegalArgumentException(folder + " is not a CycleGAN folder (AtoB/ and BtoA/)");
        }
        Files.createDirectories(checkpointDir);
        exportGenerator(folder.resolve(ModelFolder.A_TO_B), checkpointDir.resolve(G_A));
        exportGenerator(folder.resolve(ModelFolder.B_TO_A), checkpointDir.resolve(G_B));
    }
}
