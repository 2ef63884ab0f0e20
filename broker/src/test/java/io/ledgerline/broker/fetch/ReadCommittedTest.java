package io.ledgerline.broker.fetch;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.testkit.ClientProps;
import io.ledgerline.broker.testkit.TestBroker;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official consumer with isolation.level=read_committed against transactions written straight into a
 * partition log (the coordinator is not involved): it stops at the last stable offset, skips aborted records,
 * and its endOffsets (ListOffsets latest) is the last stable offset; read_uncommitted sees everything.
 */
class ReadCommittedTest {
    private static final long P1 = 77;
    private static final long P2 = 78;

    @TempDir
    static Path dir;
    static Broker broker;

    @BeforeAll
    static void start() throws IOException {
        broker = TestBroker.start(dir).broker();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static MemoryRecords txn(long pid, int seq, String value) {
        return MemoryRecords.withTransactionalRecords(Compression.NONE, pid, (short) 0, seq,
                new SimpleRecord(1L, null, value.getBytes(StandardCharsets.UTF_8)));
    }

    private static MemoryRecords plain(String value) {
        return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(1L, null, value.getBytes(StandardCharsets.UTF_8)));
    }

    private static void durable(PartitionLog log) throws Exception {
        log.durable(log.logEndOffset() - 1).get();
    }

    private static KafkaConsumer<String, String> consumer(String isolation) {
        Properties p = ClientProps.consumer(broker.advertisedHost() + ":" + broker.port(), Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation));
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    /** Polls until the consumer's position reaches {@code position}; returns the values it got. */
    private static List<String> pollTo(KafkaConsumer<String, String> c, TopicPartition tp, long position) {
        List<String> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 20_000;
        while (c.position(tp) < position && System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) out.add(r.value());
        }
        assertThat(c.position(tp)).isEqualTo(position);
        return out;
    }

    @Test
    void readCommittedStopsAtTheLastStableOffsetAndSkipsAbortedRecords() throws Exception {
        broker.topics().create("rc", 1, Map.of());
        TopicPartition tp = new TopicPartition("rc", 0);
        PartitionLog log = broker.topics().partition("rc", 0);
        log.append(plain("a"));
        long x1 = log.append(txn(P1, 0, "x1")).baseOffset();
        log.append(txn(P2, 0, "y1"));
        log.append(plain("b"));
        log.appendMarker(P2, (short) 0, ControlRecordType.ABORT, 0);
        durable(log);

        try (KafkaConsumer<String, String> committed = consumer("read_committed");
             KafkaConsumer<String, String> uncommitted = consumer("read_uncommitted")) {
            committed.assign(List.of(tp));
            committed.seekToBeginning(List.of(tp));
            assertThat(committed.endOffsets(List.of(tp))).containsEntry(tp, x1);
            assertThat(pollTo(committed, tp, x1)).containsExactly("a");
            assertThat(committed.poll(Duration.ofMillis(300))).as("nothing past the LSO").isEmpty();

            log.append(txn(P1, 1, "x2"));
            log.appendMarker(P1, (short) 0, ControlRecordType.COMMIT, 0);
            durable(log);
            long end = log.highWatermark();
            assertThat(committed.endOffsets(List.of(tp))).containsEntry(tp, end);
            assertThat(pollTo(committed, tp, end)).containsExactly("x1", "b", "x2");

            uncommitted.assign(List.of(tp));
            uncommitted.seekToBeginning(List.of(tp));
            assertThat(pollTo(uncommitted, tp, end)).containsExactly("a", "x1", "y1", "b", "x2");
        }
    }

    @Test
    void readUncommittedEndOffsetIsTheHighWatermarkWhileATransactionIsOpen() throws Exception {
        broker.topics().create("rc-open", 1, Map.of());
        TopicPartition tp = new TopicPartition("rc-open", 0);
        PartitionLog log = broker.topics().partition("rc-open", 0);
        log.append(txn(P1 + 10, 0, "open"));
        log.append(plain("after"));
        durable(log);
        try (KafkaConsumer<String, String> committed = consumer("read_committed");
             KafkaConsumer<String, String> uncommitted = consumer("read_uncommitted")) {
            assertThat(committed.endOffsets(List.of(tp))).containsEntry(tp, 0L);
            assertThat(uncommitted.endOffsets(List.of(tp))).containsEntry(tp, 2L);
            // Earliest is the log start, also when nothing is stable yet (a by-timestamp lookup would find nothing).
            assertThat(committed.beginningOffsets(List.of(tp))).containsEntry(tp, 0L);
            committed.assign(List.of(tp));
            committed.seekToBeginning(List.of(tp));
            assertThat(committed.position(tp)).isZero();
        }
        log.appendMarker(P1 + 10, (short) 0, ControlRecordType.ABORT, 0);
        durable(log);
        try (KafkaConsumer<String, String> committed = consumer("read_committed")) {
            committed.assign(List.of(tp));
            committed.seekToBeginning(List.of(tp));
            assertThat(pollTo(committed, tp, 3)).containsExactly("after");
        }
    }
}
