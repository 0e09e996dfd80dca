package dev.pix2pix.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.pix2pix.train.Devices;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The engine commands' libtorch and device: {@link LibtorchChoice} applied to DJL before the engine loads,
 * and one line on stderr saying which device a command computes on and with which libtorch.
 */
final class EngineSetup {
    /** Commands that load the PyTorch engine. */
    static final Set<String> ENGINE_COMMANDS = Set.of("train", "translate", "evaluate", "bench", "bench-archive",
            "info", "import", "export");
    /** CUDA flavours DJL publishes JNI libraries for; those present in the pytorch-jni jar count. */
    private static final String[] KNOWN_FLAVORS = {"cpu", "cu118", "cu121", "cu124", "cu126", "cu128", "cu129"};

    private static volatile Optional<LibtorchChoice> chosen = Optional.empty();

    private EngineSetup() {}

    /** Reads {@code PIX2PIX_LIBTORCH} and sets DJL's properties for it; throws with the reason when it is unusable. */
    static Optional<LibtorchChoice> configure(Map<String, String> env) {
        Optional<LibtorchChoice> c = LibtorchChoice.select(env, jniVersion(), jniFlavors());
        c.ifPresent(x -> x.djlProperties().forEach(System::setProperty));
        chosen = c;
        return c;
    }

    /** The device for {@code requested} (cpu|gpu|auto), announced in one line on {@code err}. */
    static Device device(String requested, boolean inference, PrintStream err) {
        Device d;
        try {
            d = inference ? Devices.selectForInference(requested) : Devices.select(requested);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + (chosen.isEmpty()
                    ? "; the CLI runs its bundled CPU libtorch: for a CUDA GPU set " + LibtorchChoice.ENV
                            + " to a CUDA libtorch " + jniVersion() + " (README, \"GPU on a workstation\")"
                    : " with " + chosen.get().describe()), e);
        }
        err.println("pix2pix: " + line(d, requested, chosen, Engine.getInstance().getGpuCount()));
        return d;
    }

    /** "device gpu 0 (libtorch 2.7.1 cu128 from /opt/libtorch/lib)" and the like. */
    static String line(Device d, String requested, Optional<LibtorchChoice> lib, int gpus) {
        String libtorch = lib.map(LibtorchChoice::describe).orElse("bundled CPU libtorch " + jniVersion());
        String device = "device " + (d.isGpu() ? "gpu " + d.getDeviceId() : "cpu");
        if (d.isGpu()) {
            return device + " (" + libtorch + ")";
        }
        if ("cpu".equalsIgnoreCase(requested)) {
            return device + " (--device cpu; " + libtorch + ")";
        }
        if (lib.map(LibtorchChoice::cuda).orElse(false)) {
            return device + ": no CUDA GPU visible to " + libtorch + " (check the driver and CUDA_VISIBLE_DEVICES)";
        }
        return device + " (" + libtorch + (gpus == 0 && lib.isEmpty() ? "; for a CUDA GPU set " + LibtorchChoice.ENV
                + ", see the README" : "") + ")";
    }

    /** The PyTorch version of the DJL JNI on the classpath (jnilib/pytorch.properties: jni_version=2.7.1-0.35.1). */
    static String jniVersion() {
        try (InputStream in = EngineSetup.class.getClassLoader().getResourceAsStream("jnilib/pytorch.properties")) {
            if (in == null) {
                throw new IllegalStateException("the pytorch-jni jar is not on the classpath");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("jni_version", "");
            return v.contains("-") ? v.substring(0, v.indexOf('-')) : v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Flavours whose JNI library the pytorch-jni jar holds for this platform. */
    static Set<String> jniFlavors() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux") ? "linux"
                : System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("mac") ? "osx" : "win";
        String arch = System.getProperty("os.arch").equals("amd64") ? "x86_64" : System.getProperty("os.arch");
        Set<String> out = new TreeSet<>();
        for (String f : KNOWN_FLAVORS) {
            String lib = os.equals("linux") ? "libdjl_torch.so" : os.equals("osx") ? "libdjl_torch.dylib" : "djl_torch.dll";
            if (EngineSetup.class.getClassLoader().getResource("jnilib/" + os + "-" + arch + "/" + f + "/" + lib) != null) {
                out.add(f);
            }
        }
        return out;
    }
}
