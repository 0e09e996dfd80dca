package dev.pix2pix.cli;

import ai.djl.ndarray.NDManager;
import dev.pix2pix.model.ModelFolder;
import dev.pix2pix.model.Generator;
import dev.pix2pix.pth.PthWriter;
import dev.pix2pix.pth.ReferenceModels;
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

    @Option(names = "--out", required = true, description = "e.g. latest_net_G.pth")
    Path out;

    @Override
    public Integer call() throws Exception {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu());
                Generator g = ModelFolder.loadGenerator(model, m)) {
            PthWriter.write(ReferenceModels.toStateDict(g.params()), out);
            System.out.println(JsonLine.of(java.util.Map.of("pth", out.toAbsolutePath().toString(),
                    "spec", g.spec())));
        }
        return 0;
    }
}
