package io.ledgerline.log;

import io.ledgerline.log.TestLogs.Harness;
import io.ledgerline.log.TestLogs.StoredBatch;
import io.ledgerline.log.TestLogs.StoredRecord;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static io.ledgerline.log.TestLogs.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fetch and ListOffsets against a model: reads start at the batch that holds the offset, return whole batches,
 * stop at the high watermark; timestamp lookups agree with a brute-force scan of what was written.
 */
class ReadPathTest {
    @TempDir
    Path root;

    @RegisterExtension
    final Seeded seeded = new Seeded();

    // ------------------------------------------------------------- shared checks (also used after recovery)

    /** read(o) for every offset o (first, last and one inside each batch) returns, first, the batch that holds o. */
    static void assertEveryOffsetReadsItsBatch(PartitionLog log, List<StoredBatch> batches) {
        for (StoredBatch b : batches) {
            if (b.lastOffset() < log.logStartOffset()) continue;
            long first = Math.max(b.baseOffset(), log.logStartOffset());
            for (long o : new TreeSet<>(List.of(first, (first + b.lastOffset()) / 2, b.lastOffset()))) {
                List<StoredBatch> got = TestLogs.batches(TestLogs.toMemory(log.read(o, 1, true).records()));
                assertThat(got).as("read(%d)", o).hasSize(1);
                assertThat(got.get(0).bytes()).as("read(%d) returns the batch [%d, %d]", o, b.baseOffset(), b.lastOffset())
                        .isEqualTo(b.bytes());
            }
        }
    }

    /** offsetForTimestamp and maxTimestamp against a scan of every readable record. */
    static void assertTimestampLookupsMatchBruteForce(PartitionLog log, List<StoredRecord> all, Random rnd) {
        List<StoredRecord> readable = all.stream()
                .filter(r -> r.offset() >= log.logStartOffset() && r.offset() < log.highWatermark()).toList();
        TreeSet<Long> targets = new TreeSet<>();
        targets.add(Long.MIN_VALUE + 1);
        targets.add(0L);
        int sampleOneIn = Math.max(1, readable.size() / 80); // about 80 records' timestamps, +-1, as targets
        for (StoredRecord r : readable) {
            if (rnd.nextInt(sampleOneIn) == 0) {
                targets.add(r.timestamp() - 1);
                targets.add(r.timestamp());
                targets.add(r.timestamp() + 1);
            }
        }
        readable.stream().mapToLong(StoredRecord::timestamp).max().ifPresent(m -> {
            targets.add(m);
            targets.add(m + 1);
        });
        for (long target : targets) {
            StoredRecord want = readable.stream().filter(r -> r.timestamp() >= target).findFirst().orElse(null);
            OffsetAndTimestamp got = log.offsetForTimestamp(target);
            if (want == null) {
                assertThat(got).as("offsetForTimestamp(%d)", target).isNull();
            } else {
                assertThat(got).as("offsetForTimestamp(%d)", target)
                        .isEqualTo(new OffsetAndTimestamp(want.offset(), want.timestamp()));
            }
        }
        StoredRecord max = null;
        for (StoredRecord r : readable) if (max == null || r.timestamp() > max.timestamp()) max = r;
        OffsetAndTimestamp gotMax = log.maxTimestamp();
        if (max == null) assertThat(gotMax).isNull();
        else assertThat(gotMax).as("maxTimestamp").isEqualTo(new OffsetAndTimestamp(max.offset(), max.timestamp()));
    }

    /** Appends random batches with timestamps that wander back and forth; returns them as stored. */
    static List<StoredBatch> appendRandom(PartitionLog log, Random rnd, int count) {
        List<StoredBatch> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            MemoryRecords b = TestLogs.batch(rnd, TestLogs.CODECS[rnd.nextInt(TestLogs.CODECS.length)],
                    1 + rnd.nextInt(12), 1024, T0 + 100L * i, 3_000);
            AppendResult r = log.append(b);
            out.add(new StoredBatch(r.baseOffset(), r.lastOffset(), TestLogs.bytes(b)));
        }
        return out;
    }

    /** Appends random batches until the log has {@code segments} segments, then a few more. */
    static List<StoredBatch> appendRandomUntilSegments(PartitionLog log, Random rnd, int segments) {
        List<StoredBatch> out = new ArrayList<>();
        while (log.segmentCount() < segments) out.addAll(appendRandom(log, rnd, 20));
        out.addAll(appendRandom(log, rnd, 20));
        return out;
    }

    // ------------------------------------------------------------- tests

    @Test
    void readFromTheMiddleOfABatchReturnsTheWholeContainingBatchAcrossSegments() throws IOException {
        Random rnd = seeded.random();
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            List<StoredBatch> written = appendRandomUntilSegments(log, rnd, 2);
            assertEveryOffsetReadsItsBatch(log, written);
            assertThat(TestLogs.readAll(log)).isEqualTo(written);
        }
    }

    @Test
    void maxBytesSmallerThanTheFirstBatchStillReturnsOneWholeBatchWhenMinOneBatch() throws IOException {
        Random rnd = seeded.random();
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            List<StoredBatch> written = appendRandom(log, rnd, 20);
            StoredBatch third = written.get(2);
            long inside = third.lastOffset();

            MemoryRecords one = TestLogs.toMemory(log.read(inside, 10, true).records());
            assertThat(one.sizeInBytes()).isEqualTo(third.bytes().length);
            assertThat(TestLogs.batches(one).get(0).bytes()).isEqualTo(third.bytes());

            assertThat(log.read(inside, 10, false).records().sizeInBytes()).isLessThanOrEqualTo(10);
            assertThat(log.read(inside, 0, false).records().sizeInBytes()).isZero();

            // A larger budget: whole batches from the third on, never more bytes than asked for.
            int budget = third.bytes().length + written.get(3).bytes().length + 5;
            MemoryRecords some = TestLogs.toMemory(log.read(inside, budget, true).records());
            assertThat(some.sizeInBytes()).isLessThanOrEqualTo(budget);
            assertThat(TestLogs.batches(some))
                    .containsExactly(third, written.get(3));
        }
    }

    @Test
    void readsAndTimestampLookupsNeverGoBeyondTheHighWatermark() throws IOException {
        Random rnd = seeded.random();
        try (Harness h = new Harness(root, true)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            List<StoredBatch> durable = appendRandom(log, rnd, 10);
            h.flush();
            long hw = log.highWatermark();
            // Not yet durable, and holding the newest timestamps of all.
            MemoryRecords pending = TestLogs.batch(rnd, TestLogs.CODECS[0], 3, 100, T0 + 10_000_000, 0);
            log.append(pending);
            assertThat(log.logEndOffset()).isGreaterThan(hw);
            assertThat(log.highWatermark()).isEqualTo(hw);

            assertThat(TestLogs.batches(TestLogs.toMemory(log.read(0, Integer.MAX_VALUE, true).records())))
                    .isEqualTo(durable);
            assertThat(log.read(hw, Integer.MAX_VALUE, true).records().sizeInBytes()).isZero();
            assertThatThrownBy(() -> log.read(hw + 1, 1024, true)).isInstanceOf(OffsetOutOfRangeException.class);
            assertThat(log.offsetForTimestamp(T0 + 10_000_000)).isNull();
            assertTimestampLookupsMatchBruteForce(log, TestLogs.recordsOf(durable), rnd);

            h.flush();
            assertThat(log.offsetForTimestamp(T0 + 10_000_000)).isEqualTo(new OffsetAndTimestamp(hw, T0 + 10_000_000));
            assertThat(log.maxTimestamp()).isEqualTo(new OffsetAndTimestamp(hw, T0 + 10_000_000));
        }
    }

    @Test
    void offsetForTimestampAndMaxTimestampMatchABruteForceScan() throws IOException {
        Random rnd = seeded.random();
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            List<StoredBatch> written = appendRandomUntilSegments(log, rnd, 2);
            List<StoredRecord> records = TestLogs.recordsOf(written);
            assertTimestampLookupsMatchBruteForce(log, records, rnd);

            log.close();
            PartitionLog reopened = h.open(TestLogs.config(), true); // indexes loaded from their files
            assertTimestampLookupsMatchBruteForce(reopened, records, rnd);
        }
    }

    @Test
    void maxTimestampIgnoresRecordsBelowTheLogStartOffset() throws IOException {
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            log.append(TestLogs.records(T0 + 500, "newest-but-deleted"));
            log.append(TestLogs.records(T0 + 100, "a", "b"));
            log.append(TestLogs.records(T0 + 200, "c"));
            log.deleteRecordsBefore(1);

            assertThat(log.maxTimestamp()).isEqualTo(new OffsetAndTimestamp(3, T0 + 200));
            List<StoredRecord> all = List.of(new StoredRecord(0, T0 + 500), new StoredRecord(1, T0 + 100),
                    new StoredRecord(2, T0 + 100), new StoredRecord(3, T0 + 200));
            assertTimestampLookupsMatchBruteForce(log, all, new Random(1));
        }
    }

    @Test
    void readsOutsideTheLogAreOutOfRange() throws IOException {
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            log.append(TestLogs.records(T0, "a", "b", "c"));
            log.deleteRecordsBefore(1);
            assertThatThrownBy(() -> log.read(0, 1024, true)).isInstanceOf(OffsetOutOfRangeException.class);
            assertThatThrownBy(() -> log.read(4, 1024, true)).isInstanceOf(OffsetOutOfRangeException.class);
            assertThat(log.read(3, 1024, true).records().sizeInBytes()).isZero();
            assertThat(log.read(1, 1024, true).highWatermark()).isEqualTo(3);
        }
    }

    @Test
    void logAppendTimeTopicStampsTheBrokerClockOnTheBatch() throws IOException {
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.logAppendTime(TestLogs.config()), false);
            h.clock.set(T0 + 42);
            AppendResult r = log.append(TestLogs.records(T0 - 1000, "a", "b"));
            assertThat(r.logAppendTimeMs()).isEqualTo(T0 + 42);
            MutableRecordBatch b = TestLogs.toMemory(log.read(0, 1024, true).records()).batches().iterator().next();
            b.ensureValid();
            assertThat(b.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
            assertThat(b.maxTimestamp()).isEqualTo(T0 + 42);
            assertThat(log.offsetForTimestamp(T0)).isEqualTo(new OffsetAndTimestamp(0, T0 + 42));
        }
    }
}
