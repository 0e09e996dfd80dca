package dev.pix2pix.worker.testing;

import dev.pix2pix.stack.LocalKafka;
import dev.pix2pix.stack.LocalS3;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.StoreConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What one worker IT class's world holds on real Kafka and S3Proxy, for both workers: its bucket and a
 * store on it, its topics (created before the readers subscribe), a producer, readers of its events and
 * dead letters, and the settings that point a worker at all of it. Each worker's {@code ItEnv} adds its
 * topic names, jobs and fixtures.
 */
public abstract class ItWorld implements AutoCloseable {
    public final String name;
    public final LocalKafka kafka;
    public final LocalS3 s3;
    public final String bucket;
    public final ObjectStore store;
    public final EventLog events;
    public final EventLog dlq;
    private final KafkaProducer<String, String> producer;

    /**
     * @param topics      topics to create first, with their partition counts (existing ones are kept)
     * @param eventsTopic read into {@link #events}
     * @param dlqTopic    read into {@link #dlq}
     */
    protected ItWorld(String name, String bucket, LocalKafka kafka, LocalS3 s3, Map<String, Integer> topics,
            String eventsTopic, String dlqTopic) {
        this.name = name;
        this.kafka = kafka;
        this.s3 = s3;
        this.bucket = bucket;
        topics.forEach(kafka::createTopic);
        this.store = new ObjectStore(new StoreConfig(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(),
                null, null));
        store.ensureBucket(bucket);
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        this.events = new EventLog(kafka.bootstrapServers(), eventsTopic);
        this.dlq = new EventLog(kafka.bootstrapServers(), dlqTopic);
    }

    public String uri(String key) {
        return "s3://" + bucket + "/" + key;
    }

    /** The settings every worker of this world takes: the servers, the bucket allow-list, CPU, a work folder. */
    protected Map<String, String> baseWorkerProps(Path workDir) {
        Map<String, String> p = new HashMap<>();
        p.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        p.put("pix2pix.s3.endpoint", s3.endpoint());
        p.put("pix2pix.s3.access-key", s3.accessKey());
        p.put("pix2pix.s3.secret-key", s3.secretKey());
        p.put("pix2pix.s3.allowed-buckets", bucket);
        p.put("pix2pix.device", "cpu");
        p.put("pix2pix.work-dir", workDir.toAbsolutePath().toString());
        return p;
    }

    /** Sends and waits for the broker's acknowledgement. */
    public void sendTo(String topic, String key, String value) {
        send(new ProducerRecord<>(topic, key, value));
    }

    /** To a chosen partition. */
    public void sendTo(String topic, int partition, String key, String value) {
        send(new ProducerRecord<>(topic, partition, key, value));
    }

    private void send(ProducerRecord<String, String> record) {
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + record.topic(), e);
        }
    }

    @Override
    public void close() throws Exception {
        producer.close();
        events.close();
        dlq.close();
        store.close();
    }

    /** Topic name to partitions, in the order given. */
    protected static Map<String, Integer> topics(Object... nameThenPartitions) {
        Map<String, Integer> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < nameThenPartitions.length; i += 2) {
            m.put((String) nameThenPartitions[i], (Integer) nameThenPartitions[i + 1]);
        }
        return m;
    }
}
