package dev.pix2pix.stack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code stack up} started, as stored in {@code <stateDir>/stack.json} (mode 600): how to reach Kafka
 * and S3, and every process to stop on {@code stack down} (servers first in the list, workers
 * appended later via {@link LocalStack#addProcess}). {@code security} is null for a plaintext stack.
 */
public record StackInfo(
        String bootstrapServers,
        String s3Endpoint,
        String accessKey,
        String secretKey,
        String region,
        int kafkaPort,
        int kafkaControllerPort,
        int s3Port,
        List<StackProcess> processes,
        Security security) {

    public static final String KAFKA = "kafka";
    public static final String S3PROXY = "s3proxy";

    public StackInfo {
        processes = processes == null ? List.of() : List.copyOf(processes);
    }

    /** A plaintext stack. */
    public StackInfo(String bootstrapServers, String s3Endpoint, String accessKey, String secretKey, String region,
                     int kafkaPort, int kafkaControllerPort, int s3Port, List<StackProcess> processes) {
        this(bootstrapServers, s3Endpoint, accessKey, secretKey, region, kafkaPort, kafkaControllerPort, s3Port,
                processes, null);
    }

    /**
     * A secured stack: Kafka SASL_SSL with SCRAM-SHA-512 users and ACLs, S3Proxy over https, both with the
     * certificate of a CA generated for the stack.
     *
     * @param tlsDir      where the CA ({@code ca.crt}) and the keystores are
     * @param tlsPassword of the keystores
     * @param superUser   the Kafka user allowed everything (creates topics and ACLs)
     * @param kafkaUsers  Kafka user -> password, the super user included
     */
    public record Security(String tlsDir, String tlsPassword, String superUser, Map<String, String> kafkaUsers) {
        public Security {
            kafkaUsers = Map.copyOf(kafkaUsers);
        }

        public LocalTls localTls() {
            return new LocalTls(Path.of(tlsDir), tlsPassword);
        }

        public LocalKafka.Security kafkaSecurity() {
            return new LocalKafka.Security(localTls(), superUser, kafkaUsers);
        }

        /** The CA certificate (PEM) that clients of this stack trust. */
        public Path caFile() {
            return localTls().caCert();
        }

        /** Never prints the passwords. */
        @Override
        public String toString() {
            return "Security[tlsDir=" + tlsDir + ", superUser=" + superUser + ", kafkaUsers=" + kafkaUsers.keySet() + "]";
        }
    }

    public boolean secure() {
        return security != null;
    }

    public List<Long> pids() {
        return processes.stream().map(StackProcess::pid).toList();
    }

    public Optional<StackProcess> process(String name) {
        return processes.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** True when both servers still run. */
    public boolean serversRunning() {
        return process(KAFKA).map(StackProcess::running).orElse(false)
                && process(S3PROXY).map(StackProcess::running).orElse(false);
    }

    public StackInfo withProcess(StackProcess p) {
        List<StackProcess> all = new ArrayList<>(processes);
        all.add(p);
        return new StackInfo(bootstrapServers, s3Endpoint, accessKey, secretKey, region,
                kafkaPort, kafkaControllerPort, s3Port, all, security);
    }
}
