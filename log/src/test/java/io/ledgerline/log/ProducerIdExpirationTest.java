package io.ledgerline.log;

import io.ledgerline.log.TestLogs.Harness;
import io.ledgerline.log.io.AtomicFiles;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.ledgerline.log.TestLogs.T0;
import static io.ledgerline.log.TestLogs.idempotent;
import static io.ledgerline.log.TransactionalLogTest.txn;
import static org.apache.kafka.common.record.internal.ControlRecordType.ABORT;
import static org.apache.kafka.common.record.internal.ControlRecordType.COMMIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * producer.id.expiration.ms in one partition, as Kafka's ProducerStateManager: a producer with no open transaction
 * whose last batch or marker is that old is forgotten, and its next batch is an unknown producer's (any sequence,
 * no duplicate detection); one with an open transaction is kept however old; the last timestamp survives a clean
 * restart (snapshot version 4) and an unclean one (replay), and snapshots of versions 1 to 3 still load.
 */
class ProducerIdExpirationTest {
    private static final long PID = 4711;
    private static final long OTHER = 4712;
    private static final long EXPIRATION_MS = 1000;

    @TempDir
    Path root;

    private static PartitionLog open(Harness h, boolean cleanShutdown) throws IOException {
        h.producerIdExpirationMs = EXPIRATION_MS;
        return h.open(TestLogs.config(), cleanShutdown);
    }

    private static List<Long> described(PartitionLog log) {
        return log.activeProducers().stream().map(ActiveProducer::producerId).sorted().toList();
    }

    @Test
    void expiredProducersNextBatchIsAcceptedAtAnySequenceAsAnUnknownProducer() throws IOException {
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = open(h, false);
            AppendResult first = log.append(idempotent(PID, (short) 2, 0, 3)); // max timestamp T0

            h.clock.set(T0 + EXPIRATION_MS - 1);
            assertThat(log.removeExpiredProducers()).isZero();
            assertThat(log.append(idempotent(PID, (short) 2, 0, 3)).duplicate()).as("still known: a retry").isTrue();
            assertThatThrownBy(() -> log.append(idempotent(PID, (short) 2, 7, 1))).isInstanceOf(OutOfOrderSequenceException.class);

            h.clock.set(T0 + EXPIRATION_MS);
            assertThat(described(log)).as("expired: not listed, even before it is removed").isEmpty();
            assertThat(log.removeExpiredProducers()).isEqualTo(1);
            assertThat(log.producerEpochs()).isEmpty();

            // An older epoch and a sequence gap: both fine for an unknown producer. Its old batch is stored again.
            AppendResult gap = log.append(idempotent(PID, (short) 1, 7, 1));
            assertThat(gap.duplicate()).isFalse();
            assertThat(gap.baseOffset()).isEqualTo(first.lastOffset() + 1);
            assertThat(log.producerEpochs()).containsEntry(PID, (short) 1);
            h.clock.set(T0 + 2 * EXPIRATION_MS);
            log.removeExpiredProducers();
            assertThat(log.append(idempotent(PID, (short) 2, 0, 3)).duplicate()).as("no duplicate detection left").isFalse();
        }
    }

    @Test
    void producerWithAnOpenTransactionNeverExpiresAndItsMarkerRestartsTheClock() throws IOException {
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = open(h, false);
            log.append(txn(PID, (short) 0, 0, "x")); // T0, transaction open
            log.append(idempotent(OTHER, (short) 0, 0, 1)); // T0, idle

            long marked = T0 + 10 * 24 * 3600_000L;
            h.clock.set(marked);
            assertThat(log.removeExpiredProducers()).as("only the idle one").isEqualTo(1);
            assertThat(described(log)).containsExactly(PID);

            log.appendMarker(PID, (short) 0, COMMIT, 0);
            assertThat(log.activeProducers()).singleElement()
                    .satisfies(a -> assertThat(a.lastTimestamp()).as("the marker's, as Kafka's").isEqualTo(marked));
            h.clock.set(marked + EXPIRATION_MS - 1);
            assertThat(log.removeExpiredProducers()).isZero();
            h.clock.set(marked + EXPIRATION_MS);
            assertThat(log.removeExpiredProducers()).isEqualTo(1);
            assertThat(log.activeProducers()).isEmpty();
        }
    }

    @Test
    void aProducerMadeByAMarkerKeepsItsTimestampAcrossCleanAndUncleanRestarts() throws IOException {
        long marked = T0 + 5_000;
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = open(h, false);
            log.append(idempotent(OTHER, (short) 0, 0, 1)); // T0
            h.clock.set(marked);
            log.appendMarker(PID, (short) 3, ABORT, 0); // no batch of PID here: only the marker's timestamp
            h.flush();

            // Unclean: no snapshot; the marker is replayed. OTHER expired while the log was closed.
            h.clock.set(marked + EXPIRATION_MS - 1);
            h.crashAndRestart();
            PartitionLog replayed = open(h, false);
            assertThat(described(replayed)).containsExactly(PID);
            assertThat(replayed.producerEpochs()).as("removed at load").containsOnlyKeys(PID);
            assertThat(replayed.activeProducers().get(0).lastTimestamp()).isEqualTo(marked);
            replayed.close();

            // Clean: the snapshot written at close carries the timestamp (a marker keeps no batch to take it from).
            PartitionLog reopened = open(h, true);
            assertThat(reopened.activeProducers()).singleElement().satisfies(a -> {
                assertThat(a.producerId()).isEqualTo(PID);
                assertThat(a.lastTimestamp()).isEqualTo(marked);
                assertThat(a.epoch()).isEqualTo((short) 3);
            });
            reopened.close();

            h.clock.set(marked + EXPIRATION_MS);
            PartitionLog later = open(h, true);
            assertThat(later.producerEpochs()).as("expired while closed, removed at load").isEmpty();
            assertThat(later.append(idempotent(PID, (short) 3, 9, 1)).duplicate()).isFalse();
        }
    }

    /** The snapshot a clean close left, rewritten as {@code payload} (an older version of the same state). */
    private static void replaceSnapshot(Harness h, ByteBuffer payload) throws IOException {
        List<Path> snapshots;
        try (Stream<Path> files = Files.list(h.dir)) {
            snapshots = files.filter(p -> p.toString().endsWith(".snapshot")).sorted().toList();
        }
        AtomicFiles.write(h.disk, snapshots.get(snapshots.size() - 1), payload);
    }

    @Test
    void version3SnapshotLoadsAndAProducerWithoutABatchIsKeptAWholePeriodAfterTheUpgrade() throws IOException {
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = open(h, false);
            AppendResult batch = log.append(idempotent(OTHER, (short) 0, 0, 1)); // T0
            log.appendMarker(PID, (short) 3, ABORT, 2);
            log.close();
            // Version 3 of that state: no lastTimestamp.
            ByteBuffer v3 = ByteBuffer.allocate(4 + 4 + 2 * (8 + 2 + 4 + 8 + 4) + (4 + 4 + 8 + 8 + 8) + 4);
            v3.putInt(-3).putInt(2);
            v3.putLong(OTHER).putShort((short) 0).putInt(-1).putLong(-1).putInt(1)
                    .putInt(0).putInt(0).putLong(batch.baseOffset()).putLong(batch.lastOffset()).putLong(T0);
            v3.putLong(PID).putShort((short) 3).putInt(2).putLong(-1).putInt(0);
            v3.putInt(0).flip();
            replaceSnapshot(h, v3);

            long upgraded = T0 + 2 * EXPIRATION_MS;
            h.clock.set(upgraded);
            PartitionLog reopened = open(h, true);
            assertThat(reopened.activeProducers()).as("OTHER's last batch is old: expired; PID has none: kept")
                    .singleElement().satisfies(a -> {
                        assertThat(a.producerId()).isEqualTo(PID);
                        assertThat(a.coordinatorEpoch()).isEqualTo(2);
                        assertThat(a.lastTimestamp()).as("the time of loading").isEqualTo(upgraded);
                    });
            h.clock.set(upgraded + EXPIRATION_MS);
            assertThat(reopened.removeExpiredProducers()).isEqualTo(1);
        }
    }

    @Test
    void version1And3SnapshotsTakeTheLastTimestampFromTheLastKeptBatch() {
        // Version 1: count, then per producer (id, epoch, n, n batches); no aborted list.
        ByteBuffer v1 = ByteBuffer.allocate(4 + (8 + 2 + 4) + 2 * (4 + 4 + 8 + 8 + 8));
        v1.putInt(1).putLong(PID).putShort((short) 4).putInt(2)
                .putInt(0).putInt(1).putLong(0).putLong(1).putLong(T0 + 10)
                .putInt(2).putInt(2).putLong(2).putLong(2).putLong(T0 + 20).flip();
        assertThat(ProducerStateManager.fromSnapshot(v1, T0 + 99).describe(T0 + 20, EXPIRATION_MS))
                .containsExactly(new ActiveProducer(PID, (short) 4, -1, 2, T0 + 20, -1));

        ByteBuffer v3 = ByteBuffer.allocate(4 + 4 + (8 + 2 + 4 + 8 + 4) + (4 + 4 + 8 + 8 + 8) + 4);
        v3.putInt(-3).putInt(1).putLong(PID).putShort((short) 4).putInt(6).putLong(-1).putInt(1)
                .putInt(0).putInt(4).putLong(0).putLong(4).putLong(T0 + 30).putInt(0).flip();
        ProducerStateManager m = ProducerStateManager.fromSnapshot(v3, T0 + 99);
        assertThat(m.describe(T0, EXPIRATION_MS)).containsExactly(new ActiveProducer(PID, (short) 4, 6, 4, T0 + 30, -1));
        assertThat(m.removeExpired(T0 + 30 + EXPIRATION_MS, EXPIRATION_MS)).isEqualTo(1);
    }
}
