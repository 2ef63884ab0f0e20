package io.ledgerline.log;

import io.ledgerline.log.TestLogs.Harness;
import io.ledgerline.log.TestLogs.StoredBatch;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.ledgerline.log.TestLogs.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Disk full (ENOSPC) is an operating condition, not a corruption: the append fails with KafkaStorageException,
 * the half-written batch is cut off, everything before it stays readable, and once space returns the next
 * append works at the same offset.
 */
class DiskFullDuringAppendTest {
    @TempDir
    Path root;

    @RegisterExtension
    final Seeded seeded = new Seeded();

    @ParameterizedTest(name = "space left: {0}% of the batch")
    @ValueSource(ints = {0, 50, 99})
    void diskFullMidBatchCutsTheFileBackAndLaterAppendsWork(int percentThatFits) throws Exception {
        Random rnd = seeded.random();
        try (Harness h = new Harness(root, true)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            for (int i = 0; i < 5; i++) log.append(TestLogs.randomBatch(rnd, T0 + i));
            h.flush();
            List<StoredBatch> before = TestLogs.readAll(log);
            long endBefore = log.logEndOffset();
            long fileBefore = Files.size(h.activeSegment());

            MemoryRecords big = TestLogs.batch(rnd, TestLogs.CODECS[0], 10, 2000, T0, 0);
            h.disk.diskFullAfter((long) big.sizeInBytes() * percentThatFits / 100);
            assertThatThrownBy(() -> log.append(big)).isInstanceOf(KafkaStorageException.class)
                    .hasMessageContaining("No space left on device");

            assertThat(Files.size(h.activeSegment())).as("partial batch cut off").isEqualTo(fileBefore);
            assertThat(log.logEndOffset()).isEqualTo(endBefore);
            assertThat(log.isOffline()).isFalse();
            assertThat(TestLogs.readAll(log)).isEqualTo(before);

            h.disk.spaceFreed();
            MemoryRecords retry = big; // the very same records: a failed append leaves them as they were
            AppendResult r = log.append(retry);
            assertThat(r.baseOffset()).isEqualTo(endBefore);
            h.flush();
            assertThat(log.durable(r.lastOffset())).isCompleted();
            List<StoredBatch> expected = new ArrayList<>(before);
            expected.add(new StoredBatch(r.baseOffset(), r.lastOffset(), TestLogs.bytes(retry)));

            h.crashAndRestart();
            PartitionLog recovered = h.open(TestLogs.config(), false);
            assertThat(TestLogs.readAll(recovered)).isEqualTo(expected);
        }
    }

    @Test
    void diskFullWhileRollingRefusesTheAppendButKeepsThePartitionOnline() throws Exception {
        Random rnd = seeded.random();
        try (Harness h = new Harness(root, true)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            MemoryRecords big = TestLogs.batch(rnd, TestLogs.CODECS[0], 20, 4000, T0, 0);
            assertThat(big.sizeInBytes()).isGreaterThan(12_000);
            // Fill the first segment until `big` no longer fits in segment.bytes (1 MiB), so appending it rolls.
            while (Files.size(h.activeSegment()) + big.sizeInBytes() <= TestLogs.MIB) {
                log.append(TestLogs.batch(rnd, TestLogs.CODECS[0], 5, 2000, T0, 0));
            }
            assertThat(log.segmentCount()).isEqualTo(1);
            h.flush();
            List<StoredBatch> before = TestLogs.readAll(log);
            long endBefore = log.logEndOffset();

            h.disk.diskFullAfter(100); // the index of the sealed segment does not fit
            assertThatThrownBy(() -> log.append(big)).isInstanceOf(KafkaStorageException.class);

            assertThat(log.isOffline()).isFalse();
            assertThat(log.logEndOffset()).isEqualTo(endBefore);
            assertThat(TestLogs.readAll(log)).isEqualTo(before);
            assertThat(TestLogs.segmentFiles(h.dir)).hasSize(1);

            h.disk.spaceFreed();
            AppendResult r = log.append(big); // the very same records: a failed append leaves them as they were
            assertThat(r.baseOffset()).isEqualTo(endBefore);
            assertThat(log.segmentCount()).isEqualTo(2);
            h.flush();
            log.close();
            PartitionLog reopened = h.open(TestLogs.config(), true);
            assertThat(reopened.logEndOffset()).isEqualTo(r.lastOffset() + 1);
            assertThat(TestLogs.readAll(reopened).subList(0, before.size()))
                    .isEqualTo(before);
        }
    }
}
