package dev.pix2pix.cli;

import dev.pix2pix.msg.TrainJob;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The engine's training options, shared by {@code pix2pix train} and {@code pix2pix submit train} so
 * both take the same flags with the same help. Unset options stay null: {@link dev.pix2pix.train.TrainPlan}
 * gives them the defaults a TrainJob gets.
 */
final class TrainFlags {
    @Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--epochs", description = "epochs at the initial learning rate (default: 100)")
    Integer epochs;

    @Option(names = "--epochs-decay", description = "epochs of linear decay to zero (default: 100)")
    Integer epochsDecay;

    @Option(names = "--pretrain-l1-epochs", description = "L1-only generator epochs before the GAN phase (default: 0)")
    Integer pretrain;

    @Option(names = "--batch", description = "pairs per step (default: 1)")
    Integer batch;

    @Option(names = "--size", description = "crop size fed to the networks (default: 256)")
    Integer size;

    @Option(names = "--load-size", description = "resize before the random crop (default: size * 286/256)")
    Integer loadSize;

    @Option(names = "--no-flip", description = "no random mirroring")
    Boolean noFlip;

    @Option(names = "--gan", description = "vanilla|lsgan|none (default: vanilla)")
    String gan;

    @Option(names = "--lambda-l1", description = "weight of the L1 term (default: 100)")
    Double lambdaL1;

    @Option(names = "--lambda-l2", description = "weight of the L2 term (default: 0)")
    Double lambdaL2;

    @Option(names = "--r1-gamma", description = "R1 penalty on real samples (default: 0 = off)")
    Double r1;

    @Option(names = "--label-smoothing", description = "one-sided: real target 1 - this (default: 0)")
    Double smoothing;

    @Option(names = "--lr", description = "initial learning rate (default: 0.0002)")
    Double lr;

    @Option(names = "--beta1", description = "Adam beta1 (default: 0.5)")
    Double beta1;

    @Option(names = "--seed", description = "initialisation, data order, jitter and dropout (default: 42)")
    Long seed;

    @Option(names = "--checkpoint-every", description = "epochs between checkpoints (default: 5)")
    Integer checkpointEvery;

    @Option(names = "--keep-checkpoints", description = "checkpoints kept on disk (default: 2)")
    Integer keep;

    @Option(names = "--max-images",
            description = "use at most this many pairs (default: 0 = all), a random subset drawn from --seed")
    Integer maxImages;

    @Option(names = "--preprocess",
            description = "resize_and_crop|crop|scale_width|scale_width_and_crop|none, as the reference (default: resize_and_crop)")
    String preprocess;

    @Option(names = "--serial-batches", description = "take the pairs in name order every epoch (no shuffle)")
    Boolean serialBatches;

    @Option(names = "--model", defaultValue = "pix2pix", description = "pix2pix (paired) or cyclegan (unpaired, "
            + "--layout unaligned; its defaults: resnet_9blocks, instance norm, no dropout, lsgan) (default: ${DEFAULT-VALUE})")
    String kind;

    @Option(names = "--lambda-a", description = "cyclegan: weight of the A -> B -> A cycle L1 (default: 10)")
    Double lambdaA;

    @Option(names = "--lambda-b", description = "cyclegan: weight of the B -> A -> B cycle L1 (default: 10)")
    Double lambdaB;

    @Option(names = "--lambda-identity", description = "cyclegan: identity loss, times lambda (default: 0.5)")
    Double lambdaIdentity;

    @Option(names = "--pool-size", description = "cyclegan: generated images kept per discriminator (default: 50)")
    Integer poolSize;

    /** The model kind the flags ask for; the CycleGAN options only with {@code --model cyclegan}. */
    TrainJob.Model kind() {
        switch (kind.toLowerCase(java.util.Locale.ROOT)) {
            case "pix2pix":
                if (lambdaA != null || lambdaB != null || lambdaIdentity != null || poolSize != null) {
                    throw new IllegalArgumentException("--lambda-a, --lambda-b, --lambda-identity and --pool-size are "
                            + "CycleGAN options: add --model cyclegan");
                }
                return TrainJob.Model.PIX2PIX;
            case "cyclegan":
                return TrainJob.Model.CYCLEGAN;
            default:
                throw new IllegalArgumentException("unknown --model '" + kind + "' (pix2pix|cyclegan)");
        }
    }

    /** The CycleGAN flags in a TrainJob's terms (unset = null), or null when none is set. */
    TrainJob.CycleGan cycleGan() {
        return lambdaA == null && lambdaB == null && lambdaIdentity == null && poolSize == null ? null
                : new TrainJob.CycleGan(lambdaA, lambdaB, lambdaIdentity, poolSize);
    }

    /** These flags in a TrainJob's terms (unset = null). */
    TrainJob.Options options() {
        TrainJob.Options m = model.options();
        return new TrainJob.Options(m.netG(), m.netD(), m.nLayersD(), m.ngf(), m.ndf(), m.norm(), m.inputNc(),
                m.outputNc(), epochs, epochsDecay, batch, size, loadSize, noFlip, gan, lambdaL1, lambdaL2, r1, smoothing,
                lr, beta1, seed, checkpointEvery, maxImages, pretrain, preprocess, serialBatches, m.noDropout(),
                m.unconditionalD(), keep);
    }
}
