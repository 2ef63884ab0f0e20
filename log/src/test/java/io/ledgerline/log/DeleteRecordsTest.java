package io.ledgerline.log;

import io.ledgerline.log.TestLogs.Harness;
import io.ledgerline.log.TestLogs.StoredBatch;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DeleteRecords moves the log start offset (also into the middle of a batch), durably, and never back. */
class DeleteRecordsTest {
    @TempDir
    Path root;

    @RegisterExtension
    final Seeded seeded = new Seeded();

    @Test
    void deleteRecordsMovesTheLogStartDeletesWholeSegmentsBelowItAndSurvivesRestarts() throws IOException {
        Random rnd = seeded.random();
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            List<StoredBatch> written = ReadPathTest.appendRandomUntilSegments(log, rnd, 3);
            List<Path> segments = TestLogs.segmentFiles(h.dir);
            long seg1 = Long.parseLong(segments.get(1).getFileName().toString().replace(".log", ""));
            // Somewhere inside segment 1, possibly inside a batch.
            StoredBatch victim = written.stream().filter(b -> b.baseOffset() > seg1).skip(rnd.nextInt(5)).findFirst().orElseThrow();
            long start = victim.baseOffset() + rnd.nextInt((int) (victim.lastOffset() - victim.baseOffset() + 1));

            assertThat(log.deleteRecordsBefore(start)).isEqualTo(start);

            assertThat(log.logStartOffset()).isEqualTo(start);
            assertThat(TestLogs.segmentFiles(h.dir)).as("segment 0 lies wholly below").containsExactly(segments.get(1), segments.get(2));
            assertThatThrownBy(() -> log.read(start - 1, 1024, true)).isInstanceOf(OffsetOutOfRangeException.class);
            assertThat(TestLogs.readAll(log).get(0).bytes()).as("the batch holding the new start").isEqualTo(victim.bytes());
            assertThat(log.deleteRecordsBefore(start - 1)).as("never moves back").isEqualTo(start);
            long hw = log.highWatermark();
            assertThatThrownBy(() -> log.deleteRecordsBefore(hw + 1)).isInstanceOf(OffsetOutOfRangeException.class);
            ReadPathTest.assertTimestampLookupsMatchBruteForce(log, TestLogs.recordsOf(written), rnd);

            log.close();
            PartitionLog afterClean = h.open(TestLogs.config(), true);
            assertThat(afterClean.logStartOffset()).isEqualTo(start);
            assertThatThrownBy(() -> afterClean.read(start - 1, 1024, true)).isInstanceOf(OffsetOutOfRangeException.class);

            h.crashAndRestart();
            PartitionLog afterCrash = h.open(TestLogs.config(), false);
            assertThat(afterCrash.logStartOffset()).isEqualTo(start);
            assertThat(afterCrash.logEndOffset()).isEqualTo(written.get(written.size() - 1).lastOffset() + 1);
        }
    }

    @Test
    void logStartCheckpointBeyondWhatACrashLeftDoesNotHideRecordsAppendedAfterIt() throws IOException {
        // Interval mode: the high watermark (and so DeleteRecords) may run ahead of what is synced.
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            log.append(TestLogs.records(TestLogs.T0, "0", "1", "2", "3", "4"));
            h.flush();
            log.append(TestLogs.records(TestLogs.T0, "5", "6", "7", "8", "9"));
            log.deleteRecordsBefore(8); // the checkpoint is synced; offsets 5..9 are not
            h.crashAndRestart();

            PartitionLog recovered = h.open(TestLogs.config(), false);
            assertThat(recovered.logEndOffset()).isEqualTo(5);
            assertThat(recovered.logStartOffset()).isEqualTo(5);
            // New records take offsets 5..9 again: they were never deleted.
            recovered.append(TestLogs.records(TestLogs.T0, "new-5", "new-6", "new-7", "new-8", "new-9"));
            recovered.close();

            PartitionLog reopened = h.open(TestLogs.config(), true);
            assertThat(reopened.logStartOffset()).isEqualTo(5);
            assertThat(TestLogs.readAll(reopened)).hasSize(1);
        }
    }

    @Test
    void deleteRecordsUpToTheHighWatermarkEmptiesTheLogButKeepsItsOffsets() throws IOException {
        Random rnd = seeded.random();
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            ReadPathTest.appendRandomUntilSegments(log, rnd, 2);
            long end = log.logEndOffset();

            log.deleteRecordsBefore(end);

            assertThat(log.logStartOffset()).isEqualTo(end);
            assertThat(log.segmentCount()).as("the active segment stays").isEqualTo(1);
            assertThat(log.read(end, 1024, true).records().sizeInBytes()).isZero();
            assertThat(log.offsetForTimestamp(0)).isNull();
            assertThat(log.maxTimestamp()).isNull();
            assertThat(log.append(TestLogs.records(TestLogs.T0, "next")).baseOffset()).isEqualTo(end);
        }
    }
}
