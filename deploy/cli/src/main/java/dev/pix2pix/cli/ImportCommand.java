package dev.pix2pix.cli;

import dev.pix2pix.infer.ReferenceCheckpoints;
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

    @Override
    public Integer call() throws Exception {
        ReferenceModels.Overrides o = new ReferenceModels.Overrides(netG, norm, noDropout ? Boolean.FALSE : null, null, null);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("model", out.toAbsolutePath().toString());
        if (java.nio.file.Files.isDirectory(pth)) {
            ModelInfo a = ReferenceCheckpoints.importCycleGan(pth, o, size, out);
            res.put("modelAtoB", out.resolve(ModelFolder.A_TO_B).toAbsolutePath().toString());
            res.put("modelBtoA", out.resolve(ModelFolder.B_TO_A).toAbsolutePath().toString());
            res.put("spec", a.spec());
        } else {
            ModelInfo info = ReferenceCheckpoints.importGenerator(pth, o, task, direction, null, size, out);
            res.put("spec", info.spec());
            res.put("task", info.task());
        }
        System.out.println(JsonLine.of(res));
        return 0;
    }
}
