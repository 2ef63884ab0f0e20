package io.ledgerline.log;

import io.ledgerline.log.TestLogs.Harness;
import io.ledgerline.log.TestLogs.StoredBatch;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.ledgerline.log.TestLogs.T0;
import static io.ledgerline.log.TestLogs.TP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * fsync failure: nothing is acknowledged on top of it. The waiting acks fail, the partition goes offline, later
 * appends are refused, and the high watermark never moves over the pages the failed fsync lost.
 */
class FsyncFailureTakesPartitionOfflineTest {
    @TempDir
    Path root;

    @Test
    void failedFsyncFailsWaitingAcksAndRefusesLaterAppends() throws Exception {
        FaultInjectingDisk disk = new FaultInjectingDisk(root);
        Path dataDir = root.resolve("data");
        LogManager lm = new LogManager(TestLogs.settings(dataDir, true, 0), disk, System::currentTimeMillis);
        PartitionLog log = lm.open(TP, TestLogs.config());
        AppendResult ok = log.append(TestLogs.records(T0, "paid", "shipped"));
        log.durable(ok.lastOffset()).get(10, TimeUnit.SECONDS);
        long hwBefore = log.highWatermark();

        disk.failAllForces();
        AppendResult doomed = log.append(TestLogs.records(T0, "refunded"));
        CompletableFuture<Void> ack = log.durable(doomed.lastOffset());

        assertThatThrownBy(() -> ack.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(KafkaStorageException.class);
        assertThat(log.isOffline()).isTrue();
        assertThat(log.highWatermark()).isEqualTo(hwBefore);
        assertThatThrownBy(() -> log.append(TestLogs.records(T0, "later"))).isInstanceOf(KafkaStorageException.class);
        assertThat(log.durable(doomed.lastOffset())).isCompletedExceptionally();
        assertThatThrownBy(() -> log.read(0, 1024, true)).isInstanceOf(KafkaStorageException.class);

        // A restart recovers: what was acknowledged is there.
        disk.failForces(0);
        lm.close();
        LogManager after = new LogManager(TestLogs.settings(dataDir, true, 0), disk, System::currentTimeMillis);
        assertThat(after.cleanStart()).as("an offline partition is no clean shutdown").isFalse();
        PartitionLog recovered = after.open(TP, TestLogs.config());
        assertThat(recovered.isOffline()).isFalse();
        assertThat(recovered.logEndOffset()).isGreaterThan(ok.lastOffset());
        after.close();
    }

    @Test
    void successfulFsyncAfterAFailedOneDoesNotAdvanceTheHighWatermark() throws Exception {
        try (Harness h = new Harness(root, true)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            log.append(TestLogs.records(T0, "a"));
            h.flush();
            assertThat(log.highWatermark()).isEqualTo(1);
            AppendResult lost = log.append(TestLogs.records(T0, "b"));
            CompletableFuture<Void> ack = log.durable(lost.lastOffset());

            int forcesBefore = h.disk.forces(h.activeSegment());
            h.disk.failForces(1);
            h.flush();
            assertThat(ack).isCompletedExceptionally();
            // Linux reports a write-back error once; the next fsync "succeeds" without the lost pages.
            h.flush();

            assertThat(log.highWatermark()).as("offset 1 was never durably written").isEqualTo(1);
            assertThat(h.disk.forces(h.activeSegment())).as("no fsync after the failed one").isEqualTo(forcesBefore);
        }
    }

    @Test
    void closeWhoseFsyncFailsFailsThePendingAcksInsteadOfLeavingThemHanging() throws Exception {
        try (Harness h = new Harness(root, true)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            AppendResult r = log.append(TestLogs.records(T0, "a"));
            CompletableFuture<Void> ack = log.durable(r.lastOffset());
            h.disk.failAllForces();

            assertThatThrownBy(log::close).isInstanceOf(IOException.class);

            assertThat(ack).isCompletedExceptionally();
            assertThatThrownBy(ack::join).hasCauseInstanceOf(KafkaStorageException.class);
            assertThat(log.isOffline()).isTrue();
            assertThat(log.highWatermark()).isZero();
        }
    }

    @Test
    void durableOnADeletedPartitionFailsInsteadOfHanging() throws Exception {
        try (Harness h = new Harness(root, true)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            AppendResult r = log.append(TestLogs.records(T0, "a"));
            log.deleteAll();

            CompletableFuture<Void> ack = log.durable(r.lastOffset());
            h.flusher.runRound();

            assertThat(ack).isCompletedExceptionally();
        }
    }

    @Test
    void flushWhoseSegmentWasSealedAndDeletedMeanwhileDoesNotTakeThePartitionOffline() throws Exception {
        try (Harness h = new Harness(root, true)) {
            PartitionLog log = h.open(TestLogs.config(TestLogs.MIB, 1000, -1, -1), false);
            AppendResult first = log.append(TestLogs.records(T0, "a"));
            CompletableFuture<Void> ack = log.durable(first.lastOffset());
            Path sealed = h.activeSegment();
            // Between the flusher picking its target and syncing it, an appender thread rolls the segment
            // (segment.ms), DeleteRecords removes it, and its channel is closed (file.delete.delay.ms 0) — unless
            // the log keeps the roll out of that window.
            Thread appender = new Thread(() -> {
                h.clock.addAndGet(1000);
                log.append(TestLogs.records(T0, "b")); // rolls, fsyncing the segment itself
                log.deleteRecordsBefore(log.highWatermark());
            }, "appender");
            h.disk.beforeNextForce(sealed, channel -> {
                appender.start();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> !channel.isOpen() || appender.getState() == Thread.State.WAITING);
            });
            h.flush();
            appender.join(10_000);

            assertThat(log.isOffline()).isFalse();
            assertThat(ack).isCompleted();
            assertThat(TestLogs.segmentFiles(h.dir)).doesNotContain(sealed);
            assertThat(log.append(TestLogs.records(T0, "c")).baseOffset()).isEqualTo(2);
        }
    }

    @Test
    void throwingHighWatermarkListenerDoesNotStopGroupCommit() throws Exception {
        FaultInjectingDisk disk = new FaultInjectingDisk(root);
        LogManager lm = new LogManager(TestLogs.settings(root.resolve("data"), true, 0), disk, System::currentTimeMillis);
        PartitionLog log = lm.open(TP, TestLogs.config());
        log.addHighWatermarkListener(() -> {
            throw new IllegalStateException("a buggy fetch session");
        });
        for (int i = 0; i < 3; i++) {
            AppendResult r = log.append(TestLogs.records(T0, "v" + i));
            log.durable(r.lastOffset()).get(10, TimeUnit.SECONDS);
        }
        assertThat(log.highWatermark()).isEqualTo(3);
        lm.close();
    }

    @Test
    void appendInDurableModeBecomesVisibleWithoutAnyoneWaitingForIt() throws Exception {
        // acks=0 / acks=1 producers never call durable(); their records must still reach consumers.
        FaultInjectingDisk disk = new FaultInjectingDisk(root);
        LogManager lm = new LogManager(TestLogs.settings(root.resolve("data"), true, 0), disk, System::currentTimeMillis);
        PartitionLog log = lm.open(TP, TestLogs.config());
        MemoryRecords batch = TestLogs.records(T0, "fire", "and", "forget");
        log.append(batch);

        await().atMost(Duration.ofSeconds(10)).until(() -> log.highWatermark() == 3);
        List<StoredBatch> read = TestLogs.readAll(log);
        assertThat(read).hasSize(1);
        lm.close();
    }
}
