package dev.pix2pix.train;

import dev.pix2pix.data.DataFiles;
import dev.pix2pix.data.Direction;
import dev.pix2pix.data.Layout;
import dev.pix2pix.data.Preprocess;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.msg.TrainJob;
import dev.pix2pix.store.ObjectInfo;
import java.util.List;
import java.util.Locale;

/**
 * Training options, as a {@link TrainJob} or the engine CLI states them, turned into engine
 * settings: the one place their defaults and units are decided. Every null option takes the
 * engine's default ({@link ModelSpec#defaults()}, {@link TrainOptions#defaults()}); the load size
 * defaults to size * 286/256 (the paper's jitter), and the colour layout to 1 -> 2 channels (L -> ab).
 * {@code pix2pix train}, {@code pix2pix submit train} (to refuse before publishing) and worker-train
 * all come here.
 */
public record TrainPlan(ModelSpec spec, TrainOptions options, Layout layout, Direction direction, DataSpec dataSpec,
        CycleGanTrainer.CycleOptions cycle) {

    /** @throws IllegalArgumentException naming the option the engine refuses */
    public static TrainPlan of(TrainJob job) {
        Layout layout = Layout.parse(job.layout() == null ? "aligned" : job.layout().wire());
        if (job.isCycleGan()) {
            if (layout != Layout.UNALIGNED) {
                throw new IllegalArgumentException("model cyclegan trains on layout unaligned (A/ and B/ of unrelated "
                        + "images), not " + job.layout().wire());
            }
            return cycleGan(job.options(), job.cycleGan(), job.dataset());
        }
        Direction direction = job.direction() == null ? Direction.ATOB : Direction.parse(job.direction().wire());
        return of(job.options(), layout, direction, job.dataset());
    }

    public boolean isCycleGan() {
        return cycle != null;
    }

    /**
     * @param dataset where the data is, as recorded in the model folder (an s3:// prefix or a local path)
     * @throws IllegalArgumentException naming the option the engine refuses
     */
    public static TrainPlan of(TrainJob.Options options, Layout layout, Direction direction, String dataset) {
        if (layout == Layout.UNALIGNED) {
            throw new IllegalArgumentException("layout unaligned has no pairs to train pix2pix on: it trains CycleGAN (--model cyclegan)");
        }
        return build(options, layout, direction, dataset);
    }

    private static TrainPlan build(TrainJob.Options options, Layout layout, Direction direction, String dataset) {
        TrainJob.Options o = options == null ? TrainJob.Options.defaults() : options;
        boolean color = layout == Layout.COLOR;
        ModelSpec spec = spec(o, color);
        TrainOptions t = TrainOptions.defaults();
        int size = or(o.size(), t.size());
        int loadSize = o.loadSize() != null ? o.loadSize() : o.size() == null ? t.loadSize() : defaultLoadSize(size);
        Preprocess preprocess = Preprocess.parse(o.preprocess());
        if (preprocess.crops() && size % spec.sizeMultiple() != 0) {
            throw new IllegalArgumentException("size " + size + " must be a multiple of " + spec.sizeMultiple()
                    + " for " + spec.netG());
        }
        TrainOptions train = new TrainOptions(
                or(o.epochs(), t.epochs()), or(o.epochsDecay(), t.epochsDecay()),
                or(o.pretrainL1Epochs(), t.pretrainL1Epochs()), or(o.batch(), t.batch()), size, loadSize,
                o.noFlip() == null ? t.flip() : !o.noFlip(), or(o.gan(), t.gan()),
                or(o.lambdaL1(), t.lambdaL1()), or(o.lambdaL2(), t.lambdaL2()), or(o.r1Gamma(), t.r1Gamma()),
                or(o.labelSmoothing(), t.labelSmoothing()), or(o.lr(), t.lr()), or(o.beta1(), t.beta1()),
                or(o.seed(), t.seed()), or(o.checkpointEvery(), t.checkpointEvery()),
                or(o.keepCheckpoints(), t.keepCheckpoints()), or(o.maxImages(), t.maxImages()), preprocess.wire(),
                Boolean.TRUE.equals(o.serialBatches()));
        train.preprocessing(spec.sizeMultiple()); // refuses a geometry the network cannot take, by name
        DataSpec data = new DataSpec(layout.name().toLowerCase(Locale.ROOT), color ? null : direction.label(), dataset);
        return new TrainPlan(spec, train, layout, direction, data, null);
    }

    /**
     * A CycleGAN run on an unaligned set: the same options and units, with CycleGAN's defaults where they are
     * silent ({@link TrainJob.Options#withCycleGanDefaults()}); G_A maps A to B.
     */
    public static TrainPlan cycleGan(TrainJob.Options options, TrainJob.CycleGan cycleGan, String dataset) {
        TrainJob.Options o = (options == null ? TrainJob.Options.defaults() : options).withCycleGanDefaults();
        if (!o.unconditionalD()) {
            throw new IllegalArgumentException("CycleGAN's discriminators see one image");
        }
        TrainJob.CycleGan c = cycleGan == null ? new TrainJob.CycleGan(null, null, null, null) : cycleGan;
        CycleGanTrainer.CycleOptions d = CycleGanTrainer.CycleOptions.defaults();
        CycleGanTrainer.CycleOptions cycle = new CycleGanTrainer.CycleOptions(or(c.lambdaA(), d.lambdaA()),
                or(c.lambdaB(), d.lambdaB()), or(c.lambdaIdentity(), d.lambdaIdentity()), or(c.poolSize(), d.poolSize()));
        TrainPlan p = build(o, Layout.UNALIGNED, Direction.ATOB, dataset);
        return new TrainPlan(p.spec, p.options, p.layout, p.direction, p.dataSpec, cycle);
    }

    /** The architecture the options ask for (also what {@code pix2pix info} and {@code bench} build). */
    public static ModelSpec spec(TrainJob.Options options, boolean color) {
        TrainJob.Options o = options == null ? TrainJob.Options.defaults() : options;
        ModelSpec d = ModelSpec.defaults();
        return new ModelSpec(
                or(o.netG(), d.netG()), or(o.netD(), d.netD()), or(o.nLayersD(), d.nLayersD()),
                or(o.ngf(), d.ngf()), or(o.ndf(), d.ndf()), or(o.norm(), d.norm()),
                or(o.inputNc(), color ? 1 : d.inputNc()), or(o.outputNc(), color ? 2 : d.outputNc()),
                o.noDropout() == null ? d.dropout() : !o.noDropout(),
                o.unconditionalD() == null ? d.conditionalD() : !o.unconditionalD());
    }

    /** The paper's jitter: resize to 286 for a 256 crop, in proportion for other sizes. */
    public static int defaultLoadSize(int size) {
        return (int) Math.round(size * 286.0 / 256.0);
    }

    public boolean colorize() {
        return layout == Layout.COLOR;
    }

    /**
     * About how many bytes the prepared cache of this dataset takes: 8-bit RGB at the prepared size,
     * one plane per colour photo and two per pair. Modes that keep the native size (crop, none) are
     * guessed at ten times the files' compressed size; the scale_width modes as square.
     */
    public long preparedBytes(List<ObjectInfo> objects) {
        long images = 0;
        long bytes = 0;
        for (ObjectInfo o : objects) {
            if (DataFiles.isData(o.key())) {
                images++;
                bytes += o.size();
            }
        }
        long entries = layout == Layout.FOLDERS ? images / 2 : images;
        long planes = layout == Layout.COLOR || layout == Layout.UNALIGNED ? 1 : 2;
        long load = options.loadSize();
        switch (Preprocess.parse(options.preprocess())) {
            case RESIZE_AND_CROP:
            case SCALE_WIDTH:
            case SCALE_WIDTH_AND_CROP:
                return entries * planes * 3 * load * load;
            default:
                return bytes * 10;
        }
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
