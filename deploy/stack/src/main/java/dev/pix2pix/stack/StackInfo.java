package dev.pix2pix.stack;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code stack up} started, as stored in {@code <stateDir>/stack.json}: how to reach Kafka
 * and S3, and every process to stop on {@code stack down} (servers first in the list, workers
 * appended later via {@link LocalStack#addProcess}).
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
        List<StackProcess> processes) {

    public static final String KAFKA = "kafka";
    public static final String S3PROXY = "s3proxy";

    public StackInfo {
        processes = processes == null ? List.of() : List.copyOf(processes);
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
                kafkaPort, kafkaControllerPort, s3Port, all);
    }
}
