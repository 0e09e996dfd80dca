package dev.pix2pix.worker.infer;

import dev.pix2pix.msg.Topics;
import java.net.InetAddress;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Lowest-priority defaults that must come from code: topic names from {@link Topics} (so they are
 * decided in one place) and a per-process instance id. application.properties, system properties
 * and the environment all override them.
 */
public final class DefaultsConfigSource implements ConfigSource {
    private static final Map<String, String> VALUES = Map.of(
            "pix2pix.topics.translate-jobs", Topics.TRANSLATE_JOBS,
            "pix2pix.topics.translate-shards", Topics.TRANSLATE_SHARDS,
            "pix2pix.topics.translate-done", Topics.TRANSLATE_DONE,
            "pix2pix.topics.events", Topics.EVENTS,
            "pix2pix.topics.control", Topics.CONTROL,
            "pix2pix.topics.dlq", Topics.DLQ,
            "pix2pix.instance-id", hostName() + "-" + ProcessHandle.current().pid());

    @Override
    public Set<String> getPropertyNames() {
        return VALUES.keySet();
    }

    @Override
    public String getValue(String name) {
        return VALUES.get(name);
    }

    @Override
    public String getName() {
        return "pix2pix-worker-infer-defaults";
    }

    @Override
    public int getOrdinal() {
        return 10;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "worker";
        }
    }
}
