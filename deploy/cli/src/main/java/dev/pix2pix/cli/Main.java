package dev.pix2pix.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code deploy/bin/pix2pix}. */
@Command(name = "pix2pix", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "pix2pix image-to-image translation: train, translate, evaluate and benchmark models, "
                + "and run jobs on the Kafka/S3 workers.",
        subcommands = {InfoCommand.class, TrainCommand.class, TranslateCommand.class, EvaluateCommand.class,
            BenchCommand.class, StackCommand.class, UploadCommand.class, DownloadCommand.class, SubmitCommand.class,
            WatchCommand.class, JobsCommand.class, CancelCommand.class, ImportCommand.class, ExportCommand.class, BenchArchiveCommand.class,
            ChaosCommand.class, BenchDataCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this). */
    public static int run(String... args) {
        if (args.length > 0 && EngineSetup.ENGINE_COMMANDS.contains(args[0])) {
            try {
                EngineSetup.configure(System.getenv()); // before the engine loads: PIX2PIX_LIBTORCH (a CUDA libtorch)
            } catch (IllegalArgumentException e) {
                System.err.println("pix2pix " + args[0] + ": " + e.getMessage());
                return 2;
            }
        }
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("pix2pix " + cmd.getCommandName() + ": " + message(ex));
            if (System.getenv("PIX2PIX_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return ex instanceof IllegalArgumentException || ex instanceof IllegalStateException ? 2 : 1;
        });
        return cl.execute(args);
    }

    static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.toString() : m;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: see pix2pix --help");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"pix2pix-workers " + dev.pix2pix.model.CodeVersion.get()};
        }
    }
}
