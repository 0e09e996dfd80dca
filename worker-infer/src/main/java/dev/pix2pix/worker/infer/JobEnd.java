package dev.pix2pix.worker.infer;

import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.FailureCode;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.Json;
import dev.pix2pix.store.StoreException;
import dev.pix2pix.worker.MessageRunner;
import dev.pix2pix.worker.Outcome;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The one way a translate job ends: its state (with the terminal event) goes to
 * {@code _manifest/<jobId>/state.json} first, then the event is published with the message that
 * ended the job, in one transaction. A job ends once: a state already there means a redelivery of
 * the same message (publish the recorded event again: its transaction did not commit) or another
 * message of an ended job (publish nothing).
 */
final class JobEnd {
    private static final Logger LOG = Logger.getLogger(JobEnd.class);

    private JobEnd() {}

    /** The outcome for a message of a job that already ended, or empty if it has not. */
    static Optional<Outcome> ifEnded(JobFiles files, MessageRunner.Delivery d, String eventsTopic) {
        Optional<JobFiles.State> st = files.state();
        if (st.isEmpty()) {
            return Optional.empty();
        }
        JobFiles.State s = st.get();
        if (d.source().equals(s.source()) && s.event() != null) {
            return Optional.of(new Outcome.Builder().add(eventsTopic, s.event().jobId(), Json.write(s.event()))
                    .build("publishing again the " + s.state() + " event of " + s.event().jobId()));
        }
        return Optional.of(Outcome.nothing("job " + s.jobId() + " already " + s.state() + " at " + s.at()
                + "; " + d.source() + " changes nothing"));
    }

    /** A failed job: records it (when its output prefix can hold the state) and returns the builder with the event. */
    static Outcome.Builder failed(JobFiles files, MessageRunner.Delivery d, String eventsTopic, String jobId,
            FailureCode code, String reason, InferMetrics metrics) {
        JobEvent e = JobEvent.builder(jobId, EventType.FAILED).code(code).reason(reason).build();
        metrics.job("failed");
        return end(files, d, eventsTopic, e);
    }

    static Outcome.Builder end(JobFiles files, MessageRunner.Delivery d, String eventsTopic, JobEvent e) {
        if (files != null) {
            try {
                files.writeState(e.type().wire().toLowerCase(Locale.ROOT), e.reason(), d.source(), e);
            } catch (StoreException ex) {
                if (ex.kind() == StoreException.Kind.TRANSIENT) {
                    throw ex; // S3 gone past the wait: the message is tried again, then failed
                }
                // e.g. the output bucket is not allowed: nothing to record there, the event still says why
                LOG.infof("no state recorded for %s under %s: %s", e.jobId(), files.output(), ex.getMessage());
            }
        }
        return new Outcome.Builder().add(eventsTopic, e.jobId(), Json.write(e));
    }

    static JobEvent.Builder event(String jobId, EventType type) {
        return JobEvent.builder(jobId, type);
    }
}
