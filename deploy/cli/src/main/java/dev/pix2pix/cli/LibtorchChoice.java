package dev.pix2pix.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which libtorch the engine commands load: the CPU natives bundled with the CLI, or an existing libtorch
 * named by {@code PIX2PIX_LIBTORCH} (a CUDA one on a GPU workstation), with its version and flavour read from
 * the library itself and checked against what this build's DJL JNI can drive. The result becomes DJL's
 * {@code PYTORCH_LIBRARY_PATH}, {@code PYTORCH_VERSION} and {@code PYTORCH_FLAVOR} (as in the CUDA image).
 *
 * @param libDir  the folder holding {@code libtorch.so}
 * @param version e.g. 2.7.1
 * @param flavor  {@code cpu} or {@code cuXYZ}
 * @param how     where the version and flavour were read, for messages
 */
public record LibtorchChoice(Path libDir, String version, String flavor, String how) {
    public static final String ENV = "PIX2PIX_LIBTORCH";
    /** Overrides the flavour when the library does not say (a CUDA build without build-version). */
    public static final String FLAVOR_ENV = "PIX2PIX_LIBTORCH_FLAVOR";

    private static final Pattern BUILD_VERSION = Pattern.compile("^(\\d+\\.\\d+\\.\\d+)(?:\\+(cpu|cu\\d+))?");
    private static final Pattern PIP_VERSION = Pattern.compile("__version__\\s*=\\s*['\"](\\d+\\.\\d+\\.\\d+)(?:\\+(cpu|cu\\d+))?['\"]");
    private static final Pattern DJL_CACHE_DIR = Pattern.compile("^(\\d+\\.\\d+\\.\\d+)(?:-\\d+)?-(cpu|cu\\d+)(?:-precxx11)?-");

    /** DJL's system properties for this libtorch. */
    public Map<String, String> djlProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("PYTORCH_LIBRARY_PATH", libDir.toString());
        p.put("PYTORCH_VERSION", version);
        p.put("PYTORCH_FLAVOR", flavor);
        return p;
    }

    public boolean cuda() {
        return flavor.startsWith("cu");
    }

    /** "libtorch 2.7.1 cu128 from /opt/libtorch/lib". */
    public String describe() {
        return "libtorch " + version + " " + flavor + " from " + libDir;
    }

    /**
     * The libtorch named by {@code env}'s {@link #ENV}, or empty for the bundled CPU natives.
     *
     * @param jniVersion the PyTorch version this DJL's JNI is built for (2.7.1)
     * @param jniFlavors the flavours its JNI library exists in on this platform (cpu, cu128)
     * @throws IllegalArgumentException naming the variable, the path and what is wrong with it
     */
    public static Optional<LibtorchChoice> select(Map<String, String> env, String jniVersion, Set<String> jniFlavors) {
        String given = env.get(ENV);
        if (given == null || given.isBlank()) {
            return Optional.empty();
        }
        Path root = Path.of(given.trim()).toAbsolutePath().normalize();
        String where = ENV + "=" + given.trim();
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException(where + ": no such directory (point it at an unpacked libtorch: the "
                    + "folder that holds lib/libtorch.so)");
        }
        Path lib = Files.isRegularFile(root.resolve("lib/libtorch.so")) ? root.resolve("lib")
                : Files.isRegularFile(root.resolve("libtorch.so")) ? root : null;
        if (lib == null) {
            throw new IllegalArgumentException(where + ": no libtorch.so in " + root.resolve("lib") + " nor in " + root
                    + " (point it at an unpacked libtorch)");
        }
        boolean cudaLib = Files.isRegularFile(lib.resolve("libtorch_cuda.so"));
        String[] vf = versionAndFlavor(root, lib);
        String version = vf[0];
        String flavor = vf[1];
        String how = vf[2];
        if (version == null) {
            throw new IllegalArgumentException(where + ": cannot tell which PyTorch version the libtorch in " + lib
                    + " is (no build-version file next to lib/): this build needs libtorch " + jniVersion);
        }
        String override = env.get(FLAVOR_ENV);
        if (override != null && !override.isBlank()) {
            flavor = override.trim();
            how = FLAVOR_ENV;
        } else if (flavor == null) {
            if (cudaLib) {
                throw new IllegalArgumentException(where + ": a CUDA libtorch (libtorch_cuda.so) that does not say "
                        + "which CUDA it is built for; set " + FLAVOR_ENV + " (one of " + jniFlavors + ")");
            }
            flavor = "cpu";
        }
        if (flavor.equals("cpu") && cudaLib || flavor.startsWith("cu") && !cudaLib) {
            throw new IllegalArgumentException(where + ": says " + flavor + " (" + how + ") but "
                    + (cudaLib ? "holds" : "lacks") + " libtorch_cuda.so");
        }
        if (!version.equals(jniVersion)) {
            throw new IllegalArgumentException(where + ": libtorch " + version + " (" + how + "), but this build's "
                    + "PyTorch engine (DJL JNI) drives libtorch " + jniVersion + " only: install libtorch " + jniVersion
                    + " (" + String.join(" or ", jniFlavors) + ")");
        }
        if (!jniFlavors.contains(flavor)) {
            throw new IllegalArgumentException(where + ": libtorch " + version + " " + flavor + ", but DJL's JNI exists "
                    + "for " + jniFlavors + " only: install the " + jniFlavors.stream().filter(f -> f.startsWith("cu"))
                    .findFirst().orElse("cpu") + " build of libtorch " + jniVersion);
        }
        return Optional.of(new LibtorchChoice(lib, version, flavor, how));
    }

    /** version, flavour (null if not said), and where they were read. */
    private static String[] versionAndFlavor(Path root, Path lib) {
        Path base = lib.equals(root) ? root.getParent() : root;
        try {
            // the libtorch zip from pytorch.org: libtorch/build-version "2.7.1+cu128"
            for (Path f : new Path[] {base == null ? null : base.resolve("build-version"), root.resolve("build-version")}) {
                if (f != null && Files.isRegularFile(f)) {
                    Matcher m = BUILD_VERSION.matcher(Files.readString(f).trim());
                    if (m.find()) {
                        return new String[] {m.group(1), m.group(2), f.toString()};
                    }
                }
            }
            // a pip wheel: torch/lib next to torch/version.py
            Path pip = base == null ? null : base.resolve("version.py");
            if (pip != null && Files.isRegularFile(pip)) {
                Matcher m = PIP_VERSION.matcher(Files.readString(pip));
                if (m.find()) {
                    return new String[] {m.group(1), m.group(2), pip.toString()};
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the version of the libtorch in " + lib, e);
        }
        // DJL's own cache: ~/.djl.ai/pytorch/2.7.1-20250812-cpu-linux-x86_64
        Matcher m = DJL_CACHE_DIR.matcher(lib.getFileName().toString());
        if (m.find()) {
            return new String[] {m.group(1), m.group(2), "the folder name " + lib.getFileName()};
        }
        return new String[] {null, null, null};
    }
}
