package io.ledgerline.it.harness;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consumer-group steps shared by the group tests: group consumers with short group timers (the broker
 * allows them: {@link SharedBroker#SETTINGS} lowers group.min.session.timeout.ms), values "v0".."vN"
 * produced round-robin, committed offsets read through the Admin client, and the assignment checks.
 */
public final class Groups {
    /** A dead member is noticed within seconds; the broker's group.min.session.timeout.ms allows it. */
    public static final int SESSION_TIMEOUT_MS = 3000;
    public static final int HEARTBEAT_INTERVAL_MS = 500;
    /** Also the rebalance timeout of the classic protocol: a member that does not rejoin within it is removed. */
    public static final int MAX_POLL_INTERVAL_MS = 20_000;

    private Groups() {}

    /** {@link Clients#consumer} in {@code group} with the short group timers; {@code overrides} win. */
    public static KafkaConsumer<byte[], byte[]> consumer(BrokerTarget broker, String group, Map<String, Object> overrides) {
        return consumer(broker.bootstrapServers(), group, overrides);
    }

    static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, String group, Map<String, Object> overrides) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, HEARTBEAT_INTERVAL_MS);
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, MAX_POLL_INTERVAL_MS);
        c.putAll(overrides);
        return Clients.consumer(bootstrapServers, c);
    }

    /** Produces values "v{from}".."v{from+count-1}", value i to partition i % partitions, keyed "k"+i; waits for every ack. */
    public static void produce(BrokerTarget broker, String topic, int partitions, int from, int count) {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, bytes("k" + i), bytes("v" + i)));
            }
            producer.flush();
        }
    }

    /** "v{from}".."v{to-1}". */
    public static List<String> values(int from, int to) {
        List<String> v = new ArrayList<>();
        for (int i = from; i < to; i++) v.add("v" + i);
        return v;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Committed offsets of {@code group} by partition number (one topic per group in these tests). */
    public static Map<Integer, Long> committed(Admin admin, String group) throws Exception {
        return committedOffsets(admin, group).entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
    }

    public static Map<TopicPartition, OffsetAndMetadata> committedOffsets(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(Clients.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
    }

    /** Every member holds partitions, no partition is held twice, and together they hold 0..partitions-1. */
    public static void assertDisjointCover(List<Set<Integer>> assignments, int partitions) {
        Set<Integer> union = new HashSet<>();
        int total = 0;
        for (Set<Integer> a : assignments) {
            assertThat(a).as("every member gets partitions: %s", assignments).isNotEmpty();
            union.addAll(a);
            total += a.size();
        }
        assertThat(union).as("assignments %s cover every partition", assignments)
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, partitions).boxed().toList());
        assertThat(total).as("no partition is assigned twice: %s", assignments).isEqualTo(partitions);
    }
}
