package dev.pix2pix.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * How the job commands reach Kafka: the bootstrap servers and any Kafka client properties
 * ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, ...), gathered the way Kafka's own tools
 * ({@code --command-config FILE}) and the workers ({@code KAFKA_*} environment variables) take them.
 *
 * @param bootstrapServers where to connect
 * @param properties       client properties other than {@code bootstrap.servers}
 * @param source           where the settings came from, for messages ("the local stack in DIR", "--command-config F")
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> properties, String source) {

    /** Every property name a Kafka producer, consumer or admin client knows. */
    static final Set<String> CLIENT_PROPERTIES = clientProperties();

    public KafkaSettings {
        properties = Map.copyOf(properties);
    }

    /** Plaintext, bootstrap servers only. */
    public static KafkaSettings plain(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, Map.of(), "--bootstrap-servers");
    }

    /**
     * Kafka client properties from {@code KAFKA_*} environment variables, as the workers read them:
     * {@code KAFKA_SECURITY_PROTOCOL} is {@code security.protocol}, {@code KAFKA_SASL_JAAS_CONFIG} is
     * {@code sasl.jaas.config}. Variables that name no client property (KAFKA_HOME, KAFKA_OPTS, ...) and
     * {@code KAFKA_BOOTSTRAP_SERVERS} (taken separately) are left out.
     */
    static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String var : new TreeSet<>(env.keySet())) {
            if (!var.startsWith("KAFKA_") || var.equals("KAFKA_BOOTSTRAP_SERVERS")) {
                continue;
            }
            String name = var.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
            String value = env.get(var);
            if (CLIENT_PROPERTIES.contains(name) && value != null && !value.isBlank()) {
                out.put(name, value);
            }
        }
        return out;
    }

    /** A Kafka client properties file ({@code --command-config}), as {@code kafka-topics.sh} reads it. */
    static Map<String, String> readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--command-config " + file + ": no such file");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("--command-config " + file + ": cannot read it: " + e.getMessage(), e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : new TreeSet<>(p.stringPropertyNames())) {
            out.put(k.trim(), p.getProperty(k).trim());
        }
        return out;
    }

    /**
     * Merges the sources: the local stack's client properties (only when its bootstrap servers are used),
     * then {@code KAFKA_*} variables, then the {@code --command-config} file; later ones win. The bootstrap
     * servers come from the flag, else {@code KAFKA_BOOTSTRAP_SERVERS}, else the file's
     * {@code bootstrap.servers}, else the stack. Null when none of them names any.
     */
    static KafkaSettings resolve(String flag, Map<String, String> env, Path commandConfig,
                                 Supplier<KafkaSettings> stack) {
        Map<String, String> file = commandConfig == null ? Map.of() : readFile(commandConfig);
        String bootstrap = firstNonBlank(flag, env.get("KAFKA_BOOTSTRAP_SERVERS"), file.get("bootstrap.servers"));
        Map<String, String> props = new LinkedHashMap<>();
        String source;
        if (bootstrap == null) {
            KafkaSettings s = stack.get();
            if (s == null) {
                return null;
            }
            bootstrap = s.bootstrapServers();
            props.putAll(s.properties());
            source = s.source();
        } else {
            source = flag != null && !flag.isBlank() ? "--bootstrap-servers"
                    : env.get("KAFKA_BOOTSTRAP_SERVERS") != null && !env.get("KAFKA_BOOTSTRAP_SERVERS").isBlank()
                            ? "KAFKA_BOOTSTRAP_SERVERS" : "--command-config " + commandConfig;
        }
        Map<String, String> fromEnv = fromEnvironment(env);
        props.putAll(fromEnv);
        props.putAll(file);
        props.remove("bootstrap.servers");
        if (!fromEnv.isEmpty()) {
            source += " + KAFKA_* variables";
        }
        if (commandConfig != null && !source.contains("--command-config")) {
            source += " + --command-config " + commandConfig;
        }
        return new KafkaSettings(bootstrap, props, source);
    }

    /**
     * Properties for one client: these settings, then {@code fixed} (what the command needs to work as
     * documented: serializers, acknowledgements, timeouts), which the user's properties cannot undo.
     */
    public Properties clientProperties(Map<String, Object> fixed) {
        Properties p = new Properties();
        p.putAll(properties);
        p.put("bootstrap.servers", bootstrapServers);
        p.putAll(fixed);
        return p;
    }

    /** For messages: where, how (security protocol, SASL mechanism and user), never a password. */
    public String describe() {
        String protocol = properties.getOrDefault("security.protocol", "PLAINTEXT");
        StringBuilder b = new StringBuilder(bootstrapServers).append(" (").append(protocol);
        if (protocol.startsWith("SASL")) {
            b.append(", ").append(properties.getOrDefault("sasl.mechanism", "GSSAPI"));
            String user = jaasUser(properties.get("sasl.jaas.config"));
            if (user != null) {
                b.append(" as ").append(user);
            }
        }
        return b.append(")").toString();
    }

    /** Whether TLS or SASL is configured at all (for the hint after a timeout). */
    boolean secured() {
        return !properties.getOrDefault("security.protocol", "PLAINTEXT").equalsIgnoreCase("PLAINTEXT");
    }

    /** {@code username="x"} of a JAAS line, or null. */
    static String jaasUser(String jaas) {
        if (jaas == null) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("username\\s*=\\s*\"([^\"]*)\"").matcher(jaas);
        return m.find() ? m.group(1) : null;
    }

    /** Never prints secrets. */
    @Override
    public String toString() {
        return "KafkaSettings[" + describe() + ", from " + source + "]";
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    private static Set<String> clientProperties() {
        Set<String> s = new TreeSet<>(ProducerConfig.configNames());
        s.addAll(ConsumerConfig.configNames());
        s.addAll(AdminClientConfig.configNames());
        return Set.copyOf(s);
    }
}
