import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Image build helper (run with `java -cp <worker libs> BakeDjlNatives.java ...`, a JDK 17
 * single-file program): makes DJL's own PyTorch loader put libtorch and the DJL JNI library
 * into $DJL_CACHE_DIR at image build time, so containers never download or extract natives at
 * start, and can run with a read-only root filesystem and -Dai.djl.offline=true.
 *
 * <p>It calls the same private methods of {@code ai.djl.pytorch.jni.LibUtils} that
 * {@code LibUtils.loadLibrary()} calls before {@code System.load}: {@code getLibTorch()} (finds,
 * extracts or downloads libtorch: honours PYTORCH_LIBRARY_PATH, PYTORCH_VERSION, PYTORCH_FLAVOR,
 * DJL_CACHE_DIR) and {@code findJniLibrary(LibTorch)} (extracts libdjl_torch.so from the
 * pytorch-jni jar). Nothing is loaded, so baking CUDA natives works on a build host without GPU.
 * These methods are DJL internals (checked against DJL 0.35.1): if DJL changes them the image
 * build fails here, loudly, instead of at pod start.
 *
 * <pre>
 * bake   [--expect-flavor F] [--link DIR]  resolve (download/extract) the natives; check the
 *                                          flavor (e.g. cu128); symlink DIR to the libtorch dir
 * verify [--expect-flavor F] [--expect-dir DIR]
 *                                          resolve again, as the runtime will, and fail if that
 *                                          would write anything into the cache (or use another
 *                                          flavor / directory)
 * check                                    only check that the DJL internals used here exist
 *                                          (run by `mvn verify` in k8s/ against the project's
 *                                          DJL version, so a DJL upgrade that breaks the image
 *                                          build is caught without Docker)
 * </pre>
 */
public final class BakeDjlNatives {

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("check")) {
            check();
            return;
        }
        if (args.length == 0 || !(args[0].equals("bake") || args[0].equals("verify"))) {
            usage("first argument must be bake, verify or check");
        }
        boolean verify = args[0].equals("verify");
        String expectFlavor = null;
        String link = null;
        String expectDir = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--expect-flavor" -> expectFlavor = value(args, ++i);
                case "--link" -> link = value(args, ++i);
                case "--expect-dir" -> expectDir = value(args, ++i);
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (verify) {
            // The runtime runs offline: resolution must succeed from the cache alone.
            System.setProperty("ai.djl.offline", "true");
        }
        String cacheEnv = System.getenv("DJL_CACHE_DIR");
        if (cacheEnv == null || cacheEnv.isEmpty()) {
            usage("DJL_CACHE_DIR must be set");
        }
        Path cache = Paths.get(cacheEnv);
        Map<String, Long> before = snapshot(cache);

        Class<?> libUtils = Class.forName("ai.djl.pytorch.jni.LibUtils");
        Class<?> libTorchClass = Class.forName("ai.djl.pytorch.jni.LibUtils$LibTorch");
        Method getLibTorch = libUtils.getDeclaredMethod("getLibTorch");
        getLibTorch.setAccessible(true);
        Method findJniLibrary = libUtils.getDeclaredMethod("findJniLibrary", libTorchClass);
        findJniLibrary.setAccessible(true);

        Object libTorch = getLibTorch.invoke(null);
        Path dir = (Path) field(libTorchClass, libTorch, "dir");
        String flavor = (String) field(libTorchClass, libTorch, "flavor");
        String version = (String) field(libTorchClass, libTorch, "version");
        Path jni = (Path) findJniLibrary.invoke(null, libTorch);
        System.out.printf("libtorch %s, flavor %s: %s%njni: %s%n", version, flavor, dir, jni);

        if (!Files.isRegularFile(dir.resolve("libtorch.so"))) {
            fail("no libtorch.so in " + dir);
        }
        if (!Files.isRegularFile(jni)) {
            fail("no JNI library at " + jni);
        }
        // DJL silently falls back to CPU when a CUDA flavor is not published: refuse that.
        if (expectFlavor != null && (flavor == null || !flavor.startsWith(expectFlavor))) {
            fail("expected flavor " + expectFlavor + " but DJL resolved " + flavor);
        }
        if (expectDir != null && !dir.equals(Paths.get(expectDir).toAbsolutePath())) {
            fail("expected libtorch from " + expectDir + " but DJL resolved " + dir);
        }
        if (verify) {
            Map<String, Long> after = snapshot(cache);
            if (!after.equals(before)) {
                fail("resolving the natives changed " + cache + " (the runtime would need to"
                        + " write there): before " + before.keySet() + ", after " + after.keySet());
            }
            System.out.println("verified: natives resolve offline from " + cache + " without writing");
        }
        if (link != null) {
            Path linkPath = Paths.get(link);
            Files.deleteIfExists(linkPath);
            Files.createSymbolicLink(linkPath, dir);
            System.out.println("linked " + linkPath + " -> " + dir);
        }
    }

    /** The DJL internals used by bake/verify exist, with the expected types. */
    private static void check() {
        try {
            ClassLoader loader = BakeDjlNatives.class.getClassLoader();
            Class<?> libUtils = Class.forName("ai.djl.pytorch.jni.LibUtils", false, loader);
            Class<?> libTorchClass = Class.forName("ai.djl.pytorch.jni.LibUtils$LibTorch", false, loader);
            require(libTorchClass.isAssignableFrom(libUtils.getDeclaredMethod("getLibTorch").getReturnType()),
                    "LibUtils.getLibTorch() returns LibTorch");
            require(Path.class.isAssignableFrom(libUtils.getDeclaredMethod("findJniLibrary", libTorchClass).getReturnType()),
                    "LibUtils.findJniLibrary(LibTorch) returns Path");
            require(libTorchClass.getDeclaredField("dir").getType() == Path.class, "LibTorch.dir is a Path");
            require(libTorchClass.getDeclaredField("flavor").getType() == String.class, "LibTorch.flavor is a String");
            require(libTorchClass.getDeclaredField("version").getType() == String.class, "LibTorch.version is a String");
        } catch (ReflectiveOperationException e) {
            fail("DJL internals changed, update this program: " + e);
        }
        System.out.println("BakeDjlNatives: the DJL internals it uses are present");
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            fail("DJL internals changed, update this program: expected " + what);
        }
    }

    private static Object field(Class<?> type, Object target, String name) throws ReflectiveOperationException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
    }

    /** Relative path -> size of every regular file under root (empty if root is missing). */
    private static Map<String, Long> snapshot(Path root) throws IOException {
        Map<String, Long> files = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            return files;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (Files.isRegularFile(p)) {
                    files.put(root.relativize(p).toString(), Files.size(p));
                }
            }
        }
        return files;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void usage(String message) {
        fail(message + "\nusage: BakeDjlNatives bake|verify [--expect-flavor F] [--link DIR] [--expect-dir DIR] | check");
    }

    private static void fail(String message) {
        System.err.println("BakeDjlNatives: " + message);
        System.exit(1);
    }
}
