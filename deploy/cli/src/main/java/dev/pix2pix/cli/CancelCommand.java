package dev.pix2pix.cli;

import dev.pix2pix.msg.CancelJob;
import dev.pix2pix.msg.JobValidator;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.SchemaVersion;
import dev.pix2pix.msg.Validated;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Ask the workers to stop a job: publishes a CancelJob keyed by the job id to pix2pix.control. "
                + "The job ends with a cancelled event (`pix2pix watch JOB_ID`).")
final class CancelCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB_ID")
    String jobId;

    @Option(names = "--reason", description = "shown in the cancelled event")
    String reason;

    @Mixin
    Connection connection = new Connection();

    @Override
    public Integer call() {
        String json = Json.write(new CancelJob(SchemaVersion.CURRENT, jobId, reason));
        Validated<CancelJob> v = new JobValidator().cancel(json);
        if (!v.ok()) {
            System.err.println("pix2pix cancel: invalid CancelJob, nothing was published:");
            v.violations().forEach(x -> System.err.println("  " + x));
            return 2;
        }
        String topic = connection.topics().control();
        new JobClient(connection.kafka()).publish(topic, jobId, json);
        System.err.println("cancel requested for " + jobId + " on " + topic);
        return 0;
    }
}
