package dev.pix2pix.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.pix2pix.data.Preprocess;
import dev.pix2pix.data.Preprocessing;
import java.util.Locale;

/**
 * Training options with the paper's defaults (appendix 6.2): Adam lr 2e-4, betas 0.5/0.999,
 * lambda 100, jitter 286 -> 256 with mirroring, epochs at constant lr then linear decay to zero.
 *
 * @param epochs epochs at the initial learning rate (the reference's n_epochs)
 * @param epochsDecay epochs of linear decay to zero (n_epochs_decay)
 * @param pretrainL1Epochs epochs of L1-only generator training before the GAN phase
 * @param batch batch size
 * @param size crop size fed to the networks
 * @param loadSize size images are resized to before the random crop (jitter when &gt; size)
 * @param flip random horizontal mirror
 * @param gan vanilla | lsgan | none
 * @param lambdaL1 weight of the L1 term
 * @param lambdaL2 weight of the L2 term
 * @param r1Gamma R1 gradient penalty weight on real samples (0 = off)
 * @param labelSmoothing one-sided: real targets are 1 - this for the discriminator
 * @param lr initial learning rate
 * @param beta1 Adam beta1
 * @param seed seed for initialisation, data order, jitter and dropout
 * @param checkpointEvery write a checkpoint every this many epochs
 * @param keepCheckpoints number of checkpoints kept on disk
 * @param maxImages use at most this many training pairs (0 = all), a random subset drawn from the seed
 * @param preprocess the reference's --preprocess: resize_and_crop (default) | crop | scale_width |
 *     scale_width_and_crop | none (see {@link Preprocess})
 * @param serialBatches take the pairs in name order every epoch instead of a seeded shuffle
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrainOptions(
        int epochs, int epochsDecay, int pretrainL1Epochs, int batch, int size, int loadSize, boolean flip, String gan,
        double lambdaL1, double lambdaL2, double r1Gamma, double labelSmoothing, double lr, double beta1, long seed,
        int checkpointEvery, int keepCheckpoints, int maxImages, String preprocess, boolean serialBatches) {

    /** Options with the default preprocessing (resize_and_crop) and shuffled batches. */
    public TrainOptions(int epochs, int epochsDecay, int pretrainL1Epochs, int batch, int size, int loadSize, boolean flip,
            String gan, double lambdaL1, double lambdaL2, double r1Gamma, double labelSmoothing, double lr, double beta1,
            long seed, int checkpointEvery, int keepCheckpoints, int maxImages) {
        this(epochs, epochsDecay, pretrainL1Epochs, batch, size, loadSize, flip, gan, lambdaL1, lambdaL2, r1Gamma,
                labelSmoothing, lr, beta1, seed, checkpointEvery, keepCheckpoints, maxImages, null, false);
    }

    public TrainOptions {
        // checkpoints written before the option existed read as the default
        preprocess = Preprocess.parse(preprocess).wire();
        gan = gan == null ? "vanilla" : gan.toLowerCase(Locale.ROOT);
        if (!gan.equals("vanilla") && !gan.equals("lsgan") && !gan.equals("none")) {
            throw new IllegalArgumentException("unknown gan '" + gan + "' (vanilla|lsgan|none)");
        }
        require(epochs >= 0 && epochsDecay >= 0 && pretrainL1Epochs >= 0, "epoch counts must be >= 0");
        require(epochs + epochsDecay + pretrainL1Epochs > 0, "nothing to train: all epoch counts are 0");
        require(batch >= 1, "batch must be >= 1");
        Preprocess mode = Preprocess.parse(preprocess);
        boolean resizeThenCrop = mode == Preprocess.RESIZE_AND_CROP || mode == Preprocess.SCALE_WIDTH_AND_CROP;
        require(size >= 1 && loadSize >= 1 && (loadSize >= size || !resizeThenCrop), "load size must be >= size");
        require(lambdaL1 >= 0 && lambdaL2 >= 0 && r1Gamma >= 0, "loss weights must be >= 0");
        require(labelSmoothing >= 0 && labelSmoothing < 0.5, "label smoothing must be in [0, 0.5)");
        require(lr > 0, "lr must be > 0");
        require(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1)");
        require(checkpointEvery >= 1, "checkpoint-every must be >= 1");
        require(keepCheckpoints >= 1, "keep-checkpoints must be >= 1");
        require(maxImages >= 0, "max-images must be >= 0");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static TrainOptions defaults() {
        return new TrainOptions(100, 100, 0, 1, 256, 286, true, "vanilla", 100, 0, 0, 0, 2e-4, 0.5, 42, 5, 2, 0);
    }

    public int totalEpochs() {
        return pretrainL1Epochs + epochs + epochsDecay;
    }

    /**
     * Learning rate in a 1-based epoch, as the reference trains: constant through pre-training, then its linear
     * rule 1 - max(0, k + epoch_count - n_epochs) / (n_epochs_decay + 1) with the scheduler stepped at the start
     * of every epoch, so GAN epoch e runs at k = e: constant for {@code epochs - 1} epochs, then down by
     * 1/(epochsDecay + 1) per epoch to 0 in the last one (which then only updates batch-norm running statistics).
     * Without decay epochs the rate stays constant (the reference's rule would give the last epoch 0).
     */
    public double learningRate(int epoch) {
        int e = epoch - pretrainL1Epochs;
        if (e <= 0 || epochsDecay == 0) {
            return lr;
        }
        return lr * Math.max(0.0, 1.0 - Math.max(0, e + 1 - epochs) / (double) (epochsDecay + 1));
    }

    public boolean isPretrainEpoch(int epoch) {
        return epoch <= pretrainL1Epochs;
    }

    public TrainOptions withEpochs(int newEpochs, int newDecay) {
        return new TrainOptions(newEpochs, newDecay, pretrainL1Epochs, batch, size, loadSize, flip, gan, lambdaL1,
                lambdaL2, r1Gamma, labelSmoothing, lr, beta1, seed, checkpointEvery, keepCheckpoints, maxImages,
                preprocess, serialBatches);
    }

    /** The preprocessing these options describe, for a network whose sides must be multiples of {@code multiple}. */
    public Preprocessing preprocessing(int multiple) {
        return new Preprocessing(Preprocess.parse(preprocess), loadSize, size, flip, multiple);
    }
}
