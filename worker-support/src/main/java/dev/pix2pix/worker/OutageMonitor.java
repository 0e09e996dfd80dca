package dev.pix2pix.worker;

import dev.pix2pix.store.OutageListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Which servers this worker is waiting for, and since when. The object store reports through
 * {@link OutageListener}; Kafka through {@link #failing}/{@link #answering} from the transactional
 * publisher. Readiness is down while any outage lasts (a load balancer or operator sees why), and
 * each outage is logged once when it starts and once when it ends, not at every retry.
 */
public final class OutageMonitor implements OutageListener {
    private static final Logger LOG = Logger.getLogger(OutageMonitor.class);

    private final Map<String, Instant> down = new ConcurrentHashMap<>();
    private final Clock clock;

    public OutageMonitor() {
        this(Clock.systemUTC());
    }

    OutageMonitor(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void failing(String server, Duration soFar, Exception cause) {
        if (down.putIfAbsent(server, clock.instant().minus(soFar)) == null) {
            LOG.warnf("%s does not answer (%s); waiting it out, work resumes when it is back", server,
                    cause == null ? "no answer" : cause.toString());
        }
    }

    @Override
    public void answering(String server) {
        Instant since = down.remove(server);
        if (since != null) {
            LOG.infof("%s answers again after %d s", server, Duration.between(since, clock.instant()).toSeconds());
        }
    }

    /** Servers currently not answering -> since when; empty when all is well. */
    public Map<String, Instant> outages() {
        return new TreeMap<>(down);
    }

    public boolean healthy() {
        return down.isEmpty();
    }
}
