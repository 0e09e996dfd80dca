package dev.pix2pix.cli;

import ai.djl.ndarray.NDManager;
import dev.pix2pix.infer.ModelLoader;
import dev.pix2pix.model.ModelFolder;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.pth.ReferenceModels;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Turn a generator trained with the reference PyTorch code (latest_net_G.pth) into a model "
                + "folder, or a CycleGAN checkpoint folder (latest_net_G_A.pth, latest_net_G_B.pth) into a CycleGAN "
                + "folder (AtoB/, BtoA/). The architecture is read from the tensors' shapes; options override it.")
final class ImportCommand implements Callable<Integer> {
    @Option(names = "--pth", required = true, description = "the generator's state dict (torch.save zip format), or "
            + "a folder with CycleGAN's latest_net_G_A.pth and latest_net_G_B.pth")
    Path pth;

    @Option(names = "--out", required = true, description = "model folder to write")
    Path out;

    @Option(names = "--netG", description = "unet_256|unet_128|... (default: from the shapes)")
    String netG;

    @Option(names = "--norm", description = "batch|instance|none (default: from the tensors)")
    String norm;

    @Option(names = "--no-dropout", description = "the model was trained without dropout")
    boolean noDropout;

    @Option(names = "--task", description = "translate|colorize (default: colorize for 1 -> 2 channels)")
    String task;

    @Option(names = "--direction", defaultValue = "AtoB", description = "AtoB|BtoA, recorded in model.json")
    String direction;

    @Option(names = "--size", defaultValue = "256", description = "the size it was trained at")
    int size;

    /** The reference CycleGAN's checkpoint names: G_A maps A to B, G_B maps B to A. */
    static final String G_A = "latest_net_G_A.pth";
    static final String G_B = "latest_net_G_B.pth";

    @Override
    public Integer call() throws Exception {
        if (java.nio.file.Files.isDirectory(pth)) {
            return cycleGan();
        }
        ModelInfo info = write(pth, out, false, direction);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("model", out.toAbsolutePath().toString());
        res.put("spec", info.spec());
        res.put("task", info.task());
        System.out.println(JsonLine.of(res));
        return 0;
    }

    private int cycleGan() throws Exception {
        for (String name : new String[] {G_A, G_B}) {
            if (!java.nio.file.Files.isRegularFile(pth.resolve(name))) {
                throw new IllegalArgumentException(pth + " has no " + name + ": a CycleGAN checkpoint folder holds "
                        + G_A + " and " + G_B + " (or name one generator's .pth)");
            }
        }
        ModelInfo a = write(pth.resolve(G_A), out.resolve(ModelFolder.A_TO_B), true, ModelFolder.A_TO_B);
        write(pth.resolve(G_B), out.resolve(ModelFolder.B_TO_A), true, ModelFolder.B_TO_A);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("model", out.toAbsolutePath().toString());
        res.put("modelAtoB", out.resolve(ModelFolder.A_TO_B).toAbsolutePath().toString());
        res.put("modelBtoA", out.resolve(ModelFolder.B_TO_A).toAbsolutePath().toString());
        res.put("spec", a.spec());
        System.out.println(JsonLine.of(res));
        return 0;
    }

    private ModelInfo write(Path file, Path dir, boolean unaligned, String dirLabel) throws Exception {
        ReferenceModels.Overrides o = new ReferenceModels.Overrides(netG, norm, noDropout ? Boolean.FALSE : null, null, null);
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu());
                ModelLoader.Loaded loaded = ModelLoader.fromPth(file, o, unaligned ? "translate" : task, size, m)) {
            ModelInfo i = loaded.info();
            ModelInfo info = new ModelInfo(i.format(), i.spec(), i.task(), unaligned ? "unaligned" : i.layout(),
                    i.colorize() ? null : dirLabel, i.size(), i.epochs(), i.iterations(), i.codeVersion(), i.createdAt(),
                    file.toAbsolutePath().toString());
            ModelFolder.write(dir, info, loaded.generator());
            return info;
        }
    }
}
