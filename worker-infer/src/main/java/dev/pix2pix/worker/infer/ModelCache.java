package dev.pix2pix.worker.infer;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.pix2pix.infer.ModelLoader;
import dev.pix2pix.model.ModelFolder;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.model.Generator;
import dev.pix2pix.msg.Json;
import dev.pix2pix.store.ObjectInfo;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The generator of the last model used, kept loaded between shards and reloaded only when its URI
 * or the weights' ETag changes (a republished model). Confined to the shard thread.
 */
final class ModelCache implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelCache.class);

    /** A model that cannot be used; the message names the model and the problem. */
    static final class ModelException extends Exception {
        ModelException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Where a model is and which version of it: ETags of model.json and the weights, or of the
     * .pth file (then {@code folder} is the file itself).
     */
    record Ref(String uri, S3Uri folder, String etag, boolean pth) {
        Ref(String uri, S3Uri folder, String etag) {
            this(uri, folder, etag, false);
        }
    }

    /** A loaded model; owned by the cache (do not close). */
    record Loaded(Ref ref, ModelInfo info, Generator generator, NDManager manager) {}

    private final ObjectStore store;
    private final Path workDir;
    private final Device device;
    /** Generators switched to float16 once loaded (pix2pix.infer.half). */
    private final boolean half;
    private Loaded current;

    ModelCache(ObjectStore store, Path workDir, Device device, boolean half) {
        this.store = store;
        this.workDir = workDir;
        this.device = device;
        this.half = half;
    }

    /**
     * Finds the model and its version without downloading the weights. A URI ending in '/' (or
     * without an extension) is a model folder; a {@code .pth} file is a reference generator state dict.
     */
    static Ref locate(ObjectStore store, String uri) throws ModelException {
        return locate(store, uri, null);
    }

    /**
     * The same, where a CycleGAN folder (AtoB/ and BtoA/, no model.json of its own) resolves to the generator that
     * {@code direction} names ({@link ModelFolder#member}; null = AtoB): the Ref's URI is then that subfolder's.
     */
    static Ref locate(ObjectStore store, String uri, String direction) throws ModelException {
        S3Uri u;
        try {
            u = S3Uri.parse(uri);
        } catch (IllegalArgumentException e) {
            throw new ModelException("model: " + e.getMessage(), e);
        }
        String name = u.name().toLowerCase(Locale.ROOT);
        if (name.endsWith(".pth") || name.endsWith(".pt")) {
            if (direction != null) {
                throw new ModelException("model " + uri + " is one generator: a direction picks a generator of a "
                        + "CycleGAN folder (AtoB/ and BtoA/)", null);
            }
            return locatePth(store, u);
        }
        S3Uri top = u.asPrefix();
        try {
            S3Uri folder = top;
            String resolved = uri;
            Optional<ObjectInfo> topInfo = store.stat(top.child(ModelFolder.INFO));
            if (topInfo.isEmpty() && store.stat(top.child(ModelFolder.A_TO_B + "/" + ModelFolder.INFO)).isPresent()) {
                String member;
                try {
                    member = ModelFolder.member(direction);
                } catch (IllegalArgumentException e) {
                    throw new ModelException("model " + uri + ": " + e.getMessage(), e);
                }
                folder = top.child(member + "/");
                resolved = folder.toString();
            }
            S3Uri f = folder;
            ObjectInfo info = (f == top ? topInfo : store.stat(f.child(ModelFolder.INFO))).orElseThrow(() -> new ModelException(
                    "model not found: no " + f.child(ModelFolder.INFO) + " (expected a model folder with "
                            + ModelFolder.INFO + " and " + ModelFolder.WEIGHTS + ", or a CycleGAN folder with "
                            + ModelFolder.A_TO_B + "/ and " + ModelFolder.B_TO_A + "/)", null));
            ObjectInfo weights = store.stat(f.child(ModelFolder.WEIGHTS)).orElseThrow(() -> new ModelException(
                    "model incomplete: no " + f.child(ModelFolder.WEIGHTS), null));
            return new Ref(resolved, f, info.etag() + "/" + weights.etag());
        } catch (StoreException e) {
            throw outageOr(e, "model " + top + ": " + e.getMessage());
        }
    }

    /** An outage that outlasted the wait stays a StoreException (the job fails as OUTAGE, naming S3). */
    private static ModelException outageOr(StoreException e, String message) {
        if (e.kind() == StoreException.Kind.TRANSIENT) {
            throw e;
        }
        return new ModelException(message, e);
    }

    /** Refuses a model whose files are larger than the worker downloads (checked from the listing). */
    static void checkSize(ObjectStore store, Ref ref, long maxBytes) throws ModelException {
        long size = 0;
        if (ref.pth()) {
            size = store.stat(ref.folder()).map(ObjectInfo::size).orElse(0L);
        } else {
            for (String name : new String[] {ModelFolder.INFO, ModelFolder.WEIGHTS}) {
                size += store.stat(ref.folder().child(name)).map(ObjectInfo::size).orElse(0L);
            }
        }
        if (size > maxBytes) {
            throw new ModelException("model " + ref.uri() + " has " + size + " bytes, more than this worker's limit of "
                    + maxBytes + " (pix2pix.limits.max-model-bytes)", null);
        }
    }

    /**
     * A generator state dict written by the reference PyTorch code (e.g. latest_net_G.pth): its
     * architecture is read from the tensors' shapes when it is loaded.
     */
    private static Ref locatePth(ObjectStore store, S3Uri uri) throws ModelException {
        try {
            ObjectInfo info = store.stat(uri).orElseThrow(() -> new ModelException("model not found: " + uri, null));
            return new Ref(uri.toString(), uri, info.etag(), true);
        } catch (StoreException e) {
            throw outageOr(e, "model " + uri + ": " + e.getMessage());
        }
    }

    /** Downloads and opens a .pth model (on the CPU when only its description is wanted). */
    private static ModelLoader.Loaded openPth(ObjectStore store, Ref ref, Path file, NDManager manager)
            throws ModelException {
        try {
            store.download(ref.folder(), file);
            return ModelLoader.load(file, manager);
        } catch (StoreException e) {
            throw outageOr(e, "cannot load model " + ref.uri() + ": " + e.getMessage());
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelException("cannot load model " + ref.uri() + ": " + e.getMessage(), e);
        }
    }

    /** model.json of a located model (small; used to check the job's mode before fanning out). */
    static ModelInfo readInfo(ObjectStore store, Ref ref) throws ModelException {
        if (ref.pth()) {
            Path tmp = null;
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                tmp = Files.createTempFile("pix2pix-model", ".pth");
                try (ModelLoader.Loaded l = openPth(store, ref, tmp, m)) {
                    return l.info();
                }
            } catch (IOException e) {
                throw new ModelException("cannot load model " + ref.uri() + ": " + e.getMessage(), e);
            } finally {
                if (tmp != null) {
                    try {
                        Files.deleteIfExists(tmp);
                    } catch (IOException ignored) {
                        // scratch space
                    }
                }
            }
        }
        try {
            ModelInfo info = Json.read(new String(store.get(ref.folder().child(ModelFolder.INFO)),
                    StandardCharsets.UTF_8), ModelInfo.class);
            if (info.spec() == null) {
                throw new ModelException("model " + ref.folder() + ": " + ModelFolder.INFO + " has no spec", null);
            }
            return info;
        } catch (StoreException e) {
            throw outageOr(e, "model " + ref.folder() + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ModelException("model " + ref.folder() + ": " + e.getMessage(), e);
        }
    }

    Loaded get(String uri) throws ModelException {
        Ref ref = locate(store, uri);
        if (current != null && current.ref().equals(ref)) {
            return current;
        }
        // scratch folder private to this process: replicas may share a work dir on one node
        Path dir = workDir.resolve("models").resolve(HexFormat.of().toHexDigits(uri.hashCode()) + "-"
                + Integer.toHexString(ref.etag().hashCode()) + "-" + ProcessHandle.current().pid());
        if (ref.pth()) {
            NDManager manager = NDManager.newBaseManager(device);
            Path file = dir.resolve("model.pth");
            try {
                ModelLoader.Loaded l = openPth(store, ref, file, manager);
                if (half) {
                    l.generator().toHalf();
                }
                close();
                current = new Loaded(ref, l.info(), l.generator(), manager);
                LOG.infof("loaded reference model %s (etag %s, %s) on %s%s", uri, ref.etag(), l.info().spec().netG(),
                        device, half ? " in float16" : "");
                return current;
            } catch (ModelException | RuntimeException e) {
                manager.close();
                throw e;
            } finally {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // scratch space
                }
            }
        }
        try {
            store.download(ref.folder().child(ModelFolder.INFO), dir.resolve(ModelFolder.INFO));
            store.download(ref.folder().child(ModelFolder.WEIGHTS), dir.resolve(ModelFolder.WEIGHTS));
            ModelInfo info = ModelFolder.readInfo(dir);
            NDManager manager = NDManager.newBaseManager(device);
            Generator g;
            try {
                g = ModelFolder.loadGenerator(dir, manager);
                if (half) {
                    g.toHalf();
                }
            } catch (IOException | RuntimeException e) {
                manager.close();
                throw e;
            }
            close();
            current = new Loaded(ref, info, g, manager);
            LOG.infof("loaded model %s (etag %s, %s, %s) on %s%s", uri, ref.etag(), info.spec().netG(),
                    info.colorize() ? "colorize" : "translate", device, half ? " in float16" : "");
            return current;
        } catch (StoreException e) {
            throw outageOr(e, "cannot load model " + uri + ": " + e.getMessage());
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelException("cannot load model " + uri + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(ModelFolder.INFO));
            Files.deleteIfExists(dir.resolve(ModelFolder.WEIGHTS));
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // scratch space
        }
    }

    @Override
    public void close() {
        if (current != null) {
            current.generator().close();
            current.manager().close();
            current = null;
        }
    }
}
