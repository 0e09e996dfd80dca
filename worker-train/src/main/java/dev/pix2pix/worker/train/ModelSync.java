package dev.pix2pix.worker.train;

import dev.pix2pix.model.ModelFolder;
import dev.pix2pix.msg.Json;
import dev.pix2pix.store.ObjectInfo;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.train.Checkpoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Mirrors a job's local model folder to its S3 output prefix and back:
 * {@code <output>/checkpoints/it_<n>/*} (state.json uploaded last, so a checkpoint without it is
 * incomplete and ignored), {@code loss_log.jsonl}, the published model files, and the markers
 * {@code _SUCCESS.json} (written last of all) and {@code _CANCELLED.json}.
 */
public final class ModelSync {
    public static final String SUCCESS = "_SUCCESS.json";
    public static final String CANCELLED = "_CANCELLED.json";
    public static final String FAILED = "_FAILED.json";
    public static final String OWNER = "_JOB.json";
    public static final String LOSS_LOG = dev.pix2pix.model.LossLog.FILE;
    public static final String METRICS = "metrics.json";
    static final String STATE = "state.json";

    private final ObjectStore store;
    private final S3Uri output;

    public ModelSync(ObjectStore store, S3Uri output) {
        this.store = store;
        this.output = output.asPrefix();
    }

    public S3Uri output() {
        return output;
    }

    public S3Uri uri(String name) {
        return output.child(name);
    }

    /** Uploads a local checkpoint folder, then keeps only the newest {@code keep} complete ones in S3. */
    public S3Uri uploadCheckpoint(Path checkpointDir, int keep) throws IOException {
        String name = checkpointDir.getFileName().toString();
        S3Uri prefix = output.child(Checkpoints.DIR + "/" + name + "/");
        List<Path> files;
        try (Stream<Path> s = Files.list(checkpointDir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            if (!f.getFileName().toString().equals(STATE)) {
                store.upload(f, prefix.child(f.getFileName().toString()));
                dev.pix2pix.delivery.Failpoint.hit("checkpoint.mid-upload"); // fault tests
            }
        }
        store.upload(checkpointDir.resolve(STATE), prefix.child(STATE));
        prune(keep);
        return prefix;
    }

    /** Deletes all but the newest {@code keep} complete checkpoints, and incomplete ones older than those. */
    void prune(int keep) {
        Map<String, List<ObjectInfo>> byName = checkpointsInS3();
        List<String> complete = byName.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(o -> o.key().endsWith("/" + STATE)))
                .map(Map.Entry::getKey).toList();
        if (complete.size() <= keep) {
            return;
        }
        String oldestKept = complete.get(complete.size() - keep);
        for (Map.Entry<String, List<ObjectInfo>> e : byName.entrySet()) {
            if (e.getKey().compareTo(oldestKept) < 0) {
                // state.json first: the folder stops counting as a checkpoint before its weights go
                List<ObjectInfo> objs = new ArrayList<>(e.getValue());
                objs.sort((a, b) -> Boolean.compare(!a.key().endsWith(STATE), !b.key().endsWith(STATE)));
                for (ObjectInfo o : objs) {
                    store.delete(o.uri());
                }
            }
        }
    }

    /** Checkpoint folder name -> its objects, in name (= iteration) order. */
    private Map<String, List<ObjectInfo>> checkpointsInS3() {
        S3Uri root = output.child(Checkpoints.DIR + "/");
        Map<String, List<ObjectInfo>> byName = new TreeMap<>();
        for (ObjectInfo o : store.list(root)) {
            String rel = o.uri().relativeTo(root);
            int slash = rel.indexOf('/');
            if (slash > 0 && rel.startsWith("it_")) {
                byName.computeIfAbsent(rel.substring(0, slash), k -> new ArrayList<>()).add(o);
            }
        }
        return byName;
    }

    /**
     * Downloads the newest complete S3 checkpoint into {@code modelDir/checkpoints/}. Returns its
     * name, or empty when S3 holds none (a fresh start).
     */
    public Optional<String> downloadLatestCheckpoint(Path modelDir) throws IOException {
        Map<String, List<ObjectInfo>> byName = checkpointsInS3();
        List<String> names = new ArrayList<>(byName.keySet());
        for (int i = names.size() - 1; i >= 0; i--) {
            List<ObjectInfo> objs = byName.get(names.get(i));
            if (objs.stream().noneMatch(o -> o.key().endsWith("/" + STATE))) {
                continue; // upload interrupted: an older one is complete
            }
            Path dir = modelDir.resolve(Checkpoints.DIR).resolve(names.get(i));
            for (ObjectInfo o : objs) {
                store.download(o.uri(), dir.resolve(o.uri().name()));
            }
            return Optional.of(names.get(i));
        }
        return Optional.empty();
    }

    /** Restores loss_log.jsonl with only the lines of epochs before {@code nextEpoch}. */
    public void downloadLossLog(Path modelDir, int nextEpoch) throws IOException {
        S3Uri uri = uri(LOSS_LOG);
        Path local = modelDir.resolve(LOSS_LOG);
        if (!store.exists(uri)) {
            Files.deleteIfExists(local);
            return;
        }
        String kept = dev.pix2pix.model.LossLog.before(new String(store.get(uri), StandardCharsets.UTF_8), nextEpoch);
        Files.createDirectories(modelDir);
        Files.writeString(local, kept);
    }

    public void uploadLossLog(Path modelDir) {
        Path f = modelDir.resolve(LOSS_LOG);
        if (Files.exists(f)) {
            store.upload(f, uri(LOSS_LOG), "application/x-ndjson");
        }
    }

    /**
     * The model folder's files (not the checkpoints), a CycleGAN run's AtoB/ and BtoA/ folders too; returns their
     * URIs.
     */
    public List<String> publishModel(Path modelDir) {
        List<String> uris = new ArrayList<>();
        List<String> names = new ArrayList<>(List.of(ModelFolder.WEIGHTS, ModelFolder.INFO, LOSS_LOG, METRICS));
        for (String member : List.of(ModelFolder.A_TO_B, ModelFolder.B_TO_A)) {
            names.add(member + "/" + ModelFolder.WEIGHTS);
            names.add(member + "/" + ModelFolder.INFO);
        }
        for (String name : names) {
            Path f = modelDir.resolve(name);
            if (Files.exists(f)) {
                S3Uri u = uri(name);
                if (name.endsWith(".jsonl")) {
                    store.upload(f, u, "application/x-ndjson");
                } else {
                    store.upload(f, u);
                }
                uris.add(u.toString());
            }
        }
        return uris;
    }

    public void putJson(String name, Object value) {
        store.put(uri(name), Json.write(value).getBytes(StandardCharsets.UTF_8), "application/json");
    }

    public <T> Optional<T> readJson(String name, Class<T> type) {
        S3Uri u = uri(name);
        if (!store.exists(u)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(new String(store.get(u), StandardCharsets.UTF_8), type));
        } catch (IllegalArgumentException e) {
            // unreadable (half-written by an old version?): not trusted as anyone's marker
            return Optional.empty();
        }
    }

    /** How the job that used this prefix last ended, if it did: from whichever end marker is there. */
    public java.util.Optional<Markers.End> end() {
        Optional<Markers.Success> s = readJson(SUCCESS, Markers.Success.class);
        if (s.isPresent()) {
            return Optional.of(new Markers.End(s.get().jobId(), "completed", s.get().completedAt(), s.get().source(),
                    s.get().event()));
        }
        Optional<Markers.Cancelled> c = readJson(CANCELLED, Markers.Cancelled.class);
        if (c.isPresent()) {
            return Optional.of(new Markers.End(c.get().jobId(), "cancelled", c.get().cancelledAt(), c.get().source(),
                    c.get().event()));
        }
        return readJson(FAILED, Markers.Failed.class).map(f -> new Markers.End(f.jobId(), "failed", f.failedAt(),
                f.source(), f.event()));
    }

    /** Whether S3 holds checkpoints below this prefix (complete or not). */
    public boolean hasCheckpoints() {
        return !store.list(output.child(Checkpoints.DIR + "/"), 1).isEmpty();
    }

    public void putPng(String name, byte[] png) {
        store.put(uri(name), png, "image/png");
    }
}
