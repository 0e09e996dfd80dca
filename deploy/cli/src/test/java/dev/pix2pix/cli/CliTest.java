package dev.pix2pix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pix2pix.testing.TestData;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine commands end to end, in process: train, translate, evaluate, info and their errors. */
class CliTest {
    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void infoPrintsTheReferenceCounts() throws Exception {
        CliRun r = run("info");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.jsonLines().get(0);
        assertEquals(54_413_955L, j.get("paramsG").asLong());
        assertEquals(2_768_705L, j.get("paramsD").asLong());
        assertEquals(70, j.get("receptiveField").asInt());
        assertEquals(286, run("info", "--netD", "n_layers", "--n-layers-d", "5").jsonLines().get(0).get("receptiveField").asInt());
        assertEquals(1, run("info", "--netD", "pixel").jsonLines().get(0).get("receptiveField").asInt());
    }

    @Test
    void jsonIsAcceptedEverywhereAndJpegQualityHasOneUnit(@TempDir Path tmp) throws Exception {
        CliRun r = run("info", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(54_413_955L, r.jsonLines().get(0).get("paramsG").asLong());
        assertTrue(run("evaluate", "--help").out().contains("--json"));
        assertTrue(run("translate", "--help").out().contains("1..100"));
        assertTrue(run("bench", "--help").out().contains("timed iterations (default 50)"));
        // 0..1 was translate's old unit: now refused as submit refuses it
        r = run("translate", "--model", tmp.toString(), "--input", tmp.toString(), "--output", tmp.resolve("o").toString(),
                "--jpeg-quality", "0.9");
        assertEquals(2, r.code(), r.err());
    }

    @Test
    void badArgumentsGiveClearErrors(@TempDir Path tmp) {
        CliRun r = run("info", "--norm", "group");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown norm 'group'"), r.err());
        r = run("train", "--data", tmp.resolve("nope").toString(), "--layout", "aligned", "--out", tmp.resolve("m").toString());
        assertTrue(r.code() != 0);
        assertTrue(r.err().contains("does not exist"), r.err());
        r = run("train", "--data", tmp.toString(), "--layout", "sideways", "--out", tmp.resolve("m").toString());
        assertTrue(r.err().contains("unknown layout"), r.err());
        r = run("translate", "--model", tmp.toString(), "--input", tmp.toString(), "--output", tmp.resolve("o").toString());
        assertTrue(r.err().contains("not a model folder"), r.err());
    }

    /** train --model cyclegan on unaligned folders: one line per epoch with the reference's loss names, two models. */
    @Test
    void cycleGanTrainsUnpairedFoldersIntoTwoModels(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("A"));
        Files.createDirectories(data.resolve("B"));
        for (int i = 1; i <= 3; i++) {
            ImageIO.write(dev.pix2pix.data.Scenes.gray(dev.pix2pix.data.Scenes.scene(i, 40, 40)), "png",
                    data.resolve("A/" + i + ".png").toFile());
        }
        for (int i = 11; i <= 15; i++) {
            ImageIO.write(dev.pix2pix.data.Scenes.scene(i, 40, 40), "jpg", data.resolve("B/" + i + ".jpg").toFile());
        }
        Path out = tmp.resolve("cg");
        CliRun r = run("train", "--model", "cyclegan", "--layout", "unaligned", "--data", data.toString(), "--out",
                out.toString(), "--netG", "resnet_6blocks", "--ngf", "8", "--ndf", "8", "--size", "32", "--load-size", "36",
                "--epochs", "1", "--epochs-decay", "1", "--device", "cpu", "--json", "--no-cache");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> lines = r.jsonLines();
        assertEquals(3, lines.size(), r.out());
        for (String k : List.of("D_A", "G_A", "cycle_A", "idt_A", "D_B", "G_B", "cycle_B", "idt_B")) {
            assertTrue(lines.get(0).get(k).asDouble() > 0, k + " in " + lines.get(0));
        }
        assertEquals("done", lines.get(2).get("event").asText());
        CliRun more = run("train", "--model", "cyclegan", "--layout", "unaligned", "--data", data.toString(), "--out",
                out.toString(), "--epochs", "2", "--epochs-decay", "1", "--device", "cpu", "--json", "--no-cache", "--resume");
        assertEquals(0, more.code(), more.err());
        assertEquals(2, more.jsonLines().size(), "one more epoch after the checkpoint's two: " + more.out());
        assertEquals(3, more.jsonLines().get(0).get("epoch").asInt());
        CliRun t = run("translate", "--model", out.resolve("AtoB").toString(), "--input", data.resolve("A").toString(),
                "--output", tmp.resolve("t").toString(), "--device", "cpu");
        assertEquals(0, t.code(), t.err());
        assertEquals(40, ImageIO.read(tmp.resolve("t/1.png").toFile()).getWidth());

        // the folder holds both generators: --direction picks one, the same as naming its subfolder
        CliRun viaDirection = run("translate", "--model", out.toString(), "--direction", "BtoA", "--input",
                data.resolve("B").toString(), "--output", tmp.resolve("tb").toString(), "--device", "cpu");
        assertEquals(0, viaDirection.code(), viaDirection.err());
        CliRun viaFolder = run("translate", "--model", out.resolve("BtoA").toString(), "--input",
                data.resolve("B").toString(), "--output", tmp.resolve("tb2").toString(), "--device", "cpu");
        assertEquals(0, viaFolder.code(), viaFolder.err());
        // pixels, not bytes: each PNG records the model path it came from
        assertTrue(samePixels(tmp.resolve("tb/11.png"), tmp.resolve("tb2/11.png")), "the same generator");
        CliRun oneGenerator = run("translate", "--model", out.resolve("AtoB").toString(), "--direction", "BtoA",
                "--input", data.resolve("A").toString(), "--output", tmp.resolve("tx").toString(), "--device", "cpu");
        assertTrue(oneGenerator.code() != 0 && oneGenerator.err().contains("CycleGAN folder"), oneGenerator.err());

        // export as the reference's latest_net_G_A.pth / latest_net_G_B.pth, import back: the same translations
        Path ref = tmp.resolve("reference-checkpoints");
        CliRun ex = run("export", "--model", out.toString(), "--out", ref.toString());
        assertEquals(0, ex.code(), ex.err());
        assertTrue(Files.isRegularFile(ref.resolve("latest_net_G_A.pth")) && Files.isRegularFile(ref.resolve("latest_net_G_B.pth")));
        Path back = tmp.resolve("imported-cg");
        CliRun im = run("import", "--pth", ref.toString(), "--out", back.toString(), "--size", "32");
        assertEquals(0, im.code(), im.err());
        assertTrue(dev.pix2pix.model.ModelFolder.isPair(back));
        assertEquals("resnet_6blocks", dev.pix2pix.model.ModelFolder.readInfo(back.resolve("BtoA")).spec().netG());
        assertEquals("BtoA", dev.pix2pix.model.ModelFolder.readInfo(back.resolve("BtoA")).direction());
        CliRun again = run("translate", "--model", back.toString(), "--direction", "BtoA", "--input",
                data.resolve("B").toString(), "--output", tmp.resolve("tb3").toString(), "--device", "cpu");
        assertEquals(0, again.code(), again.err());
        assertTrue(samePixels(tmp.resolve("tb/11.png"), tmp.resolve("tb3/11.png")), "the same weights");
        CliRun half = run("import", "--pth", data.toString(), "--out", tmp.resolve("z").toString());
        assertTrue(half.code() != 0 && half.err().contains("latest_net_G_A.pth"), half.err());

        assertEquals(2, run("train", "--layout", "unaligned", "--data", data.toString(), "--out", tmp.resolve("x").toString())
                .code(), "pix2pix has no pairs in an unaligned set");
        CliRun cycleFlag = run("train", "--layout", "aligned", "--pool-size", "3", "--data", data.toString(), "--out",
                tmp.resolve("w").toString());
        assertTrue(cycleFlag.code() != 0 && cycleFlag.err().contains("--model cyclegan"), cycleFlag.err());
        CliRun wrong = run("train", "--model", "cyclegan", "--layout", "aligned", "--data", data.toString(), "--out",
                tmp.resolve("y").toString());
        assertTrue(wrong.code() != 0 && wrong.err().contains("unaligned"), wrong.err());
    }

    /** submit train --model cyclegan builds the TrainJob the schema and the plan accept, CycleGAN options included. */
    @Test
    void submitTrainBuildsACycleGanJob() throws Exception {
        SubmitCommand.Train t = new SubmitCommand.Train();
        new picocli.CommandLine(t).parseArgs("--dataset", "s3://bucket/data/", "--layout", "unaligned", "--output",
                "s3://bucket/out/", "--model", "cyclegan", "--pool-size", "20", "--lambda-a", "5", "--job-id", "cg-1",
                "--netG", "resnet_6blocks");
        String json = t.toJson();
        dev.pix2pix.msg.Validated<dev.pix2pix.msg.TrainJob> v = new dev.pix2pix.msg.JobValidator().train(json);
        assertTrue(v.ok(), json + " " + v.violations());
        dev.pix2pix.train.TrainPlan plan = dev.pix2pix.train.TrainPlan.of(v.value());
        assertTrue(plan.isCycleGan(), json);
        assertEquals(new dev.pix2pix.train.CycleGanTrainer.CycleOptions(5, 10, 0.5, 20), plan.cycle());
        assertEquals("resnet_6blocks", plan.spec().netG());
        SubmitCommand.Translate tr = new SubmitCommand.Translate();
        new picocli.CommandLine(tr).parseArgs("--model", "s3://bucket/out/", "--direction", "BtoA", "--input",
                "s3://bucket/in/", "--output", "s3://bucket/res/", "--job-id", "tr-1");
        dev.pix2pix.msg.Validated<dev.pix2pix.msg.TranslateJob> tv = new dev.pix2pix.msg.JobValidator().translate(tr.toJson());
        assertTrue(tv.ok(), tr.toJson() + " " + tv.violations());
        assertEquals(dev.pix2pix.msg.TrainJob.Direction.BTOA, tv.value().direction());
    }

    private static boolean samePixels(Path a, Path b) throws java.io.IOException {
        java.awt.image.BufferedImage x = ImageIO.read(a.toFile());
        java.awt.image.BufferedImage y = ImageIO.read(b.toFile());
        return x.getWidth() == y.getWidth() && x.getHeight() == y.getHeight() && java.util.Arrays.equals(
                x.getRGB(0, 0, x.getWidth(), x.getHeight(), null, 0, x.getWidth()),
                y.getRGB(0, 0, y.getWidth(), y.getHeight(), null, 0, y.getWidth()));
    }

    @Test
    void trainTranslateEvaluateAndResume(@TempDir Path tmp) throws Exception {
        Path data = TestData.scenePairs(3, 64, tmp.resolve("data"));
        Files.write(data.resolve("zz_broken.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
        Path model = tmp.resolve("model");
        String[] common = {"train", "--data", data.toString(), "--layout", "aligned", "--direction", "BtoA", "--out",
            model.toString(), "--netG", "unet_64", "--ngf", "8", "--ndf", "8", "--size", "64", "--load-size", "72",
            "--device", "cpu", "--json", "--cache-dir", tmp.resolve("prepared").toString()};
        CliRun r = run(concat(common, "--epochs", "1", "--epochs-decay", "1", "--checkpoint-every", "1"));
        assertEquals(0, r.code(), r.err());
        List<JsonNode> lines = r.jsonLines();
        assertEquals(3, lines.size(), r.out());
        assertEquals("epoch", lines.get(0).get("event").asText());
        assertEquals(1, lines.get(0).get("epoch").asInt());
        for (String k : List.of("G_GAN", "G_L1", "D_real", "D_fake", "seconds")) {
            assertTrue(lines.get(0).has(k), k);
        }
        assertEquals("done", lines.get(2).get("event").asText());
        assertEquals(1, lines.get(2).get("skipped").asInt(), "the broken file is skipped");
        assertTrue(r.err().contains("zz_broken.jpg"), "and named: " + r.err());

        // a second train into the same folder without --resume is refused; with it, the run is extended
        CliRun again = run(concat(common, "--epochs", "1", "--epochs-decay", "1"));
        assertTrue(again.err().contains("--resume"), again.err());
        CliRun resumed = run(concat(common, "--resume", "--epochs", "2"));
        assertEquals(0, resumed.code(), resumed.err());
        List<JsonNode> more = resumed.jsonLines();
        assertEquals(3, more.get(0).get("epoch").asInt(), "continues after the 2 epochs already done");
        CliRun wrongArch = run(concat(common, "--resume", "--norm", "instance"));
        assertEquals(2, wrongArch.code());
        assertTrue(wrongArch.err().contains("architecture differs"), wrongArch.err());

        // translate: sizes preserved, sub-folders mirrored, the corrupt file reported by name
        Path in = tmp.resolve("in");
        Files.createDirectories(in.resolve("box1"));
        BufferedImage odd = new BufferedImage(123, 77, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(odd, "jpg", in.resolve("box1/scan7.jpg").toFile());
        Files.copy(data.resolve(Files.list(data).filter(p -> p.toString().endsWith(".jpg") && !p.toString().contains("zz"))
                .sorted().findFirst().orElseThrow().getFileName()), in.resolve("pair.jpg"));
        Files.write(in.resolve("bad.png"), new byte[] {1, 2, 3});
        Path out = tmp.resolve("out");
        CliRun t = run("translate", "--model", model.toString(), "--input", in.toString(), "--output", out.toString(),
                "--device", "cpu", "--json");
        assertEquals(3, t.code(), "non-zero when an input failed: " + t.err());
        assertTrue(t.err().contains("bad.png"), t.err());
        BufferedImage o = ImageIO.read(out.resolve("box1/scan7.png").toFile());
        assertEquals(123, o.getWidth());
        assertEquals(77, o.getHeight());
        BufferedImage f = ImageIO.read(out.resolve("pair.png").toFile());
        assertEquals(128, f.getWidth(), "a whole pair image in, its size out");
        assertTrue(Files.exists(out.resolve("_contact/index.html")));
        JsonNode summary = t.jsonLines().get(0);
        assertEquals(2, summary.get("outputs").asInt());
        assertEquals(1, summary.get("failed").asInt());

        // evaluate: one JSON line with metrics.py's keys and a report
        CliRun e = run("evaluate", "--model", model.toString(), "--data", data.toString(), "--layout", "aligned",
                "--device", "cpu", "--k", "1");
        assertEquals(0, e.code(), e.err());
        JsonNode m = e.jsonLines().get(0);
        for (String k : List.of("count", "L1", "PSNR", "SSIM", "labHistIntersection", "colorfulnessFake", "colorfulnessReal")) {
            assertTrue(m.has(k), k + " in " + m);
        }
        assertEquals(3, m.get("count").asInt());
        assertTrue(Files.exists(model.resolve("eval/index.html")));
        assertTrue(Files.list(model.resolve("eval/error")).count() >= 1);

        // hand the generator to PyTorch and back: export, import, and translate straight from the .pth
        Path pth = tmp.resolve("latest_net_G.pth");
        CliRun ex = run("export", "--model", model.toString(), "--out", pth.toString());
        assertEquals(0, ex.code(), ex.err());
        Path imported = tmp.resolve("imported");
        CliRun im = run("import", "--pth", pth.toString(), "--out", imported.toString(), "--direction", "BtoA", "--size", "64");
        assertEquals(0, im.code(), im.err());
        assertEquals("unet_64", im.jsonLines().get(0).get("spec").get("netG").asText());
        Path out2 = tmp.resolve("out2");
        CliRun t2 = run("translate", "--model", pth.toString(), "--input", in.toString(), "--output", out2.toString(),
                "--device", "cpu", "--eval-mode", "--json");
        assertEquals(2, t2.jsonLines().get(0).get("outputs").asInt(), t2.err());
        CliRun bad = run("import", "--pth", data.resolve("zz_broken.jpg").toString(), "--out", tmp.resolve("x").toString());
        assertTrue(bad.code() != 0 && bad.err().contains("zz_broken.jpg"), bad.err());
    }

    static String[] concat(String[] a, String... b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
