package dev.pix2pix.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.data.Direction;
import dev.pix2pix.data.Layout;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.msg.SchemaVersion;
import dev.pix2pix.msg.TrainJob;
import org.junit.jupiter.api.Test;

class TrainPlanTest {
    private static TrainJob job(TrainJob.Layout layout, TrainJob.Direction dir, TrainJob.Options o) {
        return new TrainJob(SchemaVersion.CURRENT, "j", "s3://b/data/", layout, dir, "s3://b/out/", o);
    }

    @Test
    void nullOptionsAreTheEngineDefaults() {
        TrainPlan p = TrainPlan.of(job(TrainJob.Layout.ALIGNED, null, null));
        assertEquals(ModelSpec.defaults(), p.spec());
        assertEquals(TrainOptions.defaults(), p.options());
        assertEquals(Layout.ALIGNED, p.layout());
        assertEquals(Direction.ATOB, p.direction());
        assertEquals("AtoB", p.dataSpec().direction());
    }

    @Test
    void givenOptionsOverrideAndLoadSizeFollowsSize() {
        TrainJob.Options o = new TrainJob.Options("unet_64", "n_layers", 2, 8, 16, "instance", null, null, 3, 1, 2, 64,
                null, true, "lsgan", 50.0, null, null, null, 1e-3, null, 9L, 2, 10, 1);
        TrainPlan p = TrainPlan.of(job(TrainJob.Layout.FOLDERS, TrainJob.Direction.BTOA, o));
        assertEquals(new ModelSpec("unet_64", "n_layers", 2, 8, 16, "instance", 3, 3, true, true), p.spec());
        TrainOptions t = p.options();
        assertEquals(3, t.epochs());
        assertEquals(1, t.epochsDecay());
        assertEquals(1, t.pretrainL1Epochs());
        assertEquals(2, t.batch());
        assertEquals(64, t.size());
        assertEquals(72, t.loadSize(), "64 * 286/256");
        assertFalse(t.flip());
        assertEquals("lsgan", t.gan());
        assertEquals(50.0, t.lambdaL1());
        assertEquals(1e-3, t.lr());
        assertEquals(9L, t.seed());
        assertEquals(2, t.checkpointEvery());
        assertEquals(10, t.maxImages());
        assertEquals(Direction.BTOA, p.direction());
    }

    @Test
    void colourLayoutMapsLightnessToChroma() {
        TrainPlan p = TrainPlan.of(job(TrainJob.Layout.COLOR, null, null));
        assertEquals(1, p.spec().inputNc());
        assertEquals(2, p.spec().outputNc());
        assertTrue(p.colorize());
        assertNull(p.dataSpec().direction());
    }

    @Test
    void sizesTheGeneratorCannotTakeAreRefused() {
        TrainJob.Options o = new TrainJob.Options("unet_64", null, null, null, null, null, null, null, null, null, null,
                100, null, null, null, null, null, null, null, null, null, null, null, null, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainPlan.of(job(TrainJob.Layout.ALIGNED, null, o)));
        assertTrue(e.getMessage().contains("multiple of 64"), e.getMessage());
    }

    @Test
    void dataOptionsMapToTheEngineAndTheirGeometryIsChecked() {
        TrainJob.Options o = TrainJob.Options.defaults().withData("crop", true);
        TrainPlan p = TrainPlan.of(job(TrainJob.Layout.ALIGNED, null, o));
        assertEquals("crop", p.options().preprocess());
        assertTrue(p.options().serialBatches());
        assertEquals(TrainOptions.defaults().preprocess(), TrainPlan.of(job(TrainJob.Layout.ALIGNED, null, null)).options().preprocess());
        // scale_width feeds the whole resized image: its width (the load size) must suit the generator
        TrainJob.Options sw = new TrainJob.Options("unet_64", null, null, null, null, null, null, null, null, null, null,
                64, 100, null, null, null, null, null, null, null, null, null, null, null, null).withData("scale_width", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainPlan.of(job(TrainJob.Layout.ALIGNED, null, sw)));
        assertTrue(e.getMessage().contains("multiple of 64"), e.getMessage());
        // none takes the native size: the crop size does not matter
        TrainJob.Options none = new TrainJob.Options("unet_64", null, null, null, null, null, null, null, null, null, null,
                100, null, null, null, null, null, null, null, null, null, null, null, null, null).withData("none", null);
        assertEquals("none", TrainPlan.of(job(TrainJob.Layout.ALIGNED, null, none)).options().preprocess());
    }

    @Test
    void thePreparedCacheIsEstimatedFromTheListing() {
        java.util.List<dev.pix2pix.store.ObjectInfo> objects = java.util.List.of(
                new dev.pix2pix.store.ObjectInfo("b", "data/1.jpg", 50_000, "e1"),
                new dev.pix2pix.store.ObjectInfo("b", "data/2.jpg", 50_000, "e2"),
                new dev.pix2pix.store.ObjectInfo("b", "data/README.txt", 10, "e3"));
        assertEquals(2L * 2 * 3 * 286 * 286, TrainPlan.of(job(TrainJob.Layout.ALIGNED, null, null)).preparedBytes(objects),
                "two pairs of 286 x 286 RGB halves");
        assertEquals(2L * 3 * 286 * 286, TrainPlan.of(job(TrainJob.Layout.COLOR, null, null)).preparedBytes(objects));
        TrainJob.Options crop = TrainJob.Options.defaults().withData("crop", null);
        assertEquals(10L * 100_000, TrainPlan.of(job(TrainJob.Layout.ALIGNED, null, crop)).preparedBytes(objects));
    }

    @Test
    void architectureSwitchesAndCheckpointCountAreJobOptionsToo() {
        TrainJob.Options o = TrainJob.Options.defaults().withEngine(true, true, 5);
        TrainPlan p = TrainPlan.of(job(TrainJob.Layout.ALIGNED, null, o));
        assertFalse(p.spec().dropout());
        assertFalse(p.spec().conditionalD());
        assertEquals(5, p.options().keepCheckpoints());
        assertEquals(p.spec(), TrainPlan.spec(o, false), "info and bench build what training builds");
    }

    @Test
    void theEngineCliAndAJobGetTheSamePlanFromTheSameOptions() {
        TrainJob.Options o = new TrainJob.Options("unet_128", null, null, 32, null, null, null, null, 4, 2, null, 128,
                null, null, null, null, null, null, null, null, null, 7L, null, null, null);
        TrainPlan fromJob = TrainPlan.of(job(TrainJob.Layout.ALIGNED, TrainJob.Direction.BTOA, o));
        TrainPlan fromCli = TrainPlan.of(o, Layout.ALIGNED, Direction.BTOA, "s3://b/data/");
        assertEquals(fromJob, fromCli);
        assertEquals(143, fromCli.options().loadSize(), "128 * 286/256, rounded");
    }

    @Test
    void cycleGanFillsItsOwnDefaultsAndPix2pixRefusesUnalignedData() {
        TrainPlan p = TrainPlan.cycleGan(null, null, "/data");
        assertEquals("resnet_9blocks", p.spec().netG());
        assertEquals("instance", p.spec().norm());
        assertTrue(!p.spec().dropout() && !p.spec().conditionalD());
        assertEquals("lsgan", p.options().gan());
        assertEquals(100, p.options().epochs());
        assertEquals(100, p.options().epochsDecay());
        assertEquals(286, p.options().loadSize());
        assertEquals("unaligned", p.dataSpec().layout());
        TrainJob.Options o = TrainJob.Options.defaults().withEngine(false, null, null);
        assertTrue(TrainPlan.cycleGan(o, null, "/data").spec().dropout(), "an explicit dropout stays");
        assertEquals(new CycleGanTrainer.CycleOptions(10, 10, 0.5, 50), p.cycle());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrainPlan.of(null, dev.pix2pix.data.Layout.UNALIGNED, dev.pix2pix.data.Direction.ATOB, "/d"));
        assertTrue(e.getMessage().contains("cyclegan"), e.getMessage());
    }

    @Test
    void aCycleGanJobBecomesACycleGanPlan() {
        TrainJob pix = new TrainJob(SchemaVersion.CURRENT, "j", "s3://bucket/data/", TrainJob.Layout.UNALIGNED, null,
                "s3://bucket/out/", null);
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TrainPlan.of(pix))
                .getMessage().contains("cyclegan"));
        TrainJob cg = pix.asCycleGan(new TrainJob.CycleGan(5.0, null, 0.0, 10));
        TrainPlan p = TrainPlan.of(cg);
        assertTrue(p.isCycleGan());
        assertEquals(new CycleGanTrainer.CycleOptions(5, 10, 0, 10), p.cycle());
        assertEquals("resnet_9blocks", p.spec().netG());
        assertTrue(!TrainPlan.of(job(TrainJob.Layout.ALIGNED, null, null)).isCycleGan());
        TrainJob wrongLayout = new TrainJob(cg.schemaVersion(), "j", cg.dataset(), TrainJob.Layout.ALIGNED, null,
                cg.output(), null, TrainJob.Model.CYCLEGAN, null);
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrainPlan.of(wrongLayout)).getMessage().contains("unaligned"));
        // what the schema says about the new fields
        dev.pix2pix.msg.JobValidator v = new dev.pix2pix.msg.JobValidator();
        assertTrue(v.train(dev.pix2pix.msg.Json.write(cg)).ok(), v.train(dev.pix2pix.msg.Json.write(cg)).violations().toString());
        assertEquals(TrainJob.Model.CYCLEGAN, v.train(dev.pix2pix.msg.Json.write(cg)).value().model());
        assertTrue(!v.train(dev.pix2pix.msg.Json.write(cg).replace("\"cyclegan\"", "\"stargan\"")).ok());
        assertTrue(!v.train(dev.pix2pix.msg.Json.write(cg).replace("\"poolSize\":10", "\"poolSize\":-1")).ok());
    }
}
