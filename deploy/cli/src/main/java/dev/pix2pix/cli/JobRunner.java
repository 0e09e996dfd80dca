package dev.pix2pix.cli;

import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.JobValidator;
import dev.pix2pix.msg.Topics;
import dev.pix2pix.msg.TrainJob;
import dev.pix2pix.msg.TranslateJob;
import dev.pix2pix.msg.Validated;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Submit-and-follow as a Java API (the demo uses it; {@code submit --wait} is the same steps). */
public final class JobRunner {
    private final Connection connection;
    private final JobValidator validator = new JobValidator();

    public JobRunner(Connection connection) {
        this.connection = connection;
    }

    /**
     * Validates {@code job} (a {@link TrainJob} or {@link TranslateJob}) against its schema, publishes it keyed by
     * its job id, and hands its events to {@code onEvent} until it ends. Empty if {@code timeout} passed or
     * {@code stop} answered true first.
     */
    public Optional<JobEvent> run(Object job, Consumer<JobEvent> onEvent, Duration timeout, BooleanSupplier stop) {
        String json = dev.pix2pix.msg.Json.write(job);
        boolean train = job instanceof TrainJob;
        if (!train && !(job instanceof TranslateJob)) {
            throw new IllegalArgumentException("not a job: " + job.getClass().getName());
        }
        Validated<?> v = train ? validator.train(json) : validator.translate(json);
        v.orThrow(); // refused before anything is published
        String jobId = train ? ((TrainJob) job).jobId() : ((TranslateJob) job).jobId();
        Topics topics = connection.topics();
        JobClient client = new JobClient(connection.kafka());
        try (JobClient.EventReader reader = client.events(topics.events()).fromEnd()) {
            client.publish(train ? topics.trainJobs() : topics.translateJobs(), jobId, json);
            return reader.follow(jobId, onEvent, timeout, stop);
        }
    }

    /** A fresh job id like {@code train-20260101-120000-ab12c}. */
    public static String newJobId(String kind) {
        return SubmitCommand.newJobId(kind);
    }
}
