package dev.pix2pix.pth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.pix2pix.infer.ModelLoader;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.model.PatchDiscriminator;
import dev.pix2pix.model.UnetGenerator;
import dev.pix2pix.nn.Pass;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export to the reference's state-dict format and import back: same architecture, same outputs. */
class ReferenceModelsTest {

    @Test
    void generatorRoundTripsThroughAPthFile(@TempDir Path tmp) throws Exception {
        // ndf is not in a generator's state dict: the default (64) is what an import gets
        ModelSpec spec = new ModelSpec("unet_64", "basic", 3, 8, 64, "batch", 3, 3, true, true);
        try (NDManager m = NDManager.newBaseManager(Device.cpu()); UnetGenerator g = new UnetGenerator(spec, m, 5)) {
            NDArray x = m.randomUniform(-1, 1, new Shape(2, 3, 64, 64));
            try (NDManager step = m.newSubManager()) {
                g.forward(x, Pass.train(step)); // moves the running statistics away from their initial values
            }
            float[] expected;
            try (NDManager step = m.newSubManager()) {
                expected = g.forward(x, Pass.eval(step)).toFloatArray();
            }
            StateDict sd = ReferenceModels.toStateDict(g.params());
            assertEquals("model.model.0.weight", sd.keys().iterator().next());
            assertEquals(DType.INT64, sd.get("model.model.1.model.2.num_batches_tracked").dtype());
            assertEquals(1L, sd.get("model.model.1.model.2.num_batches_tracked").toLongArray()[0]);
            Path pth = tmp.resolve("latest_net_G.pth");
            PthWriter.write(sd, pth);
            try (ModelLoader.Loaded loaded = ModelLoader.load(pth, m)) {
                assertEquals(spec, loaded.info().spec(), "architecture recognised from the shapes");
                assertEquals("translate", loaded.info().task());
                try (NDManager step = m.newSubManager()) {
                    assertArrayEquals(expected, loaded.generator().forward(x, Pass.eval(step)).toFloatArray(), 0f);
                }
            }
        }
    }

    @Test
    void recognisesColorizationInstanceNormAndEncoderDecoder() {
        for (ModelSpec spec : new ModelSpec[] {
            new ModelSpec("unet_128", "basic", 3, 4, 64, "instance", 1, 2, true, true),
            new ModelSpec("encdec_64", "basic", 3, 4, 64, "none", 3, 3, true, true)}) {
            try (NDManager m = NDManager.newBaseManager(Device.cpu()); UnetGenerator g = new UnetGenerator(spec, m, 1)) {
                StateDict sd = ReferenceModels.toStateDict(g.params());
                assertEquals(spec, ReferenceModels.inferGenerator(sd, ReferenceModels.Overrides.none()));
            }
        }
    }

    @Test
    void discriminatorRoundTrips() {
        ModelSpec spec = new ModelSpec("unet_64", "n_layers", 2, 8, 8, "batch", 3, 3, true, true);
        try (NDManager m = NDManager.newBaseManager(Device.cpu()); PatchDiscriminator d = new PatchDiscriminator(spec, m, 3)) {
            StateDict sd = ReferenceModels.toStateDict(d.params());
            ModelSpec inferred = ReferenceModels.inferDiscriminator(sd, spec);
            assertEquals(spec, inferred);
            try (PatchDiscriminator back = ReferenceModels.loadDiscriminator(sd, inferred, m)) {
                assertArrayEquals(d.params().get("model.2.weight").toFloatArray(),
                        back.params().get("model.2.weight").toFloatArray(), 0f);
            }
        }
    }

    @Test
    void refusesMissingExtraAndMisShapedKeysByName() {
        ModelSpec spec = new ModelSpec("unet_64", "basic", 3, 8, 8, "batch", 3, 3, true, true);
        try (NDManager m = NDManager.newBaseManager(Device.cpu()); UnetGenerator g = new UnetGenerator(spec, m, 1)) {
            StateDict sd = ReferenceModels.toStateDict(g.params());
            StateDict missing = new StateDict(sd.asMap());
            missing.remove("model.model.1.model.2.running_var");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ReferenceModels.loadGenerator(missing, spec, m));
            assertTrue(e.getMessage().contains("missing key model.model.1.model.2.running_var"), e.getMessage());
            StateDict extra = new StateDict(sd.asMap()).put("model.model.9.weight", TensorData.ofFloatScalar(1));
            e = assertThrows(IllegalArgumentException.class, () -> ReferenceModels.loadGenerator(extra, spec, m));
            assertTrue(e.getMessage().contains("unexpected key model.model.9.weight"), e.getMessage());
            StateDict wrong = new StateDict(sd.asMap()).put("model.model.3.bias", TensorData.ofFloats(new long[] {4}, new float[4]));
            e = assertThrows(IllegalArgumentException.class, () -> ReferenceModels.loadGenerator(wrong, spec, m));
            assertTrue(e.getMessage().contains("shape mismatch for model.model.3.bias"), e.getMessage());
            StateDict alien = new StateDict().put("fc.weight", TensorData.ofFloats(new long[] {2, 2}, new float[4]));
            e = assertThrows(IllegalArgumentException.class,
                    () -> ReferenceModels.inferGenerator(alien, ReferenceModels.Overrides.none()));
            assertTrue(e.getMessage().contains("no key model.model.0.weight"), e.getMessage());
        }
    }
}
