package io.ledgerline.it.harness;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/** The official Kafka Java clients with the settings every test starts from, and a few shared steps. */
public final class Clients {
    /** How long a test waits for data or metadata before it fails, on a slow shared 2-core machine. */
    public static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final AtomicInteger TOPIC_COUNTER = new AtomicInteger();

    private Clients() {}

    /** Idempotent producer, acks=all, byte[] keys and values; {@code overrides} win. */
    public static KafkaProducer<byte[], byte[]> producer(BrokerTarget broker, Map<String, Object> overrides) {
        return producer(broker.bootstrapServers(), overrides);
    }

    /** {@link #producer(BrokerTarget, Map)} by address, for a child JVM that has no {@link BrokerTarget}. */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers, Map<String, Object> overrides) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        c.putAll(overrides);
        return new KafkaProducer<>(c);
    }

    public static KafkaProducer<byte[], byte[]> producer(BrokerTarget broker) {
        return producer(broker, Map.of());
    }

    /** Consumer without a group (tests assign partitions), reading from the earliest offset. */
    public static KafkaConsumer<byte[], byte[]> consumer(BrokerTarget broker, Map<String, Object> overrides) {
        return consumer(broker.bootstrapServers(), overrides);
    }

    /** {@link #consumer(BrokerTarget, Map)} by address, for a child JVM that has no {@link BrokerTarget}. */
    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, Map<String, Object> overrides) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.putAll(overrides);
        return new KafkaConsumer<>(c);
    }

    public static KafkaConsumer<byte[], byte[]> consumer(BrokerTarget broker) {
        return consumer(broker, Map.of());
    }

    public static Admin admin(BrokerTarget broker) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) PATIENCE.toMillis()));
    }

    /** A topic name no other test of the run uses. */
    public static String uniqueTopic(String prefix) {
        return prefix + "-" + TOPIC_COUNTER.incrementAndGet() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
    }

    /** Creates a topic with one replica and waits until every partition has a leader; returns its id. */
    public static Uuid createTopic(Admin admin, String topic, int partitions, Map<String, String> configs) throws Exception {
        Uuid id = admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs)))
                .topicId(topic).get();
        await("partitions of " + topic + " have leaders").atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            assertThat(d.partitions()).hasSize(partitions).allSatisfy(p -> assertThat(p.leader()).isNotNull());
        });
        return id;
    }

    public static List<TopicPartition> partitions(String topic, int count) {
        return IntStream.range(0, count).mapToObj(p -> new TopicPartition(topic, p)).toList();
    }

    /** ListOffsets for one partition: earliest, latest, forTimestamp or maxTimestamp. */
    public static long offset(Admin admin, TopicPartition tp, OffsetSpec spec) throws Exception {
        return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get().offset();
    }

    /**
     * Every record of {@code partitions} from the earliest offset up to the end offsets as of the call,
     * in fetch order. Fails if the end is not reached within {@link #PATIENCE}.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaConsumer<byte[], byte[]> consumer,
                                                                 List<TopicPartition> partitions) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, PATIENCE);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!partitions.stream().allMatch(tp -> consumer.position(tp, PATIENCE) >= end.get(tp))) {
            if (System.nanoTime() > deadline) {
                fail("read %d records, end offsets %s not reached within %s", records.size(), end, PATIENCE);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }
}
