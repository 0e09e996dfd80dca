package dev.pix2pix.cli;

import ai.djl.ndarray.NDManager;
import dev.pix2pix.data.DataFiles;
import dev.pix2pix.data.Direction;
import dev.pix2pix.data.Layout;
import dev.pix2pix.data.PairSet;
import dev.pix2pix.data.Preprocessing;
import dev.pix2pix.infer.Evaluator;
import dev.pix2pix.metrics.MetricsSummary;
import dev.pix2pix.infer.ModelLoader;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.model.Generator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Metrics of a model on a paired test set (definitions of shared/tools/metrics.py), "
                + "with a report of the best and worst images by L1 and their error maps.")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true)
    Path model;

    @Option(names = "--json", description = "accepted for symmetry with train/translate: evaluate always prints JSON")
    boolean json;

    @Option(names = "--data", required = true)
    Path data;

    @Option(names = "--layout", required = true, description = "aligned|folders|color")
    String layout;

    @Option(names = "--direction", description = "AtoB|BtoA (default: the model's); for a CycleGAN folder also the "
            + "generator: AtoB is G_A, BtoA is G_B")
    String direction;

    @Option(names = "--report", description = "report folder (default: MODEL/eval)")
    Path report;

    @Option(names = "--k", defaultValue = "5", description = "best/worst images in the report")
    int k;

    @Option(names = "--eval-mode", description = "classic eval mode instead of test-time mode")
    boolean evalMode;

    @Option(names = "--gray-baseline", description = "colorize models: score the input's gray (zero chroma) instead")
    boolean grayBaseline;

    @Option(names = "--max-images", defaultValue = "0", description = "at most this many pairs, a fixed random subset (0 = all)")
    int maxImages;

    @Option(names = "--device", defaultValue = "auto")
    String device;

    @Override
    public Integer call() throws Exception {
        try (NDManager m = NDManager.newBaseManager(EngineSetup.device(device, true, System.err));
                ModelLoader.Loaded loaded = ModelLoader.load(model,
                        dev.pix2pix.model.ModelFolder.isPair(model) ? direction : null, m)) {
        ModelInfo info = loaded.info();
        Generator g = loaded.generator();
        String dir = direction != null ? direction : info.direction() != null ? info.direction() : "AtoB";
        Path out = report != null ? report : (java.nio.file.Files.isDirectory(model) ? model : model.getParent()).resolve("eval");
        ProgressBar bar = new ProgressBar(System.err);
        {
            PairSet ds = PairSet.builder(DataFiles.folder(data), Layout.parse(layout)).direction(Direction.parse(dir))
                    .channels(g.spec().inputNc(), g.spec().outputNc())
                    .preprocessing(Preprocessing.evaluation(info.size(), g.spec().sizeMultiple())).maxImages(maxImages, 0)
                    .warnings(w -> System.err.println("warning: " + w)).open();
            MetricsSummary s = new Evaluator(g, info, evalMode, grayBaseline).run(ds, out, k,
                    i -> bar.update("evaluate", i, ds.size(), null), m);
            bar.end();
            System.out.println(s.toJson());
            System.err.println("report: " + out.resolve("index.html").toAbsolutePath());
        }
        }
        return 0;
    }
}
