package dev.pix2pix.worker.train;

import dev.pix2pix.data.DataFiles;
import dev.pix2pix.data.Direction;
import dev.pix2pix.data.Layout;
import dev.pix2pix.data.Preprocess;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.msg.TrainJob;
import dev.pix2pix.store.ObjectInfo;
import dev.pix2pix.train.DataSpec;
import dev.pix2pix.train.TrainOptions;
import java.util.List;

/**
 * A {@link TrainJob} translated into the engine's terms. Every null option takes the engine's
 * default ({@link ModelSpec#defaults()}, {@link TrainOptions#defaults()}); the load size defaults
 * to size * 286/256 like the engine CLI, and colour layouts default to 1 -> 2 channels (L -> ab).
 */
public record JobPlan(ModelSpec spec, TrainOptions options, Layout layout, Direction direction, DataSpec dataSpec) {

    /** @throws IllegalArgumentException naming the option the engine refuses */
    public static JobPlan of(TrainJob job) {
        TrainJob.Options o = job.options() == null ? TrainJob.Options.defaults() : job.options();
        Layout layout = Layout.parse(job.layout() == null ? "aligned" : job.layout().wire());
        Direction direction = job.direction() == null ? Direction.ATOB : Direction.parse(job.direction().wire());
        boolean color = layout == Layout.COLOR;

        ModelSpec d = ModelSpec.defaults();
        ModelSpec spec = new ModelSpec(
                or(o.netG(), d.netG()), or(o.netD(), d.netD()), or(o.nLayersD(), d.nLayersD()),
                or(o.ngf(), d.ngf()), or(o.ndf(), d.ndf()), or(o.norm(), d.norm()),
                or(o.inputNc(), color ? 1 : d.inputNc()), or(o.outputNc(), color ? 2 : d.outputNc()),
                d.dropout(), d.conditionalD());

        TrainOptions t = TrainOptions.defaults();
        int size = or(o.size(), t.size());
        int loadSize = o.loadSize() != null ? o.loadSize()
                : o.size() == null ? t.loadSize() : (int) Math.round(size * 286.0 / 256.0);
        Preprocess preprocess = Preprocess.parse(o.preprocess());
        if (preprocess.crops() && size % spec.sizeMultiple() != 0) {
            throw new IllegalArgumentException("size " + size + " must be a multiple of " + spec.sizeMultiple()
                    + " for " + spec.netG());
        }
        TrainOptions options = new TrainOptions(
                or(o.epochs(), t.epochs()), or(o.epochsDecay(), t.epochsDecay()),
                or(o.pretrainL1Epochs(), t.pretrainL1Epochs()), or(o.batch(), t.batch()), size, loadSize,
                o.noFlip() == null ? t.flip() : !o.noFlip(), or(o.gan(), t.gan()),
                or(o.lambdaL1(), t.lambdaL1()), or(o.lambdaL2(), t.lambdaL2()), or(o.r1Gamma(), t.r1Gamma()),
                or(o.labelSmoothing(), t.labelSmoothing()), or(o.lr(), t.lr()), or(o.beta1(), t.beta1()),
                or(o.seed(), t.seed()), or(o.checkpointEvery(), t.checkpointEvery()), t.keepCheckpoints(),
                or(o.maxImages(), t.maxImages()), preprocess.wire(), Boolean.TRUE.equals(o.serialBatches()));
        options.preprocessing(spec.sizeMultiple()); // refuses a geometry the network cannot take, by name
        DataSpec data = new DataSpec(layout.name().toLowerCase(java.util.Locale.ROOT),
                color ? null : direction.label(), job.dataset());
        return new JobPlan(spec, options, layout, direction, data);
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
        long planes = layout == Layout.COLOR ? 1 : 2;
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
