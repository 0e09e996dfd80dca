package dev.pix2pix.cli;

import dev.pix2pix.stack.LocalStack;
import dev.pix2pix.stack.StackInfo;
import dev.pix2pix.stack.StackProcess;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "stack", mixinStandardHelpOptions = true,
        description = {"The local stack: Kafka (KRaft) + S3Proxy (filesystem) + worker-train + worker-infer, as "
                + "background processes on 127.0.0.1 recorded in DIR/stack.json.",
            "After `stack up` the job commands (upload, submit, watch, ...) need no connection flags."},
        subcommands = {StackCommand.Up.class, StackCommand.Down.class, StackCommand.Status.class})
final class StackCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: up, down or status");
    }

    static final class DirOption {
        @Option(names = "--dir", paramLabel = "DIR", description = "state directory (default: $PIX2PIX_STATE_DIR, "
                + "else $XDG_STATE_HOME/pix2pix, else ~/.local/state/pix2pix)")
        Path dir;

        Path get() {
            return dir != null ? dir : LocalStack.defaultDir();
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start the stack (what already runs is kept) and return once Kafka, S3 and both workers' "
                    + "/q/health/ready answer; it keeps running in the background. Prints ports and credentials.")
    static final class Up implements Callable<Integer> {
        @CommandLine.Mixin
        DirOption dir = new DirOption();

        @Option(names = "--no-workers", description = "only Kafka and S3 (e.g. while the workers are not built)")
        boolean noWorkers;

        @Option(names = "--worker", paramLabel = "NAME", split = ",",
                description = "start only these workers (worker-train, worker-infer; default: both)")
        java.util.List<String> workers;

        @Option(names = "--secure", description = {"Kafka with SASL_SSL listeners only (SCRAM-SHA-512, a user per "
                + "party with the ACLs it needs, ACLs enforced) and S3Proxy over https, with a CA and certificates "
                + "generated into DIR/tls; the client settings go to DIR/kafka-<user>.properties (mode 600).",
            "A state dir is secured or not for good: a secured stack comes up secured without the flag."})
        boolean secure;

        @Override
        public Integer call() {
            Path d = dir.get().toAbsolutePath();
            LocalJobStack.Running r = LocalJobStack.up(d, noWorkers ? java.util.List.of()
                    : workers != null ? workers : LocalJobStack.WORKERS, secure, System.err);
            StackInfo i = r.info();
            System.out.println("pix2pix stack up (" + d + ")" + (i.secure() ? ", secured" : ""));
            System.out.println("  kafka bootstrap servers: " + i.bootstrapServers()
                    + (i.secure() ? " (SASL_SSL, SCRAM-SHA-512, ACLs; no plaintext listener)" : ""));
            System.out.println("  s3 endpoint:             " + i.s3Endpoint() + " (region " + i.region() + ", bucket "
                    + LocalJobStack.BUCKET + ")");
            System.out.println("  s3 access key:           " + i.accessKey());
            if (i.secure()) {
                // secrets stay in files only the owner reads
                System.out.println("  s3 secret key:           in " + d.resolve(LocalStack.STATE_FILE) + " (mode 600)");
                System.out.println("  CA certificate:          " + i.security().caFile());
                System.out.println("  kafka client settings:   " + LocalStack.kafkaClientFile(d, "cli")
                        + " (user cli; admin: " + LocalStack.kafkaClientFile(d, LocalStack.KAFKA_ADMIN).getFileName() + ")");
            } else {
                System.out.println("  s3 secret key:           " + i.secretKey());
            }
            for (LocalJobStack.Worker w : r.workers().values()) {
                System.out.println("  " + String.format("%-25s", w.name() + ":") + "http://127.0.0.1:" + w.httpPort()
                        + " (log " + w.log() + ")");
            }
            System.out.println("  logs and data:           " + d);
            System.out.println(dir.dir == null || d.equals(LocalStack.defaultDir().toAbsolutePath())
                    ? "Job commands use this stack without flags; stop it with: pix2pix stack down"
                    : "Job commands use this stack with --stack-dir " + d + " (or PIX2PIX_STATE_DIR=" + d
                            + "); stop it with: pix2pix stack down --dir " + d);
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stop the workers, then S3Proxy and Kafka. Data stay in DIR for the next up.")
    static final class Down implements Callable<Integer> {
        @CommandLine.Mixin
        DirOption dir = new DirOption();

        @Override
        public Integer call() {
            Optional<StackInfo> stopped = LocalJobStack.down(dir.get());
            if (stopped.isEmpty()) {
                System.err.println("no stack recorded in " + dir.get());
                return 0;
            }
            System.err.println("stopped " + stopped.get().processes().size() + " process(es) of the stack in " + dir.get());
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Show the recorded stack's processes and whether they run.",
                "Exit 0 all running, 1 none recorded, 3 some stopped."})
    static final class Status implements Callable<Integer> {
        @CommandLine.Mixin
        DirOption dir = new DirOption();

        @Override
        public Integer call() {
            Optional<StackInfo> info = LocalStack.read(dir.get());
            if (info.isEmpty()) {
                System.out.println("no stack in " + dir.get() + " (start one with `pix2pix stack up`)");
                return 1;
            }
            StackInfo i = info.get();
            Map<String, LocalJobStack.Worker> workers = LocalJobStack.readWorkers(dir.get());
            System.out.println("stack in " + dir.get().toAbsolutePath());
            System.out.println("  kafka " + i.bootstrapServers() + ", s3 " + i.s3Endpoint()
                    + (i.secure() ? " (secured: SASL_SSL + https, CA " + i.security().caFile() + ")" : ""));
            boolean all = true;
            for (StackProcess p : i.processes()) {
                boolean running = p.running();
                all &= running;
                String extra = "";
                LocalJobStack.Worker w = workers.get(p.name());
                if (w != null && running) {
                    extra = " http://127.0.0.1:" + w.httpPort() + " " + LocalJobStack.readiness(w);
                }
                System.out.printf("  %-13s pid %-8d %-8s%s (log %s)%n", p.name(), p.pid(), running ? "running" : "STOPPED",
                        extra, p.log());
            }
            return all ? 0 : 3;
        }
    }
}
