package io.ledgerline.log;

import io.ledgerline.log.TestLogs.Harness;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import static io.ledgerline.log.TestLogs.T0;
import static io.ledgerline.log.TestLogs.idempotent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Idempotent producers: a retry is answered with the original offsets and not stored twice; a gap or an older
 * epoch is refused with the error the producer acts on; all of it survives a clean and an unclean restart.
 */
class IdempotentProducerTest {
    private static final long PID = 4711;

    @TempDir
    Path root;

    @RegisterExtension
    final Seeded seeded = new Seeded();

    private static void assertUntouched(PartitionLog log, long end, long bytes) {
        assertThat(log.logEndOffset()).isEqualTo(end);
        assertThat(log.sizeInBytes()).isEqualTo(bytes);
    }

    @Test
    void retriedBatchGetsTheOriginalOffsetsAndIsNotStoredTwice() throws IOException {
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            AppendResult first = log.append(idempotent(PID, (short) 0, 0, 3));
            AppendResult second = log.append(idempotent(PID, (short) 0, 3, 2));
            long end = log.logEndOffset();
            long bytes = log.sizeInBytes();

            AppendResult retry = log.append(idempotent(PID, (short) 0, 0, 3));
            AppendResult retry2 = log.append(idempotent(PID, (short) 0, 3, 2));

            assertThat(retry).isEqualTo(new AppendResult(first.baseOffset(), first.lastOffset(), -1, 0, true));
            assertThat(retry2.baseOffset()).isEqualTo(second.baseOffset());
            assertThat(retry2.duplicate()).isTrue();
            assertUntouched(log, end, bytes);
            assertThat(TestLogs.readAll(log)).hasSize(2);
        }
    }

    @Test
    void retryOlderThanTheLastFiveBatchesIsOutOfOrder() throws IOException {
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            for (int seq = 0; seq < 6; seq++) log.append(idempotent(PID, (short) 0, seq, 1));
            assertThat(log.append(idempotent(PID, (short) 0, 1, 1)).duplicate()).isTrue(); // 5th newest: kept
            assertThatThrownBy(() -> log.append(idempotent(PID, (short) 0, 0, 1)))
                    .isInstanceOf(OutOfOrderSequenceException.class);
        }
    }

    @Test
    void sequenceGapIsOutOfOrderSequenceAndLeavesTheLogUntouched() throws IOException {
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            log.append(idempotent(PID, (short) 0, 0, 3));
            long end = log.logEndOffset();
            long bytes = log.sizeInBytes();

            assertThatThrownBy(() -> log.append(idempotent(PID, (short) 0, 5, 1)))
                    .isInstanceOf(OutOfOrderSequenceException.class);
            assertUntouched(log, end, bytes);
            assertThat(log.append(idempotent(PID, (short) 0, 3, 1)).baseOffset()).isEqualTo(end);
        }
    }

    @Test
    void olderEpochIsInvalidProducerEpochAndANewEpochStartsAtSequenceZero() throws IOException {
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            log.append(idempotent(PID, (short) 1, 0, 2));
            long end = log.logEndOffset();
            long bytes = log.sizeInBytes();

            assertThatThrownBy(() -> log.append(idempotent(PID, (short) 0, 2, 1)))
                    .isInstanceOf(InvalidProducerEpochException.class);
            assertThatThrownBy(() -> log.append(idempotent(PID, (short) 2, 7, 1)))
                    .isInstanceOf(OutOfOrderSequenceException.class);
            assertUntouched(log, end, bytes);

            assertThat(log.append(idempotent(PID, (short) 2, 0, 1)).duplicate()).isFalse();
            assertThat(log.producerEpochs()).containsEntry(PID, (short) 2);
        }
    }

    @Test
    void sequenceWrapsAroundAfterIntegerMaxValue() throws IOException {
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            log.append(idempotent(PID, (short) 0, Integer.MAX_VALUE - 1, 2));
            assertThat(log.append(idempotent(PID, (short) 0, 0, 1)).duplicate()).isFalse();
        }
    }

    @Test
    void batchWithAProducerIdButNoSequenceIsRejected() throws IOException {
        // Such a batch would otherwise make every later one of that producer id look like a retry of it.
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            MemoryRecords batch = idempotent(PID, (short) 0, 0, 1); // kafka-clients refuses to build one without
            batch.buffer().putInt(TestLogs.BASE_SEQUENCE_OFFSET, RecordBatch.NO_SEQUENCE);
            MemoryRecords noSequence = TestLogs.withFixedCrc(batch);

            assertThatThrownBy(() -> log.append(noSequence)).isInstanceOf(InvalidRecordException.class);
            assertUntouched(log, 0, 0);
        }
    }

    @Test
    void producerStateSurvivesACleanCloseAndReopen() throws IOException {
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            AppendResult first = log.append(idempotent(PID, (short) 3, 0, 2));
            log.append(idempotent(PID + 1, (short) 0, 0, 1));
            log.close();

            PartitionLog reopened = h.open(TestLogs.config(), true);
            assertThat(reopened.producerEpochs()).containsEntry(PID, (short) 3).containsEntry(PID + 1, (short) 0);
            AppendResult retry = reopened.append(idempotent(PID, (short) 3, 0, 2));
            assertThat(retry.duplicate()).isTrue();
            assertThat(retry.baseOffset()).isEqualTo(first.baseOffset());
            assertThatThrownBy(() -> reopened.append(idempotent(PID, (short) 3, 9, 1)))
                    .isInstanceOf(OutOfOrderSequenceException.class);
            assertThatThrownBy(() -> reopened.append(idempotent(PID, (short) 2, 2, 1)))
                    .isInstanceOf(InvalidProducerEpochException.class);
            assertThat(reopened.append(idempotent(PID, (short) 3, 2, 1)).duplicate()).isFalse();
        }
    }

    @Test
    void producerStateSurvivesAnUncleanStopFromTheRollSnapshotPlusTheBatchesAfterIt() throws IOException {
        Random rnd = seeded.random();
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            AppendResult beforeRoll = log.append(idempotent(PID, (short) 0, 0, 2));
            log.append(idempotent(PID + 1, (short) 5, 0, 1));
            while (log.segmentCount() < 2) log.append(TestLogs.batch(rnd, TestLogs.CODECS[0], 10, 4000, T0, 0));
            AppendResult afterRoll = log.append(idempotent(PID, (short) 0, 2, 3));
            h.flush();
            try (Stream<Path> files = Files.list(h.dir)) {
                assertThat(files.filter(p -> p.toString().endsWith(".snapshot")).count()).as("the roll wrote a snapshot").isPositive();
            }
            h.crashAndRestart();

            PartitionLog recovered = h.open(TestLogs.config(), false);
            AppendResult retryOld = recovered.append(idempotent(PID, (short) 0, 0, 2));
            AppendResult retryNew = recovered.append(idempotent(PID, (short) 0, 2, 3));
            assertThat(retryOld.duplicate()).isTrue();
            assertThat(retryOld.baseOffset()).isEqualTo(beforeRoll.baseOffset());
            assertThat(retryNew.duplicate()).isTrue();
            assertThat(retryNew.baseOffset()).isEqualTo(afterRoll.baseOffset());
            assertThat(recovered.producerEpochs()).containsEntry(PID + 1, (short) 5);
            assertThatThrownBy(() -> recovered.append(idempotent(PID + 1, (short) 4, 1, 1)))
                    .isInstanceOf(InvalidProducerEpochException.class);
            assertThat(recovered.append(idempotent(PID, (short) 0, 5, 1)).baseOffset()).isEqualTo(afterRoll.lastOffset() + 1);
        }
    }

    @Test
    void producerStateForgetsBatchesThatRecoveryCutAway() throws IOException {
        try (Harness h = new Harness(root, true)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            log.append(idempotent(PID, (short) 0, 0, 2));
            h.flush();
            log.append(idempotent(PID, (short) 0, 2, 2)); // never synced: the crash takes it
            h.crashAndRestart();

            PartitionLog recovered = h.open(TestLogs.config(), false);
            assertThat(recovered.logEndOffset()).isEqualTo(2);
            // The producer's retry of the lost batch must be stored, not answered as a duplicate of nothing.
            AppendResult retry = recovered.append(idempotent(PID, (short) 0, 2, 2));
            assertThat(retry.duplicate()).isFalse();
            assertThat(retry.baseOffset()).isEqualTo(2);
        }
    }
}
