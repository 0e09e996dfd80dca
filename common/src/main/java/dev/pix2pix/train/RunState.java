package dev.pix2pix.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.pix2pix.model.ModelSpec;

/**
 * Where a run stands, saved with every checkpoint so that a resumed run continues at the exact
 * epoch and iteration with the same data order and augmentation (all derived from seed and epoch).
 *
 * @param epoch 1-based epoch in progress (or the next one when iterationInEpoch is 0)
 * @param iterationInEpoch iterations already done in that epoch
 * @param iteration iterations done in the whole run
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunState(ModelSpec spec, TrainOptions options, DataSpec data, int epoch, long iterationInEpoch,
        long iteration, String codeVersion) {}
