package dev.pix2pix.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.msg.TrainJob;
import dev.pix2pix.msg.TranslateJob;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimitsTest {
    private final Limits limits = new Limits(1_000_000, 1 << 20, 100, 10, 1 << 20, 512, 8, 64, 100);

    private static TranslateJob translate(TranslateJob.Options o, List<String> inputs) {
        return TranslateJob.ofObjects("j", "s3://m/model/", inputs, "s3://o/out/", null, o);
    }

    @Test
    void aJobMayLowerButNotRaiseTheCeilings() {
        TranslateJob.Options lower = new TranslateJob.Options(null, null, null, null, null, 500L, 5, null);
        assertEquals(List.of(), limits.violations(translate(lower, List.of("s3://i/a.png"))));
        assertEquals(500, limits.pixelsFor(lower));
        assertEquals(5, limits.shardSizeFor(lower, 64));
        assertEquals(10, limits.shardSizeFor(null, 64));
        assertEquals(1_000_000, limits.pixelsFor(null));

        TranslateJob.Options higher = new TranslateJob.Options(null, 2000, null, null, null, 2_000_000_000L, 11, null);
        List<String> v = limits.violations(translate(higher, List.of("s3://i/a.png")));
        assertEquals(3, v.size(), v.toString());
        assertTrue(v.get(0).contains("options.maxPixels 2000000000 exceeds the limit of 1000000 pixels"), v.get(0));
        assertTrue(v.get(1).contains("options.shardSize 11"), v.get(1));
        assertTrue(v.get(2).contains("renderSize"), v.get(2));
    }

    @Test
    void tooManyExplicitInputsAreRefused() {
        List<String> inputs = java.util.stream.IntStream.range(0, 101).mapToObj(i -> "s3://i/" + i + ".png").toList();
        assertEquals(1, limits.violations(translate(null, inputs)).size());
    }

    @Test
    void trainingSizesAreBounded() {
        TrainJob.Options o = new TrainJob.Options(null, null, null, 128, 8, null, null, null, 60, 50, 16, 1024, null,
                null, null, null, null, null, null, null, null, null, null, null, null);
        List<String> v = limits.violations(TrainJob.of("t", "s3://d/x/", TrainJob.Layout.COLOR, "s3://m/y/", o));
        assertEquals(4, v.size(), v.toString());
        assertTrue(Limits.reason(v).startsWith("over this worker's limits: options.size 1024 exceeds"), v.toString());
        assertEquals(List.of(), limits.violations(TrainJob.of("t", "s3://d/x/", TrainJob.Layout.COLOR, "s3://m/y/",
                TrainJob.Options.defaults())));
    }
}
