package dev.pix2pix.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class LocalKafkaIT {

    @Test
    void producesAndConsumesThroughTheBroker(LocalKafka kafka) throws Exception {
        kafka.createTopic("it.roundtrip", 3);
        kafka.createTopic("it.roundtrip", 3); // existing topic is fine

        try (Admin admin = Admin.create(kafka.clientConfig())) {
            assertEquals(3, admin.describeTopics(Set.of("it.roundtrip")).allTopicNames().get()
                    .get("it.roundtrip").partitions().size());
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientConfig(),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("it.roundtrip", "job-1", "{\"hello\":1}")).get();
        }
        Map<String, Object> cfg = new HashMap<>(kafka.clientConfig());
        cfg.put(ConsumerConfig.GROUP_ID_CONFIG, "it-group");
        cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cfg,
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("it.roundtrip"));
            long deadline = System.currentTimeMillis() + 30_000;
            while (got.isEmpty() && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(got::add);
            }
        }
        assertEquals(1, got.size());
        assertEquals("job-1", got.get(0).key());
        assertEquals("{\"hello\":1}", got.get(0).value());
        assertTrue(kafka.bootstrapServers().startsWith("127.0.0.1:"));
    }

    @Test
    void createsSeveralTopicsAtOnce(LocalKafka kafka) throws Exception {
        kafka.createTopic("it.many.b", 1);
        kafka.createTopics(List.of("it.many.a", "it.many.b", "it.many.c"), 2);
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            var topics = admin.describeTopics(Set.of("it.many.a", "it.many.b", "it.many.c")).allTopicNames().get();
            assertEquals(2, topics.get("it.many.a").partitions().size());
            assertEquals(1, topics.get("it.many.b").partitions().size(), "an existing topic is left alone");
            assertEquals(2, topics.get("it.many.c").partitions().size());
        }
    }

    @Test
    void sharedBrokerIsStartedOncePerJvm(LocalKafka kafka) {
        assertEquals(kafka.pid(), SharedStack.kafka().pid());
    }
}
