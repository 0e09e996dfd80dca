package dev.pix2pix.cli;

import ai.djl.ndarray.NDManager;
import dev.pix2pix.delivery.Limits;
import dev.pix2pix.image.ImageDecoder;
import dev.pix2pix.image.Provenance;
import dev.pix2pix.infer.ContactSheet;
import dev.pix2pix.infer.FolderIO;
import dev.pix2pix.infer.InferenceSettings;
import dev.pix2pix.infer.ItemResult;
import dev.pix2pix.infer.TranslatePlan;
import dev.pix2pix.msg.TranslateJob;
import dev.pix2pix.infer.TranslatePipeline;
import dev.pix2pix.infer.Translator;
import dev.pix2pix.model.CodeVersion;
import dev.pix2pix.infer.ModelLoader;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.model.Generator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "translate", mixinStandardHelpOptions = true,
        description = "Translate (or colorize) every image under a folder; outputs keep each input's pixel size "
                + "and mirror its sub-folders; a contact sheet goes to OUTPUT/_contact/.")
final class TranslateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model folder, a CycleGAN folder (AtoB/ and BtoA/), "
            + "or a reference generator .pth")
    Path model;

    @Option(names = "--direction", description = "a CycleGAN folder's generator: AtoB (G_A, the default) or BtoA (G_B)")
    String direction;

    @Option(names = "--input", required = true, description = "input folder")
    Path input;

    @Option(names = "--output", required = true, description = "output folder")
    Path output;

    @Option(names = "--mode", description = "translate|colorize (default: what the model was trained for); colorize "
            + "with an RGB model (CycleGAN gray -> colour) keeps each input's own full-resolution lightness")
    String mode;

    // Unset options stay null: TranslatePlan gives them the defaults a TranslateJob gets.
    @Option(names = "--eval-mode", description = "classic eval mode (running statistics, no dropout)")
    Boolean evalMode;

    @Option(names = "--render-size", description = "side the network sees (default: the model's size)")
    Integer renderSize;

    @Option(names = "--full-resolution", description = "run the generator on each whole image at its native size "
            + "(padded to the network's multiple) instead of a square canvas of the model's size: for models trained "
            + "on crops (--preprocess crop)")
    Boolean fullResolution;

    @Option(names = "--batch", description = "images per forward pass (default: 8)")
    Integer batch;

    @Option(names = "--format", description = "png|jpeg|same (default: png)")
    String format;

    @Option(names = "--jpeg-quality", description = "1..100, as in submit translate (default 92)")
    Integer quality;

    @Option(names = "--sixteen-bit", description = "16-bit PNG/TIFF masters for 16-bit inputs")
    Boolean sixteenBit;

    @Option(names = "--max-pixels", description = "refuse images declaring more pixels (default 64000000: "
            + "the workers' ceiling, so what works here works in a job)")
    Long maxPixels;

    @Option(names = "--threads", defaultValue = "0", description = "CPU threads per stage (0 = all cores)")
    int threads;

    @Option(names = "--device", defaultValue = "auto", description = "cpu|gpu|auto")
    String device;

    @Option(names = "--seed", description = "mixed into every image's dropout seed (default: 0)")
    Long seed;

    @Option(names = "--half", description = "run the generator in float16 (for GPUs: tensor cores; a CPU runs it, far slower)")
    boolean half;

    @Option(names = "--json", description = "a final JSON line with counts")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(input)) {
            throw new IllegalArgumentException("input folder " + input + " does not exist");
        }
        TranslatePlan plan = plan(); // bad options are refused before the model is read
        List<String> keys = FolderIO.keys(input);
        Files.createDirectories(output);
        ProgressBar bar = new ProgressBar(System.err);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        try (NDManager m = NDManager.newBaseManager(EngineSetup.device(device, true, System.err));
                ModelLoader.Loaded loaded = ModelLoader.load(model, direction, m)) {
            ModelInfo info = loaded.info();
            Generator g = loaded.generator();
            if (half) {
                g.toHalf();
            }
            String refusal = Translator.modeRefusal(info, mode);
            if (refusal != null) {
                throw new IllegalArgumentException("--" + refusal);
            }
            Translator tr = new Translator(g, info, plan.settings(), "colorize".equals(mode) || info.colorize());
            TranslatePipeline p = new TranslatePipeline(tr, new ImageDecoder(plan.decode()), plan.output(),
                    Provenance.colorized(model.toAbsolutePath().toString(), CodeVersion.get()), threads);
            TranslatePipeline.Sink sink = FolderIO.sink(output);
            ContactSheet sheet = new ContactSheet(sink);
            List<ItemResult> results = p.run(keys, FolderIO.source(input), sink, new TranslatePipeline.Listener() {
                @Override
                public void result(ItemResult r) {
                    sheet.result(r);
                    if (r.status() == ItemResult.Status.FAILED) {
                        failed.incrementAndGet();
                        System.err.println("error: " + r.input() + ": " + r.error());
                    }
                    bar.update("translate", done.incrementAndGet(), keys.size(), null);
                }

                @Override
                public void output(String in, String out, dev.pix2pix.image.FloatImage a, dev.pix2pix.image.FloatImage b) {
                    sheet.output(in, out, a, b);
                }
            }, () -> false, m);
            bar.end();
            sheet.writeIndex("pix2pix " + (info.colorize() ? "colorization" : "translation") + " of " + input.getFileName());
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("event", "done");
            summary.put("inputs", keys.size());
            summary.put("outputs", results.stream().filter(ItemResult::succeeded).count());
            summary.put("failed", failed.get());
            summary.put("contactSheet", output.resolve(ContactSheet.DIR).resolve("index.html").toAbsolutePath().toString());
            System.out.println(json ? JsonLine.of(summary)
                    : summary.get("outputs") + " outputs, " + failed.get() + " failed: " + output.toAbsolutePath());
            return failed.get() == 0 ? 0 : 3;
        }
    }

    /** The flags in a TranslateJob's terms, through the plan the workers use; --max-pixels is this machine's ceiling. */
    TranslatePlan plan() {
        TranslateJob.Options o = new TranslateJob.Options(evalMode, renderSize,
                format == null ? null : TranslateJob.Format.parse(format), quality, sixteenBit, null, null, seed,
                fullResolution);
        return TranslatePlan.of(o, batch == null ? InferenceSettings.defaults().batch() : batch,
                maxPixels == null ? Limits.DEFAULTS : Limits.DEFAULTS.withMaxPixels(maxPixels));
    }
}
