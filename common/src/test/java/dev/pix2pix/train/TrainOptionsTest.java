package dev.pix2pix.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TrainOptionsTest {
    private static TrainOptions schedule(int epochs, int decay, int pretrain) {
        return new TrainOptions(epochs, decay, pretrain, 1, 128, 143, true, "vanilla", 100, 0, 0, 0, 1.0, 0.5, 1, 5,
                2, 0);
    }

    /**
     * The reference's LambdaLR is stepped at the start of each epoch (train.py calls update_learning_rate before
     * the epoch's iterations), so epoch e trains at 1 - max(0, e + 1 - n) / (d + 1); with 5 + 5 epochs, as its
     * printed "learning rate a -> b" lines show: 1, 1, 1, 1, 5/6, 4/6, 3/6, 2/6, 1/6, 0.
     */
    @Test
    void followsTheReferenceSchedule() {
        TrainOptions o = schedule(5, 5, 0);
        double[] expected = {1, 1, 1, 1, 5 / 6.0, 4 / 6.0, 3 / 6.0, 2 / 6.0, 1 / 6.0, 0};
        for (int e = 1; e <= 10; e++) {
            assertEquals(expected[e - 1], o.learningRate(e), 1e-12, "epoch " + e);
        }
    }

    @Test
    void preTrainingEpochsRunAtTheInitialRateAndShiftTheSchedule() {
        TrainOptions o = schedule(2, 2, 3);
        double[] expected = {1, 1, 1, 1, 2 / 3.0, 1 / 3.0, 0};
        for (int e = 1; e <= 7; e++) {
            assertEquals(expected[e - 1], o.learningRate(e), 1e-12, "epoch " + e);
        }
    }

    @Test
    void withoutDecayEpochsTheRateStaysConstant() {
        // the reference's rule would train the last epoch at 0; without a decay phase nothing should decay
        TrainOptions o = schedule(3, 0, 0);
        for (int e = 1; e <= 3; e++) {
            assertEquals(1, o.learningRate(e), 1e-12, "epoch " + e);
        }
    }
}
