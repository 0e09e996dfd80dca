package dev.pix2pix.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.pix2pix.nn.Norm;
import java.util.Locale;
import java.util.Objects;

/**
 * Architecture of a pix2pix pair, with the reference's option names. Everything needed to rebuild
 * the networks (and to refuse a checkpoint that does not fit).
 *
 * @param netG unet_256 | unet_128 | unet_64 | encdec_256 | encdec_128 | encdec_64 | resnet_9blocks | resnet_6blocks
 * @param netD basic | n_layers | pixel
 * @param nLayersD layers of the n_layers PatchGAN (basic means 3)
 * @param ngf generator filters in the first layer
 * @param ndf discriminator filters in the first layer
 * @param norm batch | instance | none
 * @param inputNc input channels
 * @param outputNc output channels
 * @param dropout dropout in the generator's innermost decoder blocks
 * @param conditionalD the discriminator sees input and output (true) or the output only
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelSpec(
        String netG, String netD, int nLayersD, int ngf, int ndf, String norm, int inputNc, int outputNc,
        boolean dropout, boolean conditionalD) {

    /** Every generator name, as the reference's --netG. */
    public static final String NET_G = "unet_256|unet_128|unet_64|encdec_256|encdec_128|encdec_64|resnet_9blocks|resnet_6blocks";

    public ModelSpec {
        netG = Objects.requireNonNull(netG, "netG").toLowerCase(Locale.ROOT);
        netD = Objects.requireNonNull(netD, "netD").toLowerCase(Locale.ROOT);
        norm = Norm.parse(Objects.requireNonNull(norm, "norm")).name().toLowerCase(Locale.ROOT);
        downs(netG); // validates
        if (!netD.equals("basic") && !netD.equals("n_layers") && !netD.equals("pixel")) {
            throw new IllegalArgumentException("unknown netD '" + netD + "' (basic|n_layers|pixel)");
        }
        if (netD.equals("basic")) {
            nLayersD = 3;
        }
        if (nLayersD < 1 || nLayersD > 8) {
            throw new IllegalArgumentException("n-layers-d must be 1..8, got " + nLayersD);
        }
        if (ngf < 1 || ndf < 1 || inputNc < 1 || outputNc < 1) {
            throw new IllegalArgumentException("ngf, ndf, input-nc and output-nc must be positive");
        }
    }

    /** The paper's default: U-Net 256, 70x70 PatchGAN, batch norm, 3 -> 3 channels. */
    public static ModelSpec defaults() {
        return new ModelSpec("unet_256", "basic", 3, 64, 64, "batch", 3, 3, true, true);
    }

    public Norm normType() {
        return Norm.parse(norm);
    }

    /** Number of stride-2 downsamplings of the generator. */
    public int numDowns() {
        return downs(netG);
    }

    public boolean skips() {
        return netG.startsWith("unet_");
    }

    /** Residual blocks of a ResNet generator (9 or 6), 0 for the U-Net family. */
    public int resnetBlocks() {
        return switch (netG) {
            case "resnet_9blocks" -> 9;
            case "resnet_6blocks" -> 6;
            default -> 0;
        };
    }

    /** Image sides must be multiples of this. */
    public int sizeMultiple() {
        return 1 << numDowns();
    }

    public int discriminatorInputNc() {
        return conditionalD ? inputNc + outputNc : outputNc;
    }

    private static int downs(String netG) {
        switch (netG) {
            case "unet_256":
            case "encdec_256":
                return 8;
            case "unet_128":
            case "encdec_128":
                return 7;
            case "unet_64":
            case "encdec_64":
                return 6;
            case "resnet_9blocks":
            case "resnet_6blocks":
                return 2;
            default:
                throw new IllegalArgumentException(
                        "unknown netG '" + netG + "' (" + NET_G + ")");
        }
    }

    public ModelSpec withChannels(int in, int out) {
        return new ModelSpec(netG, netD, nLayersD, ngf, ndf, norm, in, out, dropout, conditionalD);
    }
}
