package dev.pix2pix.cli;

import dev.pix2pix.model.ModelFolder;
import dev.pix2pix.infer.ReferenceCheckpoints;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a model folder's generator as a state dict that the reference PyTorch code loads "
                + "with load_state_dict(strict=True).")
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--model", required = true)
    Path model;

    @Option(names = "--out", required = true, description = "e.g. latest_net_G.pth; for a CycleGAN folder, a folder "
            + "that gets latest_net_G_A.pth and latest_net_G_B.pth")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (ModelFolder.isPair(model)) {
            // the reference CycleGAN's names, in one folder: what its test.py --model cycle_gan loads
            ReferenceCheckpoints.exportCycleGan(model, out);
            System.out.println(JsonLine.of(java.util.Map.of(
                    "pthAtoB", out.resolve(ReferenceCheckpoints.G_A).toAbsolutePath().toString(),
                    "pthBtoA", out.resolve(ReferenceCheckpoints.G_B).toAbsolutePath().toString())));
            return 0;
        }
        ReferenceCheckpoints.exportGenerator(model, out);
        System.out.println(JsonLine.of(java.util.Map.of("pth", out.toAbsolutePath().toString(),
                "spec", ModelFolder.readInfo(model).spec())));
        return 0;
    }
}
