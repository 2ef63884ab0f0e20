package io.ledgerline.log;

import io.ledgerline.log.TestLogs.StoredBatch;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.ledgerline.log.TestLogs.MIB;
import static io.ledgerline.log.TestLogs.T0;
import static io.ledgerline.log.TestLogs.TP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Segment rolls (by size, by time) and retention (by time, by size): retention deletes whole sealed segments
 * only, never the active one, and moves the log start offset to the first segment kept.
 */
class SegmentRollAndRetentionTest {
    private static final long HOUR = TimeUnit.HOURS.toMillis(1);

    @TempDir
    Path root;

    @RegisterExtension
    final Seeded seeded = new Seeded();

    private final AtomicLong clock = new AtomicLong(T0);
    private LogManager lm;

    private PartitionLog open(LogConfig config) throws IOException {
        lm = new LogManager(TestLogs.settings(root.resolve("data"), false, HOUR), new FaultInjectingDisk(root), clock::get);
        return lm.open(TP, config);
    }

    @AfterEach
    void close() {
        if (lm != null) lm.close();
    }

    private Path dir() {
        return root.resolve("data/logs/orders-0");
    }

    private static long base(Path segment) {
        return Long.parseLong(segment.getFileName().toString().replace(".log", ""));
    }

    /** About 10 KB, timestamped with the clock's time. */
    private StoredBatch append(PartitionLog log, Random rnd) {
        MemoryRecords b = TestLogs.batch(rnd, TestLogs.CODECS[0], 5, 4000, clock.get(), 0);
        AppendResult r = log.append(b);
        return new StoredBatch(r.baseOffset(), r.lastOffset(), TestLogs.bytes(b));
    }

    /** Appends until the log has {@code segments} segments (the last one just started). */
    private List<StoredBatch> appendUntilSegments(PartitionLog log, Random rnd, int segments) {
        List<StoredBatch> out = new ArrayList<>();
        while (log.segmentCount() < segments) out.add(append(log, rnd));
        return out;
    }

    @Test
    void activeSegmentRollsBeforeTheNextBatchWouldExceedSegmentBytes() throws IOException {
        Random rnd = seeded.random();
        PartitionLog log = open(TestLogs.config());
        List<StoredBatch> written = appendUntilSegments(log, rnd, 3);
        written.addAll(List.of(append(log, rnd), append(log, rnd)));

        List<Path> files = TestLogs.segmentFiles(dir());
        assertThat(files).hasSize(3);
        for (int i = 0; i < 2; i++) {
            long size = Files.size(files.get(i));
            long nextBase = base(files.get(i + 1));
            StoredBatch firstOfNext = written.stream().filter(b -> b.baseOffset() == nextBase).findFirst().orElseThrow();
            assertThat(size).isLessThanOrEqualTo(MIB);
            assertThat(size + firstOfNext.bytes().length).as("rolled only when the next batch did not fit").isGreaterThan(MIB);
            assertThat(TestLogs.indexOf(files.get(i))).as("sealed segments get their index").exists();
        }
        assertThat(TestLogs.indexOf(files.get(2))).as("the active segment has none while in use").doesNotExist();
        assertThat(TestLogs.readAll(log)).isEqualTo(written);
    }

    @Test
    void activeSegmentRollsOnceSegmentMsHavePassed() throws IOException {
        Random rnd = seeded.random();
        PartitionLog log = open(TestLogs.config(MIB, 60_000, -1, -1));
        append(log, rnd);
        clock.addAndGet(59_999);
        append(log, rnd);
        assertThat(log.segmentCount()).isEqualTo(1);
        clock.addAndGet(1);
        StoredBatch rolled = append(log, rnd);
        assertThat(log.segmentCount()).isEqualTo(2);
        assertThat(base(TestLogs.segmentFiles(dir()).get(1))).isEqualTo(rolled.baseOffset());
    }

    @Test
    void segmentMsCountsFromTheFirstAppendNotFromWhenTheSegmentWasCreated() throws IOException {
        Random rnd = seeded.random();
        PartitionLog log = open(TestLogs.config(MIB, 60_000, -1, -1));
        append(log, rnd);
        clock.addAndGet(60_000);
        lm.applyRetention(); // the periodic check rolls the due segment: segment 2 is created now, empty
        assertThat(log.segmentCount()).isEqualTo(2);

        clock.addAndGet(5 * 60_000); // an idle topic
        append(log, rnd); // the first record of segment 2
        clock.addAndGet(1);
        append(log, rnd);

        assertThat(log.segmentCount()).as("segment 2 got its first record 1 ms ago").isEqualTo(2);
    }

    @Test
    void retentionByTimeDeletesWholeSealedSegmentsAndMovesTheLogStart() throws IOException {
        Random rnd = seeded.random();
        PartitionLog log = open(TestLogs.config(MIB, Long.MAX_VALUE, 90 * 60_000, -1));
        appendUntilSegments(log, rnd, 2); // segment 0: records at T0
        clock.addAndGet(HOUR);
        appendUntilSegments(log, rnd, 3); // segment 1: mostly at T0 + 1h
        clock.addAndGet(HOUR);
        List<StoredBatch> active = List.of(append(log, rnd), append(log, rnd));
        List<Path> before = TestLogs.segmentFiles(dir());
        long seg1 = base(before.get(1));

        clock.addAndGet(1); // segment 0 is 2 h old, segment 1 at most 1 h + a bit, retention 90 min
        lm.applyRetention();

        assertThat(TestLogs.segmentFiles(dir())).containsExactly(before.get(1), before.get(2));
        assertThat(TestLogs.indexOf(before.get(0))).doesNotExist();
        assertThat(log.logStartOffset()).isEqualTo(seg1);
        assertThatThrownBy(() -> log.read(seg1 - 1, 1024, true)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(TestLogs.readAll(log, active.get(0).baseOffset()))
                .isEqualTo(active);

        // Everything expired, the active segment too: it is rolled first and deleted sealed; the new active
        // segment (empty) stays, and the log start reaches the log end.
        clock.addAndGet(10 * HOUR);
        long end = log.logEndOffset();
        lm.applyRetention();
        assertThat(log.segmentCount()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(end);
        assertThat(TestLogs.segmentFiles(dir())).hasSize(1);
        assertThat(base(TestLogs.segmentFiles(dir()).get(0))).isEqualTo(end);
        assertThat(log.append(TestLogs.records(clock.get(), "fresh")).baseOffset()).isEqualTo(end);
    }

    @Test
    void aCompactOnlyTopicKeepsEverySegmentHoweverOldOrLargeButDeleteCompactDoesNot() throws IOException {
        Random rnd = seeded.random();
        LogConfig delete = TestLogs.config(MIB, HOUR, 90 * 60_000, 2L * MIB);
        LogConfig compactOnly = new LogConfig(delete.segmentBytes(), delete.segmentMs(), delete.retentionMs(),
                delete.retentionBytes(), delete.maxMessageBytes(), delete.timestampType(), true, "compact");
        PartitionLog log = open(compactOnly);
        appendUntilSegments(log, rnd, 5); // 4 sealed segments of about 1 MiB, all at T0
        append(log, rnd);
        List<Path> before = TestLogs.segmentFiles(dir());
        long size = log.sizeInBytes();

        clock.addAndGet(100 * HOUR); // far past retention.ms, and over retention.bytes, and the active segment is due
        assertThat(log.applyRetention()).isZero();
        assertThat(log.logStartOffset()).isZero();
        assertThat(log.sizeInBytes()).isEqualTo(size);
        assertThat(TestLogs.segmentFiles(dir())).containsAll(before);
        assertThat(log.segmentCount()).as("segment.ms still rolls the active segment").isEqualTo(before.size() + 1);

        // The same log with delete added to the policy: retention applies again, on the next pass.
        log.updateConfig(new LogConfig(delete.segmentBytes(), delete.segmentMs(), delete.retentionMs(),
                delete.retentionBytes(), delete.maxMessageBytes(), delete.timestampType(), true, "compact,delete"));
        assertThat(log.applyRetention()).isEqualTo(before.size());
        assertThat(log.logStartOffset()).isEqualTo(log.logEndOffset());
    }

    @Test
    void pendingAcksOnTheActiveSegmentDelayItsRollButNotTheDeletionOfExpiredSealedSegments() throws IOException {
        Random rnd = seeded.random();
        try (TestLogs.Harness h = new TestLogs.Harness(root, true)) {
            PartitionLog log = h.open(TestLogs.config(MIB, HOUR, 2 * HOUR, -1), false);
            while (log.segmentCount() < 3) log.append(TestLogs.batch(rnd, TestLogs.CODECS[0], 5, 4000, T0, 0));
            h.flush();
            List<Path> sealed = TestLogs.segmentFiles(h.dir); // all records at T0
            h.clock.addAndGet(3 * HOUR);
            log.append(TestLogs.records(h.clock.get(), "recent")); // due by segment.ms: rolls, then waits for fsync
            h.clock.addAndGet(HOUR); // the active segment is due again, with an ack pending

            assertThat(log.applyRetention()).isEqualTo(3);
            assertThat(log.segmentCount()).isEqualTo(1);
            assertThat(TestLogs.segmentFiles(h.dir)).doesNotContainAnyElementsOf(sealed);
        }
    }

    @Test
    void retentionBySizeDeletesOldestSealedSegmentsWhileTheRestStillExceedsRetentionBytes() throws IOException {
        Random rnd = seeded.random();
        long retentionBytes = 2L * MIB + rnd.nextInt(MIB);
        PartitionLog log = open(TestLogs.config(MIB, Long.MAX_VALUE, -1, retentionBytes));
        appendUntilSegments(log, rnd, 5);
        for (int i = rnd.nextInt(50); i > 0; i--) append(log, rnd);
        List<Path> before = TestLogs.segmentFiles(dir());
        // The rule, computed here from the files: drop the oldest sealed segment while the rest is >= retention.bytes.
        long total = 0;
        for (Path p : before) total += Files.size(p);
        int expectDeleted = 0;
        while (expectDeleted < before.size() - 1 && total - Files.size(before.get(expectDeleted)) >= retentionBytes) {
            total -= Files.size(before.get(expectDeleted++));
        }
        assertThat(expectDeleted).isPositive();

        lm.applyRetention();

        assertThat(TestLogs.segmentFiles(dir())).isEqualTo(before.subList(expectDeleted, before.size()));
        assertThat(log.logStartOffset()).isEqualTo(base(before.get(expectDeleted)));
        assertThat(log.sizeInBytes()).isEqualTo(total);
    }

    @Test
    void retentionNeverDeletesTheActiveSegmentHoweverSmallRetentionBytesIs() throws IOException {
        Random rnd = seeded.random();
        PartitionLog log = open(TestLogs.config(MIB, Long.MAX_VALUE, -1, 1));
        appendUntilSegments(log, rnd, 3);
        List<StoredBatch> active = List.of(append(log, rnd), append(log, rnd));

        lm.applyRetention();

        assertThat(log.segmentCount()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(base(TestLogs.segmentFiles(dir()).get(0)));
        assertThat(TestLogs.readAll(log)).endsWith(active.toArray(StoredBatch[]::new));
    }
}
