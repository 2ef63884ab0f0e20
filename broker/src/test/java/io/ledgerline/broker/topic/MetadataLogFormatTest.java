package io.ledgerline.broker.topic;

import io.ledgerline.broker.produce.ProducerIdManager;
import io.ledgerline.log.LogManager;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.ledgerline.broker.topic.MetadataStateIsTheReplayOfTheLogTest.DEFAULTS;
import static io.ledgerline.broker.topic.MetadataStateIsTheReplayOfTheLogTest.openLogs;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metadata log's bytes are those the broker wrote before it ran on the coordinator runtime (same topic, same
 * keys, same text values), so an existing data directory loads; and its records carry the broker's clock.
 */
class MetadataLogFormatTest {
    private static final Uuid ORDERS = Uuid.fromString("q0ZBv2jHRUu2oo8XqYwOZg");
    private static final Uuid GONE = Uuid.fromString("3cn8NWbKTZmh0PEhtNT3Hw");

    @TempDir
    Path dir;

    /** Records as the earlier MetadataLog.write appended them: one record per batch, text key and value. */
    private void writeAsBefore(String... keysAndValues) throws IOException {
        try (LogManager logs = openLogs(dir)) {
            PartitionLog log = MetadataLog.open(logs, () -> 0L).partition();
            for (int i = 0; i < keysAndValues.length; i += 2) {
                String value = keysAndValues[i + 1];
                long last = log.append(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(1L,
                        keysAndValues[i].getBytes(StandardCharsets.UTF_8), value == null ? null : value.getBytes(StandardCharsets.UTF_8)))).lastOffset();
                log.flush();
                assertThat(log.highWatermark()).isGreaterThan(last);
            }
        }
    }

    @Test
    void aDataDirectoryWrittenBeforeLoadsWithTheSameTopicsIdsAndBlocks() throws IOException {
        writeAsBefore(
                "cluster-id", "fJ5meXQlQN6US-B_wfkK5w",
                "producer-ids", "1000",
                // Overrides in whatever order a Map gave them, as before.
                "topic/orders", "id=" + ORDERS + "\npartitions=2\nconfig.retention.ms=60000\nconfig.cleanup.policy=compact\n",
                "topic/gone", "id=" + GONE + "\npartitions=1\n",
                "producer-ids", "2000",
                "some-future-key", "kept, and ignored",
                "topic/gone", null,
                "topic/orders", "partitions=3\nconfig.cleanup.policy=compact\nid=" + ORDERS + "\nconfig.retention.ms=60000\n");
        try (LogManager logs = openLogs(dir); MetadataCoordinator metadata = new MetadataCoordinator(logs, () -> 5L, () -> {
            throw new AssertionError("loading decides no id");
        })) {
            TopicRegistry topics = new TopicRegistry(logs, metadata, DEFAULTS);
            assertThat(metadata.clusterId()).isEqualTo("fJ5meXQlQN6US-B_wfkK5w");
            assertThat(metadata.state().producerIdBlockEnd()).isEqualTo(2000);
            assertThat(topics.all()).hasSize(1);
            assertThat(topics.get("gone")).isNull();
            assertThat(topics.get(GONE)).isNull();
            Topic orders = topics.get(ORDERS).topic();
            assertThat(orders).isEqualTo(new Topic("orders", ORDERS, 3, Map.of("retention.ms", "60000", "cleanup.policy", "compact")));
            assertThat(topics.get("orders").partitions()).hasSize(3);
            assertThat(topics.partition("orders", 2).config().compact()).isTrue();
            assertThat(new ProducerIdManager(metadata).nextId()).isEqualTo(2000);
        }
    }

    @Test
    void writesAreTheSameKeysAndTextValuesStampedWithTheBrokersClock() throws IOException {
        AtomicLong clock = new AtomicLong(1_234_000L);
        Uuid id = Uuid.fromString("q0ZBv2jHRUu2oo8XqYwOZg");
        Uuid cluster = new Uuid(0x7c9e6679742540deL, 0x944be07fc1f90ae7L);
        try (LogManager logs = openLogs(dir); MetadataCoordinator metadata = new MetadataCoordinator(logs, clock::get, () -> cluster)) {
            assertThat(metadata.clusterId()).isEqualTo(cluster.toString()).isEqualTo("fJ5meXQlQN6US-B_wfkK5w");
            clock.set(2_000_000L);
            new ProducerIdManager(metadata).nextId();
            clock.set(3_000_000L);
            metadata.write(new MetadataRecord.TopicDefined(new Topic("orders", id, 2, Map.of("segment.bytes", "2097152", "retention.ms", "60000"))));
            clock.set(4_000_000L);
            metadata.write(new MetadataRecord.TopicDeleted("orders"));
        }
        List<String> stored = new ArrayList<>();
        try (LogManager logs = openLogs(dir)) {
            MetadataLog.open(logs, () -> 0L).partition().replay((Record r) ->
                    stored.add(r.timestamp() + " " + text(r.key()) + " -> " + (r.hasValue() ? text(r.value()) : null)));
        }
        assertThat(stored).containsExactly(
                "1234000 cluster-id -> fJ5meXQlQN6US-B_wfkK5w",
                "2000000 producer-ids -> 1000",
                "3000000 topic/orders -> id=" + id + "\npartitions=2\nconfig.retention.ms=60000\nconfig.segment.bytes=2097152\n",
                "4000000 topic/orders -> null");
    }

    private static String text(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b.duplicate()).toString();
    }
}
