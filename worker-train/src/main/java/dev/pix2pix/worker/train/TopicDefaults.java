package dev.pix2pix.worker.train;

import dev.pix2pix.msg.Topics;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Supplies {@code pix2pix.topics.*} defaults from the inventory ({@link Topics#configDefaults()}), so that topic names are
 * decided in one place (common) yet overridable by application.properties or the environment, whose
 * ordinals are higher.
 */
public final class TopicDefaults implements ConfigSource {
    private static final Map<String, String> VALUES = Map.copyOf(Topics.configDefaults());

    @Override
    public Set<String> getPropertyNames() {
        return VALUES.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return VALUES.get(propertyName);
    }

    @Override
    public String getName() {
        return "pix2pix-topic-defaults";
    }

    @Override
    public int getOrdinal() {
        return 10; // below application.properties (250), system properties (400) and env (300)
    }
}
