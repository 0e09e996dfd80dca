package dev.pix2pix.cli;

import ai.djl.ndarray.NDManager;
import dev.pix2pix.data.Scenes;
import dev.pix2pix.model.CodeVersion;
import dev.pix2pix.model.ModelFolder;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.model.Generator;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.TrainJob;
import dev.pix2pix.msg.TranslateJob;
import dev.pix2pix.stack.LocalStack;
import dev.pix2pix.stack.StackInfo;
import dev.pix2pix.stack.StackProcess;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A chaos soak of the whole system on this machine: starts a local stack of its own (Kafka,
 * S3Proxy, both workers) in a state dir, submits translate and training jobs while it injects the
 * seeded faults of a {@link ChaosPlan} (kill -9 and restart of a worker, S3Proxy and the broker
 * hung or stopped and started again), waits for every job to end, and prints what the delivery
 * contract promises: jobs lost, terminal events per job, inputs, outputs, items failed, duplicates.
 * It signals only the processes it started, and stops them all at the end (also on Ctrl-C).
 */
@Command(name = "chaos", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Chaos soak: jobs against a local stack of its own while it kills and restarts workers and "
                + "hangs or restarts S3 and Kafka; prints jobs lost, terminal events per job, items failed and "
                + "duplicates (target: 0 lost, 0 duplicated, 0 items failed). Needs the workers built "
                + "(mvn -B -q -DskipTests install -pl worker-train,worker-infer -am).",
            "Exit 0 when the contract held, 1 when it did not."})
final class ChaosCommand implements Callable<Integer> {
    @Option(names = "--jobs", description = "jobs to submit (default ${DEFAULT-VALUE})", defaultValue = "20")
    int jobs;

    @Option(names = "--faults", description = "faults to inject (default ${DEFAULT-VALUE})", defaultValue = "30")
    int faults;

    @Option(names = "--minutes", description = "window in which faults start (default ${DEFAULT-VALUE})",
            defaultValue = "15")
    int minutes;

    @Option(names = "--max-outage", paramLabel = "SECONDS", description = "longest fault (default ${DEFAULT-VALUE})",
            defaultValue = "40")
    int maxOutage;

    @Option(names = "--train-share", description = "share of training jobs, 0..1 (default ${DEFAULT-VALUE})",
            defaultValue = "0.3")
    double trainShare;

    @Option(names = "--images", description = "inputs per translate job (default ${DEFAULT-VALUE})", defaultValue = "8")
    int images;

    @Option(names = "--seed", description = "seed of the plan and the data (default ${DEFAULT-VALUE})", defaultValue = "1")
    long seed;

    @Option(names = "--dir", paramLabel = "DIR", description = "state dir of the soak's stack (default: a new temp dir)")
    Path dir;

    @Option(names = "--wait", paramLabel = "MINUTES",
            description = "after the last fault, how long to wait for every job to end (default ${DEFAULT-VALUE})",
            defaultValue = "20")
    int waitMinutes;

    private final Map<String, List<JobEvent>> events = new ConcurrentHashMap<>();
    private volatile boolean reading = true;

    @Override
    public Integer call() throws Exception {
        Path state = dir != null ? dir : Files.createTempDirectory("pix2pix-chaos-");
        Thread hook = new Thread(() -> {
            try {
                LocalJobStack.down(state);
            } catch (RuntimeException ignored) {
                // best effort on Ctrl-C
            }
        }, "chaos-down");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return soak(state);
        } finally {
            LocalJobStack.down(state);
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    private int soak(Path state) throws Exception {
        ChaosPlan plan = ChaosPlan.of(seed, jobs, faults, trainShare, Duration.ofMinutes(minutes),
                Duration.ofSeconds(maxOutage));
        System.err.println("chaos: " + jobs + " jobs, " + faults + " faults over " + minutes + " min, seed " + seed
                + ", stack in " + state);
        LocalJobStack.up(state, LocalJobStack.WORKERS, System.err);
        StackInfo info = LocalStack.read(state).orElseThrow();
        String bucket = LocalJobStack.BUCKET;
        Map<Integer, String> ids = new LinkedHashMap<>();
        try (ObjectStore store = new ObjectStore(LocalJobStack.storeConfig(info))) {
            String model = uploadModel(store, bucket);
            String dataset = "s3://" + bucket + "/chaos/train-data/";
            Random r = new Random(seed);
            for (int i = 0; i < 6; i++) {
                store.put(S3Uri.parse(dataset).child("p" + i + ".png"), png(96, 96, false, r.nextLong()), "image/png");
            }
            JobClient client = new JobClient(info.bootstrapServers());
            Thread reader = startReader(client);
            long t0 = System.nanoTime();
            int nextSubmit = 0;
            for (ChaosPlan.Fault f : plan.faults()) {
                nextSubmit = submitDue(plan, nextSubmit, t0, f.at(), client, store, bucket, model, dataset, ids, r);
                sleepUntil(t0, f.at());
                inject(state, f);
            }
            submitDue(plan, nextSubmit, t0, Duration.ofDays(1), client, store, bucket, model, dataset, ids, r);
            long deadline = System.nanoTime() + Duration.ofMinutes(waitMinutes).toNanos();
            while (System.nanoTime() < deadline && ended(ids) < ids.size()) {
                Thread.sleep(2000);
            }
            Thread.sleep(3000); // a duplicate terminal event would follow the first closely
            reading = false;
            reader.join(10_000);
            return report(plan, ids, store, bucket, (System.nanoTime() - t0) / 1e9);
        }
    }

    private int submitDue(ChaosPlan plan, int next, long t0, Duration until, JobClient client, ObjectStore store,
            String bucket, String model, String dataset, Map<Integer, String> ids, Random r) throws Exception {
        while (next < plan.submits().size() && plan.submits().get(next).at().compareTo(until) <= 0) {
            ChaosPlan.Submit s = plan.submits().get(next++);
            sleepUntil(t0, s.at());
            String id = (s.train() ? "chaos-train-" : "chaos-translate-") + seed + "-" + s.index();
            String json;
            String topic;
            if (s.train()) {
                json = Json.write(TrainJob.of(id, dataset, TrainJob.Layout.COLOR, "s3://" + bucket + "/chaos/models/"
                        + id + "/", new TrainJob.Options("unet_64", null, null, 8, 8, null, null, null, 3, 1, 2, 64, 72,
                        null, null, null, null, null, null, null, null, seed, 1, null, null)));
                topic = dev.pix2pix.msg.Topics.TRAIN_JOBS;
            } else {
                String in = "s3://" + bucket + "/chaos/in/" + id + "/";
                for (int i = 0; i < images; i++) {
                    store.put(S3Uri.parse(in).child("img" + i + ".png"), png(120, 90, true, r.nextLong()), "image/png");
                }
                json = Json.write(TranslateJob.ofPrefix(id, model, in, "s3://" + bucket + "/chaos/out/" + id + "/",
                        TranslateJob.Mode.COLORIZE, new TranslateJob.Options(null, 64, null, null, null, null, 2, seed)));
                topic = dev.pix2pix.msg.Topics.TRANSLATE_JOBS;
            }
            ids.put(s.index(), id);
            for (int attempt = 1; ; attempt++) {
                try {
                    client.publish(topic, id, json);
                    break;
                } catch (IllegalStateException e) {
                    if (attempt >= 20) {
                        throw e;
                    }
                    Thread.sleep(3000); // the broker may be down right now: a client tries again
                }
            }
            System.err.printf("%6.0f s  submitted %s%n", (System.nanoTime() - t0) / 1e9, id);
        }
        return next;
    }

    private void inject(Path state, ChaosPlan.Fault f) throws Exception {
        System.err.printf("          fault %s for %.0f s%n", f.kind(), f.lasts().toMillis() / 1e3);
        StackInfo info = LocalStack.read(state).orElseThrow();
        switch (f.kind()) {
            case KILL_WORKER_INFER, KILL_WORKER_TRAIN -> {
                String name = f.kind() == ChaosPlan.Kind.KILL_WORKER_INFER ? "worker-infer" : "worker-train";
                for (StackProcess p : info.processes()) {
                    if (p.name().equals(name)) {
                        p.handle().ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                Thread.sleep(f.lasts().toMillis());
                LocalJobStack.up(state, List.of(name), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            }
            case HANG_S3, HANG_KAFKA -> {
                long pid = info.process(f.kind() == ChaosPlan.Kind.HANG_S3 ? StackInfo.S3PROXY : StackInfo.KAFKA)
                        .orElseThrow().pid();
                signal("STOP", pid);
                try {
                    Thread.sleep(f.lasts().toMillis());
                } finally {
                    signal("CONT", pid);
                }
            }
            case RESTART_S3, RESTART_KAFKA -> {
                StackProcess p = info.process(f.kind() == ChaosPlan.Kind.RESTART_S3 ? StackInfo.S3PROXY
                        : StackInfo.KAFKA).orElseThrow();
                p.handle().ifPresent(h -> {
                    h.destroy();
                    h.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> {
                        h.destroyForcibly();
                        return h;
                    }).join();
                });
                Thread.sleep(f.lasts().toMillis());
                LocalStack.up(state); // the same ports and data again
            }
            default -> throw new IllegalStateException(f.kind().toString());
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    }

    /** Every event of every job, from the beginning of the events topic, as clients see them. */
    private Thread startReader(JobClient client) {
        Thread t = new Thread(() -> {
            try (JobClient.EventReader reader = client.events(dev.pix2pix.msg.Topics.EVENTS).fromBeginning()) {
                reader.every(e -> events.computeIfAbsent(e.jobId(), k -> java.util.Collections.synchronizedList(
                        new ArrayList<>())).add(e), () -> !reading);
            }
        }, "chaos-events");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private int ended(Map<Integer, String> ids) {
        int n = 0;
        for (String id : ids.values()) {
            if (terminals(id) > 0) {
                n++;
            }
        }
        return n;
    }

    private long terminals(String id) {
        List<JobEvent> l = events.getOrDefault(id, List.of());
        synchronized (l) {
            return l.stream().filter(e -> e.type().terminal()).count();
        }
    }

    private Optional<JobEvent> terminal(String id) {
        List<JobEvent> l = events.getOrDefault(id, List.of());
        synchronized (l) {
            return l.stream().filter(e -> e.type().terminal()).findFirst();
        }
    }

    private int report(ChaosPlan plan, Map<Integer, String> ids, ObjectStore store, String bucket, double seconds) {
        int completed = 0;
        int failed = 0;
        int cancelled = 0;
        int lost = 0;
        long maxTerminals = 0;
        long inputs = 0;
        long outputs = 0;
        long itemsFailed = 0;
        long duplicates = 0;
        List<String> notes = new ArrayList<>();
        for (String id : ids.values()) {
            long t = terminals(id);
            maxTerminals = Math.max(maxTerminals, t);
            Optional<JobEvent> end = terminal(id);
            if (end.isEmpty()) {
                lost++;
                notes.add(id + ": no terminal event");
                continue;
            }
            switch (end.get().type()) {
                case COMPLETED -> completed++;
                case CANCELLED -> cancelled++;
                default -> {
                    failed++;
                    notes.add(id + ": failed: " + end.get().reason());
                }
            }
            if (id.startsWith("chaos-translate-")) {
                inputs += images;
                S3Uri manifest = S3Uri.parse("s3://" + bucket + "/chaos/out/" + id + "/_manifest/" + id
                        + "/manifest.jsonl");
                if (store.exists(manifest)) {
                    List<String> lines = new String(store.get(manifest), StandardCharsets.UTF_8).lines()
                            .filter(l -> !l.isBlank()).toList();
                    java.util.Set<String> seen = new java.util.HashSet<>();
                    for (String l : lines) {
                        var n = Json.read(l, Map.class);
                        if (!seen.add(String.valueOf(n.get("input")))) {
                            duplicates++;
                        }
                        if ("failed".equals(n.get("status"))) {
                            itemsFailed++;
                        } else {
                            outputs++;
                        }
                    }
                }
            }
        }
        System.out.printf("chaos soak: %d jobs (%d translate, %d train), %d faults, %.0f s%n", ids.size(),
                ids.values().stream().filter(i -> i.startsWith("chaos-translate-")).count(),
                ids.values().stream().filter(i -> i.startsWith("chaos-train-")).count(), plan.faults().size(), seconds);
        Map<ChaosPlan.Kind, Long> kinds = new java.util.TreeMap<>();
        plan.faults().forEach(f -> kinds.merge(f.kind(), 1L, Long::sum));
        System.out.println("faults: " + kinds);
        System.out.printf("jobs: submitted %d, completed %d, failed %d, cancelled %d, lost %d%n", ids.size(), completed,
                failed, cancelled, lost);
        System.out.printf("terminal events per job: max %d%n", maxTerminals);
        System.out.printf("translate items: inputs %d, outputs %d, item failures %d, duplicates %d%n", inputs, outputs,
                itemsFailed, duplicates);
        notes.forEach(n -> System.out.println("  " + n));
        boolean held = lost == 0 && maxTerminals <= 1 && itemsFailed == 0 && duplicates == 0 && failed == 0
                && outputs == inputs;
        System.out.println(held ? "contract held" : "contract NOT held");
        return held ? 0 : 1;
    }

    private static String uploadModel(ObjectStore store, String bucket) throws IOException {
        ModelSpec spec = new ModelSpec("unet_64", "basic", 3, 8, 8, "batch", 1, 2, true, true);
        Path dir = Files.createTempDirectory("chaos-model");
        try (NDManager m = NDManager.newBaseManager(); Generator g = Generator.create(spec, m, 7)) {
            ModelFolder.write(dir, new ModelInfo(ModelInfo.FORMAT, spec, "colorize", "color", null, 64, 0, 0,
                    CodeVersion.get(), Instant.now().toString(), "chaos soak"), g);
        }
        S3Uri folder = S3Uri.parse("s3://" + bucket + "/chaos/model/");
        store.upload(dir.resolve(ModelFolder.INFO), folder.child(ModelFolder.INFO));
        store.upload(dir.resolve(ModelFolder.WEIGHTS), folder.child(ModelFolder.WEIGHTS));
        return folder.toString();
    }

    /** A smooth random image, gray or colour, as PNG. */
    static byte[] png(int w, int h, boolean gray, long seed) {
        return Scenes.encode(Scenes.ramp(seed, w, h, gray), "png");
    }

    private static void sleepUntil(long t0, Duration at) throws InterruptedException {
        long wait = t0 + at.toNanos() - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000);
        }
    }
}
