package dev.pix2pix.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Follow a job's events (from the first one on pix2pix.events) until it completes, fails or is "
                + "cancelled.", "Exit 0 completed, 1 failed, 3 cancelled, 124 --timeout passed."})
final class WatchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB_ID")
    String jobId;

    @Option(names = "--json", description = "print the final event as one JSON line on stdout")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "give up after this long")
    Long timeoutSeconds;

    @Mixin
    Connection connection = new Connection();

    @Override
    public Integer call() {
        JobClient client = new JobClient(connection.kafka());
        try (JobClient.EventReader reader = client.events(connection.topics().events()).fromBeginning()) {
            return Follow.toEnd(reader, jobId, json, timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds));
        }
    }
}
