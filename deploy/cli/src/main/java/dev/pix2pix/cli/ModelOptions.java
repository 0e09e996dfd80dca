package dev.pix2pix.cli;

import dev.pix2pix.model.ModelSpec;
import picocli.CommandLine.Option;

/** Architecture options shared by every command that builds a model. */
public final class ModelOptions {
    @Option(names = "--netG", defaultValue = "unet_256", description = "unet_256|unet_128|unet_64|encdec_256|encdec_128|encdec_64 (default: ${DEFAULT-VALUE})")
    String netG;

    @Option(names = "--netD", defaultValue = "basic", description = "basic|n_layers|pixel (basic = n_layers with 3) (default: ${DEFAULT-VALUE})")
    String netD;

    @Option(names = "--n-layers-d", defaultValue = "3", description = "layers of the n_layers PatchGAN (default: ${DEFAULT-VALUE})")
    int nLayersD;

    @Option(names = "--ngf", defaultValue = "64", description = "generator filters in the first layer (default: ${DEFAULT-VALUE})")
    int ngf;

    @Option(names = "--ndf", defaultValue = "64", description = "discriminator filters in the first layer (default: ${DEFAULT-VALUE})")
    int ndf;

    @Option(names = "--norm", defaultValue = "batch", description = "batch|instance|none (default: ${DEFAULT-VALUE})")
    String norm;

    @Option(names = "--input-nc", description = "input channels (default: 3; 1 for color)")
    Integer inputNc;

    @Option(names = "--output-nc", description = "output channels (default: 3; 2 for color)")
    Integer outputNc;

    @Option(names = "--no-dropout", description = "no dropout in the generator")
    boolean noDropout;

    @Option(names = "--unconditional-d", description = "the discriminator sees only the output, not the input")
    boolean unconditionalD;

    ModelSpec spec(int defaultIn, int defaultOut) {
        return new ModelSpec(netG, netD, nLayersD, ngf, ndf, norm, inputNc == null ? defaultIn : inputNc,
                outputNc == null ? defaultOut : outputNc, !noDropout, !unconditionalD);
    }

    /** True when any architecture option was given explicitly (checked against a checkpoint on resume). */
    boolean anyExplicit(picocli.CommandLine.ParseResult pr) {
        for (String n : new String[] {"--netG", "--netD", "--n-layers-d", "--ngf", "--ndf", "--norm", "--input-nc",
            "--output-nc", "--no-dropout", "--unconditional-d"}) {
            if (pr.hasMatchedOption(n)) {
                return true;
            }
        }
        return false;
    }
}
