package dev.pix2pix.worker.config;

import dev.pix2pix.msg.Topics;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Lowest-priority defaults that must come from code, for both workers: topic names from {@link Topics} (so
 * they are decided in one place) and a per-process instance id (host name and pid; the pod name in k8s/).
 * application.properties (250), the environment (300) and system properties (400) all override them.
 */
public final class WorkerDefaults implements ConfigSource {
    private static final Map<String, String> VALUES = values();

    private static Map<String, String> values() {
        Map<String, String> m = new HashMap<>(Topics.configDefaults());
        m.put("pix2pix.instance-id", hostName() + "-" + ProcessHandle.current().pid());
        return Map.copyOf(m);
    }

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
        return "pix2pix-worker-defaults";
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
