package dev.pix2pix.msg;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Request to train a pix2pix model (topic {@link Topics#TRAIN_JOBS}); schema
 * {@code schemas/train-job.schema.json}.
 *
 * @param schemaVersion "1.x", see {@link SchemaVersion}
 * @param jobId         client-chosen id, also the Kafka key; [A-Za-z0-9._-], max 128
 * @param dataset       s3:// prefix holding the training images
 * @param layout        how pairs are stored under {@code dataset}
 * @param direction     which side is the input; null = AtoB
 * @param output        s3:// prefix the model folder (checkpoints, samples) is written to
 * @param options       engine options; null or any null field = engine default
 * @param model         pix2pix (paired; null = pix2pix) or cyclegan (unpaired, layout unaligned)
 * @param cycleGan      CycleGAN's own weights and pool size; null or any null field = the reference's default
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrainJob(String schemaVersion, String jobId, String dataset, Layout layout, Direction direction,
                       String output, Options options, Model model, CycleGan cycleGan) {

    /** A pix2pix job. */
    public TrainJob(String schemaVersion, String jobId, String dataset, Layout layout, Direction direction,
            String output, Options options) {
        this(schemaVersion, jobId, dataset, layout, direction, output, options, null, null);
    }

    /** The same job training CycleGAN with these options (null = defaults). */
    public TrainJob asCycleGan(CycleGan c) {
        return new TrainJob(schemaVersion, jobId, dataset, Layout.UNALIGNED, direction, output, options, Model.CYCLEGAN, c);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isCycleGan() {
        return model == Model.CYCLEGAN;
    }

    public enum Model {
        PIX2PIX("pix2pix"),
        CYCLEGAN("cyclegan");

        private final String wire;

        Model(String wire) {
            this.wire = wire;
        }

        @JsonValue
        public String wire() {
            return wire;
        }
    }

    /**
     * CycleGAN's own options, the reference's names: cycle-consistency weights (lambda_A, lambda_B), the identity
     * loss as a fraction of them (lambda_identity) and the image pool per discriminator (pool_size).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CycleGan(Double lambdaA, Double lambdaB, Double lambdaIdentity, Integer poolSize) {}

    public static TrainJob of(String jobId, String dataset, Layout layout, String output, Options options) {
        return new TrainJob(SchemaVersion.CURRENT, jobId, dataset, layout, null, output, options);
    }

    public enum Layout {
        /** A and B side by side in one image (the reference's "aligned" datasets). */
        ALIGNED("aligned"),
        /** Matching file names under A/ and B/. */
        FOLDERS("folders"),
        /** Colour images only: input is their L channel, target their ab channels. */
        COLOR("color"),
        /** Unrelated images under A/ and B/, of different counts (CycleGAN). */
        UNALIGNED("unaligned");

        private final String wire;

        Layout(String wire) {
            this.wire = wire;
        }

        @JsonValue
        public String wire() {
            return wire;
        }
    }

    public enum Direction {
        ATOB("AtoB"),
        BTOA("BtoA");

        private final String wire;

        Direction(String wire) {
            this.wire = wire;
        }

        @JsonValue
        public String wire() {
            return wire;
        }
    }

    /**
     * Engine training options, reference names; null = engine default. See the engine's
     * {@code dev.pix2pix.train.TrainOptions} and {@code dev.pix2pix.model.ModelSpec} for meanings.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Options(
            String netG, String netD, Integer nLayersD, Integer ngf, Integer ndf, String norm,
            Integer inputNc, Integer outputNc,
            Integer epochs, Integer epochsDecay, Integer batch, Integer size, Integer loadSize, Boolean noFlip,
            String gan, Double lambdaL1, Double lambdaL2, Double r1Gamma, Double labelSmoothing,
            Double lr, Double beta1, Long seed, Integer checkpointEvery, Integer maxImages,
            Integer pretrainL1Epochs, String preprocess, Boolean serialBatches, Boolean noDropout,
            Boolean unconditionalD, Integer keepCheckpoints) {

        /** Without the architecture switches and checkpoint count (noDropout, unconditionalD, keepCheckpoints). */
        public Options(String netG, String netD, Integer nLayersD, Integer ngf, Integer ndf, String norm,
                Integer inputNc, Integer outputNc, Integer epochs, Integer epochsDecay, Integer batch, Integer size,
                Integer loadSize, Boolean noFlip, String gan, Double lambdaL1, Double lambdaL2, Double r1Gamma,
                Double labelSmoothing, Double lr, Double beta1, Long seed, Integer checkpointEvery, Integer maxImages,
                Integer pretrainL1Epochs, String preprocess, Boolean serialBatches) {
            this(netG, netD, nLayersD, ngf, ndf, norm, inputNc, outputNc, epochs, epochsDecay, batch, size, loadSize,
                    noFlip, gan, lambdaL1, lambdaL2, r1Gamma, labelSmoothing, lr, beta1, seed, checkpointEvery, maxImages,
                    pretrainL1Epochs, preprocess, serialBatches, null, null, null);
        }

        /** Without the data options (preprocess, serialBatches): their defaults. */
        public Options(String netG, String netD, Integer nLayersD, Integer ngf, Integer ndf, String norm,
                Integer inputNc, Integer outputNc, Integer epochs, Integer epochsDecay, Integer batch, Integer size,
                Integer loadSize, Boolean noFlip, String gan, Double lambdaL1, Double lambdaL2, Double r1Gamma,
                Double labelSmoothing, Double lr, Double beta1, Long seed, Integer checkpointEvery, Integer maxImages,
                Integer pretrainL1Epochs) {
            this(netG, netD, nLayersD, ngf, ndf, norm, inputNc, outputNc, epochs, epochsDecay, batch, size, loadSize,
                    noFlip, gan, lambdaL1, lambdaL2, r1Gamma, labelSmoothing, lr, beta1, seed, checkpointEvery, maxImages,
                    pretrainL1Epochs, null, null);
        }

        /** All defaults. */
        public static Options defaults() {
            return new Options(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        }

        /** The same options with the data options set (null = default). */
        /**
         * CycleGAN's defaults where these options are silent: resnet_9blocks, instance norm, no dropout, LSGAN;
         * its discriminators see one image, so unconditionalD is always true.
         */
        public Options withCycleGanDefaults() {
            return new Options(netG == null ? "resnet_9blocks" : netG, netD, nLayersD, ngf, ndf,
                    norm == null ? "instance" : norm, inputNc, outputNc, epochs, epochsDecay, batch, size, loadSize, noFlip,
                    gan == null ? "lsgan" : gan, lambdaL1, lambdaL2, r1Gamma, labelSmoothing, lr, beta1, seed,
                    checkpointEvery, maxImages, pretrainL1Epochs, preprocess, serialBatches,
                    noDropout == null ? Boolean.TRUE : noDropout, Boolean.TRUE, keepCheckpoints);
        }

        public Options withData(String preprocess, Boolean serialBatches) {
            return new Options(netG, netD, nLayersD, ngf, ndf, norm, inputNc, outputNc, epochs, epochsDecay, batch, size,
                    loadSize, noFlip, gan, lambdaL1, lambdaL2, r1Gamma, labelSmoothing, lr, beta1, seed, checkpointEvery,
                    maxImages, pretrainL1Epochs, preprocess, serialBatches, noDropout, unconditionalD, keepCheckpoints);
        }

        /** The same options with the architecture switches and checkpoint count set (null = default). */
        public Options withEngine(Boolean noDropout, Boolean unconditionalD, Integer keepCheckpoints) {
            return new Options(netG, netD, nLayersD, ngf, ndf, norm, inputNc, outputNc, epochs, epochsDecay, batch, size,
                    loadSize, noFlip, gan, lambdaL1, lambdaL2, r1Gamma, labelSmoothing, lr, beta1, seed, checkpointEvery,
                    maxImages, pretrainL1Epochs, preprocess, serialBatches, noDropout, unconditionalD, keepCheckpoints);
        }
    }
}
