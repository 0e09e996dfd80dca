package dev.pix2pix.cli;

import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.msg.TrainJob;
import dev.pix2pix.train.TrainPlan;
import picocli.CommandLine.Option;

/**
 * Architecture options shared by every command that builds a model. Unset options stay null: their
 * defaults are {@link TrainPlan}'s, the same a TrainJob gets.
 */
public final class ModelOptions {
    @Option(names = "--netG", description = ModelSpec.NET_G + " (default: unet_256)")
    String netG;

    @Option(names = "--netD", description = "basic|n_layers|pixel (basic = n_layers with 3) (default: basic)")
    String netD;

    @Option(names = "--n-layers-d", description = "layers of the n_layers PatchGAN (default: 3)")
    Integer nLayersD;

    @Option(names = "--ngf", description = "generator filters in the first layer (default: 64)")
    Integer ngf;

    @Option(names = "--ndf", description = "discriminator filters in the first layer (default: 64)")
    Integer ndf;

    @Option(names = "--norm", description = "batch|instance|none (default: batch)")
    String norm;

    @Option(names = "--input-nc", description = "input channels (default: 3; 1 for color)")
    Integer inputNc;

    @Option(names = "--output-nc", description = "output channels (default: 3; 2 for color)")
    Integer outputNc;

    @Option(names = "--no-dropout", description = "no dropout in the generator")
    Boolean noDropout;

    @Option(names = "--unconditional-d", description = "the discriminator sees only the output, not the input")
    Boolean unconditionalD;

    /** These options as a TrainJob states them (the non-architecture fields unset). */
    TrainJob.Options options() {
        return new TrainJob.Options(netG, netD, nLayersD, ngf, ndf, norm, inputNc, outputNc, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, noDropout,
                unconditionalD, null);
    }

    ModelSpec spec(boolean color) {
        return TrainPlan.spec(options(), color);
    }

    /** True when any architecture option was given explicitly (checked against a checkpoint on resume). */
    boolean anyExplicit() {
        return netG != null || netD != null || nLayersD != null || ngf != null || ndf != null || norm != null
                || inputNc != null || outputNc != null || noDropout != null || unconditionalD != null;
    }
}
