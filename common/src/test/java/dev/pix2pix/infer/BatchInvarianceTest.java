package dev.pix2pix.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.pix2pix.image.FloatImage;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.model.UnetGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An image's network output is bit for bit the same in any batch the pipeline forms (alone at the end
 * of a job, or among others in any position). A convolution's numerics can depend on the batch size
 * (oneDNN and cuDNN choose algorithms by shape: on this CPU a 2x2 convolution over 8x8 maps of 128
 * channels differs by 1e-4 between 1 and 2 images), so this needs a model wide enough to show it.
 */
class BatchInvarianceTest {

    @Test
    void outputDoesNotDependOnBatchSizeOrPosition() {
        ModelSpec spec = new ModelSpec("unet_64", "basic", 3, 32, 8, "batch", 3, 3, true, true);
        ModelInfo info = new ModelInfo(ModelInfo.FORMAT, spec, "translate", "aligned", "AtoB", 64, 0, 0, "test", "now", "test");
        try (NDManager m = NDManager.newBaseManager(Device.cpu()); UnetGenerator g = new UnetGenerator(spec, m, 5)) {
            Translator t = new Translator(g, info, new InferenceSettings(64, false, 4, 0));
            Random rnd = new Random(3);
            List<Translator.Prepared> items = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                float[] px = new float[3 * 64 * 64];
                for (int j = 0; j < px.length; j++) {
                    px[j] = rnd.nextFloat();
                }
                items.add(t.prepare(new Translator.Item("img" + i, new FloatImage(3, 64, 64, px))));
            }
            float[] alone = t.forward(List.of(items.get(0)), m).get(0);
            float[] first = t.forward(items, m).get(0);
            float[] third = t.forward(List.of(items.get(2), items.get(1), items.get(0)), m).get(2);
            assertArrayEquals(alone, first, 0f, "alone vs first of four");
            assertArrayEquals(alone, third, 0f, "alone vs third of three");
        }
    }
}
