package io.ledgerline.it.mirror;

import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The way out of Ledgerline (docs/operations.md, "Moving to an Apache Kafka cluster"): MirrorMaker 2 copies
 * two topics, their configs and the consumer groups' offsets to a 3-broker Apache Kafka cluster, and a group
 * then resumes there exactly where it stopped on Ledgerline.
 *
 * <p>The steps are the documented cut-over: MirrorMaker starts while producers and consumers still work on
 * Ledgerline; the consumers stop on Ledgerline (having committed what they read), their offsets appear on
 * Kafka, translated; producers go on writing to Ledgerline meanwhile (MirrorMaker copies it); then the
 * consumers start on Kafka. The source is the selected {@link BrokerTarget} (Ledgerline; Apache Kafka with
 * {@code -Pkafka,mirror}, which shows that the test expects what MirrorMaker does between two Kafkas).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MirrorMakerMigrationTest {
    /** MirrorMaker creates topics, copies a first batch of records and translates offsets on a loaded 2-core machine. */
    private static final Duration MIRROR_PATIENCE = Duration.ofSeconds(150);
    private static final String ORDERS = "orders";
    private static final String ACCOUNTS = "accounts";
    private static final Map<String, Integer> PARTITIONS = Map.of(ORDERS, 3, ACCOUNTS, 2);
    /** Records per partition before the consumers stop on Ledgerline, and produced after that. */
    private static final int BEFORE = 20;
    private static final int AFTER = 10;
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    @Test
    void topicsConfigsAndGroupOffsetsMoveAndTheGroupResumesOnKafkaAtItsNextRecord() throws Exception {
        long started = System.nanoTime();
        CompletableFuture<KafkaCluster> kafkaStarting = CompletableFuture.supplyAsync(() -> {
            try {
                return KafkaCluster.start();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        try (BrokerTarget source = BrokerTarget.start(Map.of());
             Admin sourceAdmin = Clients.admin(source);
             KafkaProducer<byte[], byte[]> producer = Clients.producer(source)) {
            Clients.createTopic(sourceAdmin, ORDERS, PARTITIONS.get(ORDERS), Map.of(
                    "retention.ms", "86400000", "max.message.bytes", "2097152", "cleanup.policy", "delete"));
            Clients.createTopic(sourceAdmin, ACCOUNTS, PARTITIONS.get(ACCOUNTS), Map.of(
                    "cleanup.policy", "compact", "segment.ms", "3600000", "message.timestamp.type", "LogAppendTime"));
            produce(producer, 0, BEFORE);

            // billing read everything there was and committed it; reporting read orders and committed halfway.
            Map<TopicPartition, OffsetAndMetadata> billing = consumeAndCommit(source, "billing", List.of(ORDERS, ACCOUNTS), BEFORE);
            Map<TopicPartition, OffsetAndMetadata> reporting = consumeAndCommit(source, "reporting", List.of(ORDERS), BEFORE / 2);
            assertThat(billing).hasSize(5).allSatisfy((tp, om) -> assertThat(om.offset()).isEqualTo(BEFORE));

            try (KafkaCluster kafka = kafkaStarting.join();
                 Admin kafkaAdmin = kafka.admin();
                 MirrorMakerProcess mm2 = MirrorMakerProcess.start(source.bootstrapServers(), kafka.bootstrapServers())) {
                long mirrorStarted = System.nanoTime();
                await("billing's offsets translated to Kafka").atMost(MIRROR_PATIENCE).pollInterval(Duration.ofMillis(500))
                        .ignoreExceptions().untilAsserted(() -> {
                            assertThat(mm2.isAlive()).as("MirrorMaker is running").isTrue();
                            assertThat(committed(kafkaAdmin, "billing")).isEqualTo(billing);
                        });
                System.out.printf("[it] group offsets on Kafka %d ms after MirrorMaker started%n", millisSince(mirrorStarted));

                assertTopicsAndConfigsMoved(kafkaAdmin);

                // Producers still write to Ledgerline: MirrorMaker copies that too.
                produce(producer, BEFORE, AFTER);
                Map<TopicPartition, Long> sourceEnd = endOffsets(sourceAdmin);
                assertThat(sourceEnd).allSatisfy((tp, end) -> assertThat(end).isEqualTo(BEFORE + AFTER));
                await("every record copied").atMost(MIRROR_PATIENCE).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .untilAsserted(() -> assertThat(endOffsets(kafkaAdmin)).isEqualTo(sourceEnd));

                List<Copy> onLedgerline = readAll(source.bootstrapServers());
                List<Copy> onKafka = readAll(kafka.bootstrapServers());
                assertThat(onKafka).hasSize(5 * (BEFORE + AFTER)).isEqualTo(onLedgerline);

                // The group resumes on Kafka: exactly the records after its commit, none before.
                List<Copy> resumed = resume(kafka.bootstrapServers(), "billing", List.of(ORDERS, ACCOUNTS), 5 * AFTER);
                List<Copy> expected = onLedgerline.stream().filter(c -> c.offset() >= BEFORE).toList();
                assertThat(resumed).hasSize(5 * AFTER).isEqualTo(expected);

                // A group that had not read up to the copied end: MirrorMaker's translation never goes past its
                // commit (no record is skipped), it may go back (records are read again).
                Map<TopicPartition, OffsetAndMetadata> reportingOnKafka = committed(kafkaAdmin, "reporting");
                System.out.printf("[it] reporting committed %s on the source, %s on Kafka%n", offsets(reporting), offsets(reportingOnKafka));
                assertThat(reportingOnKafka).allSatisfy((tp, om) -> assertThat(om.offset()).isLessThanOrEqualTo(reporting.get(tp).offset()));

                assertThat(mirrorMakerLog()).as("MirrorMaker's log")
                        .doesNotContain("Could not create topic", "Could not alter configuration", "Failure to")
                        .contains("No ACL authorizer is configured on the source Kafka cluster");
            }
        } finally {
            // The cluster when the test failed before it used it (closing it twice is harmless).
            kafkaStarting.thenAccept(KafkaCluster::closeQuietly);
            System.out.printf("[it] migration test took %d ms%n", millisSince(started));
        }
    }

    /** Records {@code from}..{@code from+count-1} of every partition, keyed, with headers; orders with their own timestamp. */
    private static void produce(KafkaProducer<byte[], byte[]> producer, int from, int count) throws Exception {
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        for (String topic : List.of(ORDERS, ACCOUNTS)) {
            for (int p = 0; p < PARTITIONS.get(topic); p++) {
                for (int i = from; i < from + count; i++) {
                    String id = topic + "-" + p + "-" + i;
                    Long timestamp = topic.equals(ORDERS) ? BASE_TIMESTAMP + p * 1000L + i : null;
                    List<Header> headers = List.of(new RecordHeader("trace", ("t-" + id).getBytes(StandardCharsets.UTF_8)),
                            new RecordHeader("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
                    sent.add(producer.send(new ProducerRecord<>(topic, p, timestamp, bytes("key-" + id), bytes("value-" + id), headers)));
                }
            }
        }
        producer.flush();
        for (java.util.concurrent.Future<?> f : sent) f.get();
    }

    /** A group member reads {@code topics} from the start until it has all {@code BEFORE} records of each partition, commits {@code commitAt} for each, leaves. */
    private static Map<TopicPartition, OffsetAndMetadata> consumeAndCommit(BrokerTarget source, String group, List<String> topics,
                                                                           int commitAt) {
        int partitions = topics.stream().mapToInt(PARTITIONS::get).sum();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(source, Map.of(ConsumerConfig.GROUP_ID_CONFIG, group))) {
            consumer.subscribe(topics);
            int read = 0;
            long deadline = System.nanoTime() + Clients.PATIENCE.toNanos();
            while (read < partitions * BEFORE) {
                if (System.nanoTime() > deadline) fail("group %s read %d of %d records", group, read, partitions * BEFORE);
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            Map<TopicPartition, OffsetAndMetadata> commit = consumer.assignment().stream()
                    .collect(Collectors.toMap(tp -> tp, tp -> new OffsetAndMetadata(commitAt)));
            assertThat(commit).hasSize(partitions);
            consumer.commitSync(commit);
            return commit;
        }
    }

    /** Joins {@code group} on Kafka with no reset policy (no committed offset would fail) and reads {@code count} records. */
    private static List<Copy> resume(String bootstrap, String group, List<String> topics, int count) {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"))) {
            consumer.subscribe(topics);
            List<Copy> records = new ArrayList<>();
            long deadline = System.nanoTime() + Clients.PATIENCE.toNanos();
            while (records.size() < count || !atEnd(consumer)) {
                if (System.nanoTime() > deadline) fail("group %s read %d records on Kafka: %s", group, records.size(), records);
                consumer.poll(Duration.ofMillis(200)).forEach(r -> records.add(Copy.of(r)));
            }
            records.sort(Copy.ORDER);
            return records;
        }
    }

    private static boolean atEnd(KafkaConsumer<byte[], byte[]> consumer) {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.size() < 5) return false;
        Map<TopicPartition, Long> end = consumer.endOffsets(assigned, Clients.PATIENCE);
        return assigned.stream().allMatch(tp -> consumer.position(tp, Clients.PATIENCE) >= end.get(tp));
    }

    private static void assertTopicsAndConfigsMoved(Admin kafka) throws Exception {
        Map<String, TopicDescription> topics = kafka.describeTopics(List.of(ORDERS, ACCOUNTS)).allTopicNames().get();
        PARTITIONS.forEach((topic, count) -> assertThat(topics.get(topic).partitions()).as(topic).hasSize(count)
                .allSatisfy(p -> assertThat(p.replicas()).as(topic + " replicas").hasSize(KafkaCluster.NODES)));
        // Configs are set at creation and then kept in sync: a config Kafka reports as set on the topic moved.
        Map<String, Map<String, ConfigEntry>> configs = topicConfigs(kafka);
        assertThat(dynamic(configs.get(ORDERS))).as("orders' configs on Kafka")
                .isEqualTo(Map.of("retention.ms", "86400000", "max.message.bytes", "2097152", "cleanup.policy", "delete"));
        assertThat(dynamic(configs.get(ACCOUNTS))).as("accounts' configs on Kafka")
                .isEqualTo(Map.of("cleanup.policy", "compact", "segment.ms", "3600000"));
        // Set explicitly, cleanup.policy=delete moves although it is the default. message.timestamp.type is
        // excluded by MirrorMaker (a copy keeps the source's timestamps, which are the source's append times).
        assertThat(configs.get(ACCOUNTS).get("message.timestamp.type").value()).isEqualTo("CreateTime");
    }

    private static Map<String, Map<String, ConfigEntry>> topicConfigs(Admin admin) throws Exception {
        Map<ConfigResource, Config> described = admin.describeConfigs(List.of(
                new ConfigResource(ConfigResource.Type.TOPIC, ORDERS), new ConfigResource(ConfigResource.Type.TOPIC, ACCOUNTS))).all().get();
        Map<String, Map<String, ConfigEntry>> out = new HashMap<>();
        described.forEach((r, c) -> out.put(r.name(), c.entries().stream().collect(Collectors.toMap(ConfigEntry::name, e -> e))));
        return out;
    }

    private static Map<String, String> dynamic(Map<String, ConfigEntry> entries) {
        return entries.values().stream().filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value));
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().forEach((tp, om) -> {
            if (om != null) offsets.put(tp, new OffsetAndMetadata(om.offset(), om.metadata()));
        });
        return offsets;
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> request = allPartitions().stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        return admin.listOffsets(request).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static List<TopicPartition> allPartitions() {
        return Stream.of(ORDERS, ACCOUNTS).flatMap(t -> Clients.partitions(t, PARTITIONS.get(t)).stream()).toList();
    }

    private static List<Copy> readAll(String bootstrap) {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of())) {
            List<Copy> records = new ArrayList<>(Clients.readAll(consumer, allPartitions()).stream().map(Copy::of).toList());
            records.sort(Copy.ORDER);
            return records;
        }
    }

    private static String offsets(Map<TopicPartition, OffsetAndMetadata> offsets) {
        return new java.util.TreeMap<>(offsets.entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().toString(), e -> e.getValue().offset()))).toString();
    }

    private static String mirrorMakerLog() throws IOException {
        return Files.readString(Path.of(System.getProperty(MirrorMakerProcess.CLASSPATH_PROPERTY)).resolveSibling("mirrormaker.log"));
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** What must be equal between a record and its copy: where it is, key, value, headers, timestamp. */
    record Copy(String topic, int partition, long offset, String key, String value, List<String> headers, long timestamp) {
        static final Comparator<Copy> ORDER = Comparator.comparing(Copy::topic).thenComparingInt(Copy::partition).thenComparingLong(Copy::offset);

        static Copy of(ConsumerRecord<byte[], byte[]> r) {
            List<String> headers = new ArrayList<>();
            for (Header h : r.headers()) headers.add(h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8));
            return new Copy(r.topic(), r.partition(), r.offset(), new String(r.key(), StandardCharsets.UTF_8),
                    new String(r.value(), StandardCharsets.UTF_8), headers, r.timestamp());
        }
    }
}
