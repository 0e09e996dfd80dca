package dev.pix2pix.worker.train;

import dev.pix2pix.msg.Party;
import dev.pix2pix.msg.Topics;
import dev.pix2pix.worker.TopicAdmin;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Creates the missing topics this worker reads and writes when configured to
 * ({@code pix2pix.topics.create}), as the inventory declares them, before the messaging channels start
 * (so consumers do not wait on metadata of a topic that does not exist yet).
 */
@ApplicationScoped
public class TopicCreator {
    private static final Logger LOG = Logger.getLogger(TopicCreator.class);

    @Inject
    WorkerConfig cfg;

    @Inject
    Topics topics;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    // Runs before SmallRye Reactive Messaging wires the channels (which observes StartupEvent later).
    void onStart(@Observes @Priority(1) StartupEvent ev) {
        if (!cfg.topics().create()) {
            return;
        }
        try {
            for (String name : TopicAdmin.createMissing(kafka, Party.WORKER_TRAIN, topics)) {
                LOG.infof("created topic %s", name);
            }
        } catch (Exception e) {
            // Not fatal: the Kafka health check reports the broker; topics may be managed elsewhere.
            LOG.warnf("could not check/create topics: %s", e.toString());
        }
    }
}
