package dev.pix2pix.infer;

import dev.pix2pix.delivery.Limits;
import dev.pix2pix.image.DecodeLimits;
import dev.pix2pix.msg.TranslateJob;

/**
 * Translation options, as a {@link TranslateJob} or {@code pix2pix translate} states them, turned into
 * engine settings: the one place their defaults and units are decided (jpegQuality 1..100, the pixel
 * ceiling a job may lower but not raise). {@code pix2pix translate}, worker-infer's intake (to refuse a
 * job before fanning it out) and its shards all come here.
 *
 * @param settings how the generator is run
 * @param output how outputs are named and encoded
 * @param decode what an input may be (pixels, bytes)
 */
public record TranslatePlan(InferenceSettings settings, OutputPolicy output, DecodeLimits decode) {

    /**
     * @param batch images per forward pass (the worker's or the command's, not the job's)
     * @param limits the ceilings of whoever runs it: a worker's configured limits, or the CLI's
     * @throws IllegalArgumentException naming what is refused
     */
    public static TranslatePlan of(TranslateJob.Options options, int batch, Limits limits) {
        TranslateJob.Options o = options == null ? TranslateJob.Options.defaults() : options;
        InferenceSettings d = InferenceSettings.defaults();
        InferenceSettings settings = new InferenceSettings(o.renderSize() == null ? d.renderSize() : o.renderSize(),
                o.evalMode() == null ? d.evalMode() : o.evalMode(), batch, o.seed() == null ? d.seed() : o.seed(),
                Boolean.TRUE.equals(o.fullResolution()));
        OutputPolicy output = OutputPolicy.of(o.outputFormat() == null ? null : o.outputFormat().wire(),
                o.jpegQuality(), Boolean.TRUE.equals(o.sixteenBit()));
        DecodeLimits decode = new DecodeLimits(limits.pixelsFor(o), limits.maxObjectBytes(),
                DecodeLimits.defaults().grayTolerance());
        return new TranslatePlan(settings, output, decode);
    }
}
