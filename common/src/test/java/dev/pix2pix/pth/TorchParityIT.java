package dev.pix2pix.pth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pix2pix.infer.ModelLoader;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.model.PatchDiscriminator;
import dev.pix2pix.nn.DropoutMode;
import dev.pix2pix.nn.NormMode;
import dev.pix2pix.nn.Pass;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import dev.pix2pix.testing.Prerequisite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our forward pass against real PyTorch: checkpoints, inputs and outputs written by torch itself
 * ({@code tools/pytorch/check_against_torch.py make}, via {@code make_torch_fixtures.sh}). Same
 * weights, same input: outputs agree within 1e-4 (max abs). The committed fixtures are narrow
 * unet_128s; where a python3 with torch is installed, the real unet_256 + batch-norm layout is
 * checked too, and our export is loaded back by torch with {@code load_state_dict(strict=True)}.
 */
class TorchParityIT {
    static final double TOL = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"unet128_batch_eval", "unet128_batch_testtime", "unet128_instance_color"})
    void committedTorchFixtures(String name) throws Exception {
        Path dir = resource("/torch/" + name);
        Parity p = compare(dir);
        assertTrue(p.maxDiffG() <= TOL, name + " G: max |ours - torch| = " + p.maxDiffG());
        assertTrue(p.maxDiffD() <= TOL, name + " D: max |ours - torch| = " + p.maxDiffD());
        assertTrue(p.outputStd() > 0.1, name + ": outputs of order 1, not a near-constant (std " + p.outputStd() + ")");
    }

    /** The full-size reference layout, against the installed torch (skipped where there is none). */
    @Test
    void unet256BatchNormAgainstInstalledTorch(@TempDir Path tmp) throws Exception {
        String python = pythonWithTorch();
        Prerequisite.require(python != null, "no python3 with torch here (Debian: apt-get install python3-torch)");
        Path tools = PthTestSupport.toolsDir();
        String script = tools.resolve("check_against_torch.py").toString();
        for (String mode : new String[] {"eval", "train-nodropout"}) {
            Path dir = tmp.resolve(mode);
            PthTestSupport.runPython(python, List.of(script, "make", dir.toString(), "--netG", "unet_256",
                    "--norm", "batch", "--dropout", "--mode", mode, "--seed", "11"));
            Parity p = compare(dir);
            System.out.printf(Locale.ROOT, "unet_256 batch norm, %s: max |ours - torch| G %.3g, D %.3g (output std %.3f)%n",
                    mode, p.maxDiffG(), p.maxDiffD(), p.outputStd());
            assertTrue(p.maxDiffG() <= TOL, mode + " G: " + p.maxDiffG());
            assertTrue(p.maxDiffD() <= TOL, mode + " D: " + p.maxDiffD());
            if (mode.equals("eval")) {
                // our export of the loaded generator, and our output, checked by torch itself
                Path javaPth = tmp.resolve("java_G.pth");
                Path javaOut = tmp.resolve("java_G_out.bin");
                PthWriter.write(p.exported(), javaPth);
                writeBin(javaOut, p.ourG());
                String out = PthTestSupport.runPython(python, List.of(script, "verify", dir.toString(),
                        "--pth", javaPth.toString(), "--net", "G", "--java-output", javaOut.toString()));
                assertTrue(out.contains("PASS load_state_dict(strict=True)") && out.strip().endsWith("OK"), out);
            }
        }
    }

    /**
     * The ResNet generators (CycleGAN's, and pix2pix's --netG resnet_*) at the reference's width, written by the
     * installed torch: instance norm without dropout (the published CycleGAN models), batch norm with the dropout
     * layout; eval and batch-statistics modes. Our export loads back into torch with strict=True.
     */
    @ParameterizedTest
    @CsvSource({"resnet_9blocks,instance,false,eval", "resnet_6blocks,batch,true,eval",
        "resnet_6blocks,batch,true,train-nodropout"})
    void resnetGeneratorsAgainstInstalledTorch(String netG, String norm, boolean dropout, String mode, @TempDir Path tmp)
            throws Exception {
        String python = pythonWithTorch();
        Prerequisite.require(python != null, "no python3 with torch here (Debian: apt-get install python3-torch)");
        String script = PthTestSupport.toolsDir().resolve("check_against_torch.py").toString();
        List<String> args = new ArrayList<>(List.of(script, "make", tmp.toString(), "--netG", netG, "--norm", norm,
                "--size", "64", "--batch", "1", "--mode", mode, "--seed", "5"));
        if (dropout) {
            args.add("--dropout");
        }
        PthTestSupport.runPython(python, args);
        Parity p = compare(tmp);
        System.out.printf(Locale.ROOT, "%s %s %s: max |ours - torch| G %.3g, D %.3g (output std %.3f)%n",
                netG, norm, mode, p.maxDiffG(), p.maxDiffD(), p.outputStd());
        assertTrue(p.maxDiffG() <= TOL, netG + " G: " + p.maxDiffG());
        assertTrue(p.maxDiffD() <= TOL, netG + " D: " + p.maxDiffD());
        assertTrue(p.outputStd() > 0.1, "outputs of order 1 (std " + p.outputStd() + ")");
        Path javaPth = tmp.resolve("java_G.pth");
        Path javaOut = tmp.resolve("java_G_out.bin");
        PthWriter.write(p.exported(), javaPth);
        writeBin(javaOut, p.ourG());
        String out = PthTestSupport.runPython(python, List.of(script, "verify", tmp.toString(),
                "--pth", javaPth.toString(), "--net", "G", "--java-output", javaOut.toString()));
        assertTrue(out.contains("PASS load_state_dict(strict=True)") && out.strip().endsWith("OK"), out);
    }

    /**
     * A reference CycleGAN checkpoint folder (two torch-written resnet_9blocks, instance norm, no dropout: the
     * published models' layout) imported as one CycleGAN folder: each direction's generator gives torch's outputs on
     * the same input, and the pair exported back loads into torch with strict=True.
     */
    @Test
    void cycleGanPairImportsAndExportsAgainstInstalledTorch(@TempDir Path tmp) throws Exception {
        String python = pythonWithTorch();
        Prerequisite.require(python != null, "no python3 with torch here (Debian: apt-get install python3-torch)");
        String script = PthTestSupport.toolsDir().resolve("check_against_torch.py").toString();
        Path ckpt = tmp.resolve("checkpoints");
        Files.createDirectories(ckpt);
        Map<String, Path> made = new java.util.LinkedHashMap<>();
        int seed = 5;
        for (String member : List.of("AtoB", "BtoA")) {
            Path dir = tmp.resolve("torch-" + member);
            PthTestSupport.runPython(python, List.of(script, "make", dir.toString(), "--netG", "resnet_9blocks", "--norm",
                    "instance", "--size", "64", "--batch", "1", "--mode", "eval", "--seed", String.valueOf(seed++)));
            JsonNode g = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile()).at("/nets/G");
            Files.copy(dir.resolve(g.get("pth").asText()), ckpt.resolve(member.equals("AtoB")
                    ? dev.pix2pix.infer.ReferenceCheckpoints.G_A : dev.pix2pix.infer.ReferenceCheckpoints.G_B));
            made.put(member, dir);
        }
        Path folder = tmp.resolve("cyclegan");
        dev.pix2pix.infer.ReferenceCheckpoints.importCycleGan(ckpt, ReferenceModels.Overrides.none(), 256, folder);
        Path exported = tmp.resolve("exported");
        dev.pix2pix.infer.ReferenceCheckpoints.exportCycleGan(folder, exported);
        for (Map.Entry<String, Path> e : made.entrySet()) {
            Path dir = e.getValue();
            JsonNode g = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile()).at("/nets/G");
            float[] ours;
            try (NDManager m = NDManager.newBaseManager(Device.cpu());
                    ModelLoader.Loaded loaded = ModelLoader.load(folder, e.getKey(), m);
                    NDManager step = m.newSubManager()) {
                assertEquals(e.getKey(), loaded.info().direction());
                ours = loaded.generator().forward(read(step, dir, g.get("input")), Pass.eval(step)).toFloatArray();
            }
            double diff = maxDiff(ours, readFloats(dir.resolve(g.at("/output/file").asText())));
            System.out.printf(Locale.ROOT, "CycleGAN pair import, %s: max |ours - torch| %.3g%n", e.getKey(), diff);
            assertTrue(diff <= 1e-4, e.getKey() + ": " + diff);
            Path javaOut = tmp.resolve("java_" + e.getKey() + ".bin");
            writeBin(javaOut, ours);
            String pth = exported.resolve(e.getKey().equals("AtoB") ? dev.pix2pix.infer.ReferenceCheckpoints.G_A
                    : dev.pix2pix.infer.ReferenceCheckpoints.G_B).toString();
            String out = PthTestSupport.runPython(python, List.of(script, "verify", dir.toString(), "--pth", pth, "--net",
                    "G", "--java-output", javaOut.toString()));
            assertTrue(out.contains("PASS load_state_dict(strict=True)") && out.strip().endsWith("OK"), out);
        }
    }

    record Parity(double maxDiffG, double maxDiffD, double outputStd, float[] ourG, StateDict exported) {}

    /** Loads a make-folder's checkpoints into our networks, runs its inputs, compares. */
    static Parity compare(Path dir) throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        JsonNode g = manifest.at("/nets/G");
        JsonNode d = manifest.at("/nets/D");
        String mode = manifest.at("/config/mode").asText();
        StateDict sdG = PthReader.read(dir.resolve(g.get("pth").asText()));
        StateDict sdD = PthReader.read(dir.resolve(d.get("pth").asText()));
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                ModelLoader.Loaded loaded = ModelLoader.fromPth(dir.resolve(g.get("pth").asText()),
                        ReferenceModels.Overrides.none(), null, 256, m)) {
            ModelSpec spec = ReferenceModels.inferDiscriminator(sdD, loaded.info().spec());
            try (PatchDiscriminator disc = ReferenceModels.loadDiscriminator(sdD, spec, m);
                    NDManager step = m.newSubManager()) {
                // the reference's test.py without --eval: batch statistics; dropout off here (it is random)
                Pass pass = mode.equals("eval") ? Pass.eval(step)
                        : new Pass(step, NormMode.PER_SAMPLE, DropoutMode.OFF, null);
                float[] ourG = loaded.generator().forward(read(step, dir, g.get("input")), pass).toFloatArray();
                float[] ourD = disc.forward(read(step, dir, d.get("input")), pass).toFloatArray();
                float[] torchG = readFloats(dir.resolve(g.at("/output/file").asText()));
                float[] torchD = readFloats(dir.resolve(d.at("/output/file").asText()));
                StateDict exported = ReferenceModels.toStateDict(loaded.generator().params());
                assertEquals(sdG, exported, "our export of a torch checkpoint equals it, tensor for tensor");
                return new Parity(maxDiff(ourG, torchG), maxDiff(ourD, torchD), std(torchG), ourG, exported);
            }
        }
    }

    private static NDArray read(NDManager m, Path dir, JsonNode arr) throws IOException {
        long[] shape = new long[arr.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = arr.get("shape").get(i).asLong();
        }
        return m.create(readFloats(dir.resolve(arr.get("file").asText())), new Shape(shape));
    }

    static float[] readFloats(Path bin) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(bin)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    private static void writeBin(Path bin, float[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        Files.write(bin, b.array());
    }

    private static double maxDiff(float[] a, float[] b) {
        assertEquals(b.length, a.length, "output sizes");
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }

    private static double std(float[] a) {
        double s = 0;
        double s2 = 0;
        for (float v : a) {
            s += v;
            s2 += (double) v * v;
        }
        double mean = s / a.length;
        return Math.sqrt(Math.max(0, s2 / a.length - mean * mean));
    }

    private static Path resource(String name) throws URISyntaxException {
        return Paths.get(TorchParityIT.class.getResource(name).toURI());
    }

    /** python3 on the PATH, or Debian's (python3-torch installs there), if it can import torch. */
    static String pythonWithTorch() {
        List<String> candidates = new ArrayList<>(List.of("python3", "/usr/bin/python3"));
        for (String py : candidates) {
            try {
                Process pr = new ProcessBuilder(py, "-c", "import torch").redirectErrorStream(true).start();
                pr.getInputStream().readAllBytes();
                if (pr.waitFor() == 0) {
                    return py;
                }
            } catch (IOException e) {
                // not there
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }
}
