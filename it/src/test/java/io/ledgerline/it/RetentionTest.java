package io.ledgerline.it;

import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.Sequenced;
import io.ledgerline.it.harness.SharedBrokerTest;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retention deletes whole old segments and moves the log start offset; consumers reading from the
 * earliest offset start there. Segments are 1 MiB, the smallest segment.bytes Apache Kafka 4.x accepts;
 * the shared broker checks retention every 500 ms ({@link io.ledgerline.it.harness.SharedBroker#SETTINGS}).
 */
class RetentionTest extends SharedBrokerTest {
    private static final String ONE_MIB = Integer.toString(1024 * 1024);
    private static final int RECORD_BYTES = 1024;


    /** About 6 MiB into 1 MiB segments with retention.bytes of 1 MiB: the oldest segments must go. */
    @Test
    void sizeRetentionDeletesOldestSegmentsAndMovesLogStartOffset() throws Exception {
        String topic = Clients.uniqueTopic("retention-bytes");
        TopicPartition tp = new TopicPartition(topic, 0);
        Clients.createTopic(admin, topic, 1, Map.of("segment.bytes", ONE_MIB, "retention.bytes", ONE_MIB));
        int count = 6000;
        produce(topic, 0, count, System.currentTimeMillis());

        awaitLogStartAdvances(tp);
        // Kafka deletes a sealed segment only while the rest still holds retention.bytes, so once retention
        // has run (possibly in several passes) at least 1 MiB remains, and at most about 1 MiB plus a sealed
        // segment plus the active one. In records of 1 KiB plus framing, with slack: 900 to 3,000 records.
        long earliest = await("retention converges to about retention.bytes").atMost(Clients.PATIENCE)
                .until(() -> Clients.offset(admin, tp, OffsetSpec.earliest()), e -> count - e <= 3000);
        System.out.printf("[it] size retention: log start offset %d%n", earliest);

        assertThat(count - earliest).as("records kept: at least retention.bytes").isGreaterThanOrEqualTo(900);
        assertThat(Clients.offset(admin, tp, OffsetSpec.latest())).isEqualTo(count);
        assertConsumerFromEarliestStartsAtLogStart(tp);
    }

    /**
     * 3,000 records stamped two hours ago then 100 stamped now, retention.ms of one hour: the segments
     * holding only old records go, the one holding recent records stays.
     */
    @Test
    void timeRetentionDeletesSegmentsWhoseRecordsAreAllOlderThanRetentionMs() throws Exception {
        String topic = Clients.uniqueTopic("retention-ms");
        TopicPartition tp = new TopicPartition(topic, 0);
        Clients.createTopic(admin, topic, 1, Map.of("segment.bytes", ONE_MIB, "retention.ms", "3600000"));
        long now = System.currentTimeMillis();
        produce(topic, 0, 3000, now - Duration.ofHours(2).toMillis());
        produce(topic, 3000, 100, now);

        long earliest = awaitLogStartAdvances(tp);
        System.out.printf("[it] time retention: log start offset %d%n", earliest);

        assertThat(Clients.offset(admin, tp, OffsetSpec.latest())).isEqualTo(3100);
        assertThat(earliest).as("segments with recent records are kept").isLessThanOrEqualTo(3000);
        assertConsumerFromEarliestStartsAtLogStart(tp);
    }

    /**
     * A topic whose cleanup.policy is only compact is never cut by retention, however old and large (a Kafka Streams
     * changelog must not lose a key to it): a delete topic with the same settings, written alongside, proves that
     * retention passes have run. Keys are unique, so a compaction (Kafka's cleaner) removes nothing either.
     */
    @Test
    void retentionNeverDeletesSegmentsOfACompactOnlyTopic() throws Exception {
        String compacted = Clients.uniqueTopic("retention-compact");
        String deleted = Clients.uniqueTopic("retention-delete");
        Map<String, String> settings = Map.of("segment.bytes", ONE_MIB, "retention.bytes", ONE_MIB, "retention.ms", "3600000");
        Clients.createTopic(admin, compacted, 1, merged(settings, "cleanup.policy", "compact"));
        Clients.createTopic(admin, deleted, 1, merged(settings, "cleanup.policy", "delete"));
        long old = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
        produce(compacted, 0, 3000, old);
        produce(deleted, 0, 3000, old);

        // Every record of the delete topic is past retention.ms: it loses its sealed segments, then (rolled on a
        // later pass) its active one. Its log start reaching its end means several passes have seen both topics.
        TopicPartition tp = new TopicPartition(compacted, 0);
        TopicPartition other = new TopicPartition(deleted, 0);
        await("every record of " + other + " deleted by retention").atMost(Clients.PATIENCE).pollInterval(Duration.ofMillis(250))
                .until(() -> Clients.offset(admin, other, OffsetSpec.earliest()), start -> start == 3000);

        assertThat(Clients.offset(admin, tp, OffsetSpec.earliest())).as("log start of the compact-only topic").isZero();
        assertThat(Clients.offset(admin, tp, OffsetSpec.latest())).isEqualTo(3000);
        assertConsumerFromEarliestStartsAtLogStart(tp);
    }

    private static Map<String, String> merged(Map<String, String> base, String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(base);
        m.put(key, value);
        return m;
    }

    private static long awaitLogStartAdvances(TopicPartition tp) {
        return await("log start offset of " + tp + " advances").atMost(Clients.PATIENCE).pollInterval(Duration.ofMillis(250))
                .until(() -> Clients.offset(admin, tp, OffsetSpec.earliest()), earliest -> earliest > 0);
    }

    /**
     * A consumer reading from the beginning gets, as its first record, the one at the log start offset —
     * the record that was produced there. Retried because retention may still be deleting segments.
     */
    private static void assertConsumerFromEarliestStartsAtLogStart(TopicPartition tp) {
        await().atMost(Clients.PATIENCE).untilAsserted(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker)) {
                List<ConsumerRecord<byte[], byte[]>> read = Clients.readAll(consumer, List.of(tp));
                long logStart = Clients.offset(admin, tp, OffsetSpec.earliest());
                assertThat(read).isNotEmpty();
                assertThat(read.get(0).offset()).as("first offset read").isEqualTo(logStart);
                assertThat(Sequenced.seq(read.get(0))).as("record at the log start offset").isEqualTo((int) logStart);
            }
        });
    }

    private static void produce(String topic, int firstSeq, int count, long timestamp) {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
            for (int seq = firstSeq; seq < firstSeq + count; seq++) {
                byte[] key = ("key-" + seq + "-" + timestamp).getBytes(java.nio.charset.StandardCharsets.UTF_8); // unique
                producer.send(new ProducerRecord<>(topic, 0, timestamp, key, new byte[RECORD_BYTES], List.<Header>of(Sequenced.header(seq))));
            }
            producer.flush();
        }
    }
}
