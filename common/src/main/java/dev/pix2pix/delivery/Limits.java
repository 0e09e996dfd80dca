package dev.pix2pix.delivery;

import dev.pix2pix.image.DecodeLimits;
import dev.pix2pix.msg.TrainJob;
import dev.pix2pix.msg.TranslateJob;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker's ceilings: what one job may ask for at most, whatever its options say. A job may lower
 * a limit (e.g. {@code maxPixels}) but never raise it: a job over a ceiling is refused with the
 * violations as its reason, before any of its bytes are read. The schemas carry static bounds
 * as well, so the CLI refuses the absurd before publishing; these are the operator's, per worker
 * (they size the heap). The CLI's engine commands use {@link #DEFAULTS}.
 *
 * @param maxPixels          largest image accepted (width x height, from its header, before decoding)
 * @param maxObjectBytes     largest input object read (from the response's length, before its body)
 * @param maxInputsPerJob    most inputs one translate job may cover
 * @param maxShardSize       most inputs per shard (a shard is redone whole after a crash)
 * @param maxModelBytes      largest model file (.pth or weights) downloaded
 * @param maxTrainSize       largest training crop / load size side
 * @param maxBatch           largest training batch
 * @param maxFilters         largest ngf / ndf
 * @param maxEpochs          most epochs (constant + decay + L1 pre-training) of one training
 */
public record Limits(long maxPixels, long maxObjectBytes, int maxInputsPerJob, int maxShardSize, long maxModelBytes,
                     int maxTrainSize, int maxBatch, int maxFilters, int maxEpochs) {
    public static final Limits DEFAULTS = new Limits(DecodeLimits.DEFAULT_MAX_PIXELS,
            DecodeLimits.DEFAULT_MAX_FILE_BYTES, 1_000_000, 1_000, 2L << 30, 1024, 64,
            256, 10_000);

    public Limits {
        if (maxPixels < 1 || maxObjectBytes < 1 || maxInputsPerJob < 1 || maxShardSize < 1 || maxModelBytes < 1
                || maxTrainSize < 1 || maxBatch < 1 || maxFilters < 1 || maxEpochs < 1) {
            throw new IllegalArgumentException("every limit must be at least 1: " + this);
        }
    }

    /** The same limits with another pixel ceiling (the CLI's --max-pixels: the local user is the operator). */
    public Limits withMaxPixels(long pixels) {
        return new Limits(pixels, maxObjectBytes, maxInputsPerJob, maxShardSize, maxModelBytes, maxTrainSize, maxBatch,
                maxFilters, maxEpochs);
    }

    /** The pixel limit a job gets: its own {@code maxPixels} if lower, else this worker's. */
    public long pixelsFor(TranslateJob.Options o) {
        return o == null || o.maxPixels() == null ? maxPixels : Math.min(o.maxPixels(), maxPixels);
    }

    /** The inputs per shard a job gets: its own, else {@code configured}, never over the ceiling. */
    public int shardSizeFor(TranslateJob.Options o, int configured) {
        int want = o == null || o.shardSize() == null ? configured : o.shardSize();
        return Math.min(want, maxShardSize);
    }

    /** What a translate job asks for beyond these limits; empty = within them. */
    public List<String> violations(TranslateJob job) {
        List<String> out = new ArrayList<>();
        TranslateJob.Options o = job.options();
        if (o != null) {
            over(out, "options.maxPixels", o.maxPixels(), maxPixels, "pixels");
            over(out, "options.shardSize", o.shardSize(), maxShardSize, "inputs per shard");
            over(out, "options.renderSize", o.renderSize() == null ? null : (long) o.renderSize() * o.renderSize(),
                    maxPixels, "pixels (renderSize squared)");
        }
        if (job.inputs() != null) {
            over(out, "inputs", (long) job.inputs().size(), maxInputsPerJob, "inputs per job");
        }
        return out;
    }

    /** What a training job asks for beyond these limits; empty = within them. */
    public List<String> violations(TrainJob job) {
        List<String> out = new ArrayList<>();
        TrainJob.Options o = job.options();
        if (o == null) {
            return out;
        }
        over(out, "options.size", o.size(), maxTrainSize, "pixels per side");
        over(out, "options.loadSize", o.loadSize(), maxTrainSize * 2L, "pixels per side");
        over(out, "options.batch", o.batch(), maxBatch, "images per batch");
        over(out, "options.ngf", o.ngf(), maxFilters, "filters");
        over(out, "options.ndf", o.ndf(), maxFilters, "filters");
        long epochs = value(o.epochs()) + value(o.epochsDecay()) + value(o.pretrainL1Epochs());
        over(out, "options.epochs + epochsDecay + pretrainL1Epochs", epochs == 0 ? null : epochs, maxEpochs,
                "epochs");
        return out;
    }

    /** The violations as one refusal reason. */
    public static String reason(List<String> violations) {
        return "over this worker's limits: " + String.join("; ", violations);
    }

    private static long value(Integer v) {
        return v == null ? 0 : v;
    }

    private static void over(List<String> out, String field, Number asked, long limit, String unit) {
        if (asked != null && asked.longValue() > limit) {
            out.add(field + " " + asked + " exceeds the limit of " + limit + " " + unit);
        }
    }
}
