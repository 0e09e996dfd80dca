package dev.pix2pix.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pix2pix.msg.JobValidator;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.Topics;
import dev.pix2pix.msg.TrainJob;
import dev.pix2pix.msg.TranslateJob;
import dev.pix2pix.msg.Validated;
import dev.pix2pix.train.TrainPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Submit a job to the workers: validated against its JSON schema before anything is published, "
                + "then published keyed by its job id; prints the job id.",
            "Either `submit --spec job.json [--wait]` or one of the subcommands below, whose options (--wait, "
                + "--json, connection) follow the subcommand's name: `submit train --dataset ... --wait`."},
        subcommands = {SubmitCommand.Train.class, SubmitCommand.Translate.class, SubmitCommand.Colorize.class})
final class SubmitCommand implements Callable<Integer> {
    @Option(names = "--spec", paramLabel = "FILE",
            description = "a TrainJob or TranslateJob as JSON (a TranslateJob has a \"model\"; \"-\" = stdin)")
    String spec;

    @Option(names = "--type", paramLabel = "train|translate",
            description = "kind of job in --spec (default: translate if it has \"model\", else train)")
    String type;

    @Mixin
    Submission submission = new Submission();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() throws Exception {
        if (spec == null) {
            throw new CommandLine.ParameterException(cmd.commandLine(),
                    "give --spec FILE or a subcommand (train, translate, colorize); see pix2pix submit --help");
        }
        String json = spec.equals("-") ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                : read(Path.of(spec));
        String kind = type;
        if (kind == null) {
            JsonNode node;
            try {
                node = Json.mapper().readTree(json);
            } catch (IOException e) {
                throw new IllegalArgumentException(spec + " is not valid JSON: " + e.getMessage());
            }
            kind = node != null && node.has("model") ? "translate" : "train";
        }
        return switch (kind) {
            case "train" -> submission.submit(json, true);
            case "translate" -> submission.submit(json, false);
            default -> throw new IllegalArgumentException("--type must be train or translate, not " + kind);
        };
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + p + ": " + e.getMessage());
        }
    }

    /** A fresh job id: {@code <kind>-<UTC date-time>-<random>}, matching the schema's alphabet. */
    static String newJobId(String kind) {
        String time = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom r = new SecureRandom();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return kind + "-" + time + "-" + b;
    }

    /** Connection, --wait and --json, and the validate-then-publish step. */
    static final class Submission {
        @Mixin
        Connection connection = new Connection();

        @Option(names = "--wait", description = "follow the job's events until it completes, fails or is cancelled; "
                + "exit 0 only if it completed (1 failed, 3 cancelled)")
        boolean await;

        @Option(names = "--json", description = "with --wait: print the final event as one JSON line on stdout")
        boolean json;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "with --wait: give up after this long (exit 124)")
        Long timeoutSeconds;

        /** Validates, publishes and (with --wait) follows; returns the exit code. */
        int submit(String message, boolean train) {
            JobValidator validator = new JobValidator();
            Validated<?> v = train ? validator.train(message) : validator.translate(message);
            if (!v.ok()) {
                System.err.println("pix2pix submit: invalid " + (train ? "TrainJob" : "TranslateJob")
                        + ", nothing was published:");
                v.violations().forEach(x -> System.err.println("  " + x));
                return 2;
            }
            if (train) {
                try {
                    TrainPlan.of((TrainJob) v.value()); // what worker-train will do with it, refused here by name
                } catch (IllegalArgumentException e) {
                    System.err.println("pix2pix submit: the workers would refuse this TrainJob, nothing was published:");
                    System.err.println("  " + e.getMessage());
                    return 2;
                }
            } else {
                List<String> problems = SubmitCommand.preflight(connection, (TranslateJob) v.value());
                if (!problems.isEmpty()) {
                    System.err.println("pix2pix submit: the workers would refuse this TranslateJob, nothing was published:");
                    problems.forEach(x -> System.err.println("  " + x));
                    return 2;
                }
            }
            String jobId = train ? ((TrainJob) v.value()).jobId() : ((TranslateJob) v.value()).jobId();
            Topics topics = connection.topics();
            JobClient client = new JobClient(connection.kafka());
            String topic = train ? topics.trainJobs() : topics.translateJobs();
            if (!await) {
                client.publish(topic, jobId, message);
                System.out.println(jobId);
                return 0;
            }
            try (JobClient.EventReader reader = client.events(topics.events()).fromEnd()) {
                client.publish(topic, jobId, message);
                System.err.println("submitted " + jobId + " to " + topic + "; waiting for its events on " + topics.events());
                if (!json) {
                    System.out.println(jobId);
                }
                return Follow.toEnd(reader, jobId, json, timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds));
            }
        }
    }

    /** The preflight checks, when S3 is configured for this command (else the worker checks alone). */
    private static List<String> preflight(Connection connection, TranslateJob job) {
        dev.pix2pix.store.StoreConfig sc;
        try {
            sc = connection.store().withRetry(new dev.pix2pix.store.StoreConfig.Retry(2, Duration.ofMillis(200),
                    Duration.ofMillis(500)));
        } catch (RuntimeException e) {
            return List.of();
        }
        try (dev.pix2pix.store.ObjectStore store = new dev.pix2pix.store.ObjectStore(sc)) {
            return Preflight.problems(job, store);
        } catch (RuntimeException e) {
            System.err.println("note: could not check the job against S3 before publishing (" + e.getMessage()
                    + "); the worker will");
            return List.of();
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Submit a TrainJob (topic pix2pix.train.jobs). Engine options left out take the engine's "
                    + "defaults (see `pix2pix train --help`).")
    static final class Train implements Callable<Integer> {
        @Option(names = "--dataset", required = true, paramLabel = "S3URI", description = "s3:// prefix with the training images")
        String dataset;

        @Option(names = "--layout", required = true, description = "aligned|folders|color (pix2pix), unaligned (--model cyclegan)")
        String layout;

        @Option(names = "--direction", description = "AtoB|BtoA (aligned, folders; default AtoB)")
        String direction;

        @Option(names = "--output", required = true, paramLabel = "S3URI", description = "s3:// prefix for the model folder")
        String output;

        @Option(names = "--job-id", description = "default: train-<UTC time>-<random>")
        String jobId;

        @Mixin
        TrainFlags flags = new TrainFlags();

        @Mixin
        Submission submission = new Submission();

        @Override
        public Integer call() {
            return submission.submit(toJson(), true);
        }

        String toJson() {
            TrainJob.Options o = flags.options();
            // Built as a tree so that a bad enum value reaches the schema (and its message) instead of failing here.
            var node = Json.mapper().createObjectNode();
            node.put("schemaVersion", dev.pix2pix.msg.SchemaVersion.CURRENT);
            node.put("jobId", jobId != null ? jobId : newJobId("train"));
            node.put("dataset", dataset);
            node.put("layout", layout);
            if (direction != null) {
                node.put("direction", direction);
            }
            node.put("output", output);
            JsonNode opts = Json.mapper().valueToTree(o);
            if (opts.size() > 0) {
                node.set("options", opts);
            }
            if (flags.kind() == TrainJob.Model.CYCLEGAN) {
                node.put("model", TrainJob.Model.CYCLEGAN.wire());
                TrainJob.CycleGan c = flags.cycleGan();
                if (c != null) {
                    node.set("cycleGan", Json.mapper().valueToTree(c));
                }
            }
            return Json.write(node);
        }
    }

    /** Options shared by translate and colorize. */
    abstract static class TranslateBase implements Callable<Integer> {
        @Option(names = "--model", required = true, paramLabel = "S3URI", description = "s3:// model folder (ending in /), "
                + "CycleGAN folder (AtoB/ and BtoA/) or .pth")
        String model;

        @Option(names = "--direction", description = "a CycleGAN folder's generator: AtoB (G_A, the default) or BtoA (G_B)")
        String direction;

        @Option(names = "--input", required = true, arity = "1..*", paramLabel = "S3URI",
                description = "one s3:// prefix (every image below it), or one or more s3:// objects")
        List<String> input;

        @Option(names = "--output", required = true, paramLabel = "S3URI", description = "s3:// prefix for the results")
        String output;

        @Option(names = "--job-id", description = "default: <mode>-<UTC time>-<random>")
        String jobId;

        @Option(names = "--format", description = "png|jpeg|same (default png)") String format;
        @Option(names = "--jpeg-quality", description = "1..100 (default 92)") Integer jpegQuality;
        @Option(names = "--eval-mode", description = "classic eval mode (running statistics, no dropout)") Boolean evalMode;
        @Option(names = "--render-size", description = "side the network sees (default: the model's size)") Integer renderSize;
        @Option(names = "--sixteen-bit", description = "16-bit PNG output") Boolean sixteenBit;
        @Option(names = "--max-pixels", description = "refuse inputs with more pixels") Long maxPixels;
        @Option(names = "--shard-size", description = "inputs per shard when fanned out to worker-infer replicas") Integer shardSize;
        @Option(names = "--seed", description = "dropout seed") Long seed;
        @Option(names = "--full-resolution", description = "translate each whole image at its native size (padded to "
                + "the network's multiple) instead of a square canvas: for models trained on crops") Boolean fullResolution;

        @Mixin
        Submission submission = new Submission();

        abstract String mode();

        @Override
        public Integer call() {
            return submission.submit(toJson(), false);
        }

        String toJson() {
            var node = Json.mapper().createObjectNode();
            node.put("schemaVersion", dev.pix2pix.msg.SchemaVersion.CURRENT);
            node.put("jobId", jobId != null ? jobId : newJobId(mode()));
            node.put("model", model);
            if (input.size() == 1 && input.get(0).endsWith("/")) {
                node.put("input", input.get(0));
            } else {
                var arr = node.putArray("inputs");
                input.forEach(arr::add);
            }
            node.put("output", output);
            node.put("mode", mode());
            if (direction != null) {
                node.put("direction", direction);
            }
            var o = node.putObject("options");
            if (evalMode != null) o.put("evalMode", evalMode);
            if (renderSize != null) o.put("renderSize", renderSize);
            if (format != null) o.put("outputFormat", format);
            if (jpegQuality != null) o.put("jpegQuality", jpegQuality);
            if (sixteenBit != null) o.put("sixteenBit", sixteenBit);
            if (maxPixels != null) o.put("maxPixels", maxPixels);
            if (shardSize != null) o.put("shardSize", shardSize);
            if (seed != null) o.put("seed", seed);
            if (fullResolution != null) o.put("fullResolution", fullResolution);
            if (o.isEmpty()) {
                node.remove("options");
            }
            return Json.write(node);
        }
    }

    @Command(name = "translate", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Submit a TranslateJob (topic pix2pix.translate.jobs) with mode translate.")
    static final class Translate extends TranslateBase {
        @Override
        String mode() {
            return "translate";
        }
    }

    @Command(name = "colorize", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Submit a TranslateJob (topic pix2pix.translate.jobs) with mode colorize: grayscale in, colour out.")
    static final class Colorize extends TranslateBase {
        @Override
        String mode() {
            return "colorize";
        }
    }
}
