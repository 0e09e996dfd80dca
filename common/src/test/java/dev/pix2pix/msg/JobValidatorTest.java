package dev.pix2pix.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JobValidatorTest {
    private static final JobValidator VALIDATOR = new JobValidator();

    private static final String TRAIN = """
            {"schemaVersion":"1.0","jobId":"facades-1","dataset":"s3://data/facades/train/",
             "layout":"aligned","direction":"BtoA","output":"s3://models/facades-1/",
             "options":{"netG":"unet_256","nLayersD":3,"epochs":2,"epochsDecay":1,"noFlip":true,
                        "lambdaL1":100.0,"lr":0.0002,"seed":7,"pretrainL1Epochs":1}}
            """;

    @Test
    void parsesAValidTrainJob() {
        TrainJob job = VALIDATOR.train(TRAIN).orThrow();
        assertEquals("facades-1", job.jobId());
        assertEquals(TrainJob.Layout.ALIGNED, job.layout());
        assertEquals(TrainJob.Direction.BTOA, job.direction());
        assertEquals(3, job.options().nLayersD());
        assertEquals(Boolean.TRUE, job.options().noFlip());
        assertEquals(1, job.options().pretrainL1Epochs());
        assertNull(job.options().batch());
    }

    @Test
    void missingRequiredFieldIsRejectedNamingIt() {
        Validated<TrainJob> v = VALIDATOR.train(TRAIN.replace("\"jobId\":\"facades-1\",", ""));
        assertFalse(v.ok());
        assertNull(v.value());
        assertEquals(List.of("$: required property 'jobId' not found"), v.violations());
        InvalidMessageException e = assertThrows(InvalidMessageException.class, v::orThrow);
        assertTrue(e.getMessage().contains("jobId"), e.getMessage());
    }

    @Test
    void unknownFieldsOfANewerMinorVersionAreTolerated() {
        String newer = TRAIN.replace("\"schemaVersion\":\"1.0\"", "\"schemaVersion\":\"1.7\",\"priority\":\"high\"")
                .replace("\"seed\":7", "\"seed\":7,\"futureKnob\":{\"a\":1}");
        Validated<TrainJob> v = VALIDATOR.train(newer);
        assertTrue(v.ok(), v.violations().toString());
        assertEquals("1.7", v.value().schemaVersion());
    }

    @Test
    void anotherMajorVersionIsRejected() {
        Validated<TrainJob> v = VALIDATOR.train(TRAIN.replace("\"1.0\"", "\"2.0\""));
        assertFalse(v.ok());
        assertTrue(v.violations().stream().anyMatch(m -> m.contains("schemaVersion")), v.violations().toString());
    }

    @Test
    void badValuesAreRejectedWithTheirPath() {
        Validated<TrainJob> v = VALIDATOR.train(TRAIN.replace("\"aligned\"", "\"sideways\"")
                .replace("\"nLayersD\":3", "\"nLayersD\":0")
                .replace("s3://data/facades/train/", "/local/path"));
        assertFalse(v.ok());
        String all = v.violations().toString();
        assertTrue(all.contains("layout") && all.contains("nLayersD") && all.contains("dataset"), all);
    }

    @Test
    void dataOptionsAreCheckedByTheSchema() {
        TrainJob job = VALIDATOR.train(TRAIN.replace("\"seed\":7", "\"seed\":7,\"preprocess\":\"crop\",\"serialBatches\":true"))
                .orThrow();
        assertEquals("crop", job.options().preprocess());
        assertEquals(Boolean.TRUE, job.options().serialBatches());
        Validated<TrainJob> bad = VALIDATOR.train(TRAIN.replace("\"seed\":7", "\"seed\":7,\"preprocess\":\"resize\""));
        assertFalse(bad.ok());
        assertTrue(bad.violations().toString().contains("preprocess"), bad.violations().toString());
        String base = "{\"schemaVersion\":\"1.0\",\"jobId\":\"t1\",\"model\":\"s3://models/m/\","
                + "\"output\":\"s3://outbox/t1/\",\"input\":\"s3://inbox/p/\",\"options\":%s}";
        assertEquals(Boolean.TRUE, VALIDATOR.translate(base.formatted("{\"fullResolution\":true}")).orThrow()
                .options().fullResolution());
        assertTrue(VALIDATOR.translate(base.formatted("{\"fullResolution\":false,\"renderSize\":512}")).ok());
        Validated<TranslateJob> both = VALIDATOR.translate(base.formatted("{\"fullResolution\":true,\"renderSize\":512}"));
        assertFalse(both.ok(), "a native-size pass has no render size");
    }

    @Test
    void malformedJsonIsAViolationNotAnException() {
        Validated<CancelJob> v = VALIDATOR.cancel("{\"jobId\": ");
        assertFalse(v.ok());
        assertTrue(v.violations().get(0).startsWith("not valid JSON"), v.violations().toString());
        assertFalse(VALIDATOR.cancel("  ").ok());
    }

    @Test
    void translateJobNeedsExactlyOneOfInputAndInputs() {
        String base = "{\"schemaVersion\":\"1.0\",\"jobId\":\"t1\",\"model\":\"s3://models/facades-1/\","
                + "\"output\":\"s3://outbox/t1/\"%s}";
        TranslateJob prefix = VALIDATOR.translate(base.formatted(",\"input\":\"s3://inbox/photos/\",\"mode\":\"colorize\","
                + "\"options\":{\"outputFormat\":\"jpeg\",\"jpegQuality\":90,\"maxPixels\":50000000}")).orThrow();
        assertEquals(TranslateJob.Mode.COLORIZE, prefix.mode());
        assertEquals(TranslateJob.Format.JPEG, prefix.options().outputFormat());
        TranslateJob list = VALIDATOR.translate(base.formatted(",\"inputs\":[\"s3://inbox/a.png\",\"s3://inbox/b.jpg\"]"))
                .orThrow();
        assertEquals(List.of("s3://inbox/a.png", "s3://inbox/b.jpg"), list.inputs());
        assertEquals(TranslateJob.Mode.TRANSLATE, list.modeOrDefault());
        String rule = "$: exactly one of 'input' (an s3:// prefix) and 'inputs' (a list of s3:// object URIs) is required";
        assertEquals(List.of(rule), VALIDATOR.translate(base.formatted("")).violations());
        assertEquals(List.of(rule), VALIDATOR.translate(
                base.formatted(",\"input\":\"s3://inbox/p/\",\"inputs\":[\"s3://inbox/a.png\"]")).violations());
    }

    @Test
    void producedMessagesPassTheirOwnSchemas() {
        TranslateJob job = TranslateJob.ofPrefix("t2", "s3://models/m.pth", "s3://inbox/x/", "s3://outbox/t2/",
                TranslateJob.Mode.TRANSLATE, new TranslateJob.Options(true, 256, TranslateJob.Format.SAME, null,
                        false, 40_000_000L, 50, 1L));
        Shard shard = Shard.of(job, 3, 4, List.of("s3://inbox/x/1.png"));
        assertEquals(shard, VALIDATOR.shard(Json.write(shard)).orThrow());
        assertEquals("t2#3", shard.kafkaKey());
        assertEquals(null, shard.job().input(), "the parent's input list does not travel with every shard");
        assertEquals(job.options(), shard.job().options());
        assertEquals(job, VALIDATOR.translate(Json.write(job)).orThrow());
        CancelJob cancel = CancelJob.of("t2");
        assertEquals(cancel, VALIDATOR.cancel(Json.write(cancel)).orThrow());
        TrainJob train = TrainJob.of("tr", "s3://data/x/", TrainJob.Layout.FOLDERS, "s3://models/tr/", TrainJob.Options.defaults());
        assertEquals(train, VALIDATOR.train(Json.write(train)).orThrow());
    }

    @Test
    void eventsValidateIncludingDivergedLosses() {
        JobEvent e = JobEvent.builder("tr", EventType.EPOCH).epoch(3).seconds(12.5)
                .losses(java.util.Map.of("G_L1", 0.25, "D_fake", Double.NaN)).rate(Double.NaN).build();
        Validated<JobEvent> v = VALIDATOR.event(Json.write(e));
        assertTrue(v.ok(), v.violations().toString());
        assertTrue(v.value().losses().get("D_fake").isNaN());
        assertNull(v.value().rate());
        assertFalse(VALIDATOR.event(Json.write(e).replace("\"epoch\"", "\"type\":\"finished\",\"x\"")).ok());
        assertFalse(VALIDATOR.event(Json.write(e).replace(e.timestamp(), "yesterday")).ok());
    }

    /** The job id of an invalid message, for its failed event: only when it is one the schema would take. */
    @Test
    void jobIdOfAnInvalidMessageOnlyWhenUsable() {
        assertEquals("abc-1", JobValidator.readableJobId("{\"jobId\":\"abc-1\"}").orElseThrow());
        assertTrue(JobValidator.readableJobId("{not json").isEmpty());
        assertTrue(JobValidator.readableJobId("{\"jobId\":\"../x y\"}").isEmpty());
        assertTrue(JobValidator.readableJobId("{\"jobId\":\"has space\"}").isEmpty());
        assertTrue(JobValidator.readableJobId("{\"jobId\":5}").isEmpty());
    }
}
