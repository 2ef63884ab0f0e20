package io.ledgerline.log;

import io.ledgerline.log.TestLogs.Harness;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

import static io.ledgerline.log.TestLogs.T0;
import static org.apache.kafka.common.record.internal.ControlRecordType.ABORT;
import static org.apache.kafka.common.record.internal.ControlRecordType.COMMIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Transactions in one partition log: transactional batches open a producer's transaction, markers close it,
 * the last stable offset holds read_committed readers before the earliest undecided transaction (and below the
 * high watermark), aborted transactions come back with the reads that overlap them, and all of it is the same
 * after a clean restart, an unclean one with a transaction open, a torn marker, and a lost segment index.
 */
class TransactionalLogTest {
    private static final long P1 = 1001;
    private static final long P2 = 1002;

    @TempDir
    Path root;

    @RegisterExtension
    final Seeded seeded = new Seeded();

    static MemoryRecords txn(long pid, short epoch, int seq, String... values) {
        SimpleRecord[] rs = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) rs[i] = new SimpleRecord(T0, null, values[i].getBytes(StandardCharsets.UTF_8));
        return MemoryRecords.withTransactionalRecords(Compression.NONE, pid, epoch, seq, rs);
    }

    static MemoryRecords plain(String... values) {
        SimpleRecord[] rs = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) rs[i] = new SimpleRecord(T0, null, values[i].getBytes(StandardCharsets.UTF_8));
        return MemoryRecords.withRecords(Compression.NONE, rs);
    }

    /**
     * What a read_committed Kafka consumer returns from the log, fetching {@code maxBytes} at a time: the values
     * of the records it keeps, in order. Per response, as kafka-clients' CompletedFetch: a batch of a producer
     * whose aborted transaction began at or before the batch's last offset is skipped until that producer's
     * abort marker; control batches are never returned.
     */
    static List<String> readCommitted(PartitionLog log, int maxBytes) {
        List<String> out = new ArrayList<>();
        long next = log.logStartOffset();
        while (true) {
            long from = next;
            ReadResult r = log.read(next, maxBytes, true, IsolationLevel.READ_COMMITTED);
            assertThat(r.abortedTransactions()).isNotNull();
            MemoryRecords m = TestLogs.toMemory(r.records());
            PriorityQueue<AbortedTxn> aborted = new PriorityQueue<>((a, b) -> Long.compare(a.firstOffset(), b.firstOffset()));
            aborted.addAll(r.abortedTransactions());
            Set<Long> abortedProducers = new HashSet<>();
            boolean any = false;
            for (MutableRecordBatch b : m.batches()) {
                if (b.lastOffset() < next) continue;
                any = true;
                assertThat(b.lastOffset()).as("read_committed stays below the LSO").isLessThan(r.lastStableOffset());
                next = b.nextOffset();
                if (b.hasProducerId()) {
                    while (!aborted.isEmpty() && aborted.peek().firstOffset() <= b.lastOffset()) {
                        abortedProducers.add(aborted.poll().producerId());
                    }
                    if (b.isControlBatch()) {
                        if (controlType(b) == ABORT) abortedProducers.remove(b.producerId());
                        continue;
                    }
                    if (b.isTransactional() && abortedProducers.contains(b.producerId())) continue;
                }
                if (b.isControlBatch()) continue;
                for (Record rec : b) {
                    if (rec.offset() >= from) {
                        out.add(StandardCharsets.UTF_8.decode(rec.value()).toString());
                    }
                }
            }
            if (!any) return out;
        }
    }

    static List<String> readUncommitted(PartitionLog log) {
        List<String> out = new ArrayList<>();
        for (TestLogs.StoredBatch sb : TestLogs.readAll(log)) {
            for (MutableRecordBatch b : MemoryRecords.readableRecords(ByteBuffer.wrap(sb.bytes())).batches()) {
                if (b.isControlBatch()) continue;
                for (Record rec : b) out.add(StandardCharsets.UTF_8.decode(rec.value()).toString());
            }
        }
        return out;
    }

    static ControlRecordType controlType(MutableRecordBatch b) {
        Record r = b.iterator().next();
        return ControlRecordType.parse(r.key());
    }

    @Test
    void committedTransactionBecomesVisibleAtItsMarkerAndAbortedOneNever() throws IOException {
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            log.append(plain("a"));
            AppendResult t1 = log.append(txn(P1, (short) 0, 0, "p1-x", "p1-y"));
            log.append(txn(P2, (short) 0, 0, "p2-x"));
            log.append(plain("b"));
            assertThat(log.lastStableOffset()).isEqualTo(t1.baseOffset());
            assertThat(readCommitted(log, 1 << 20)).containsExactly("a");
            assertThat(readUncommitted(log)).containsExactly("a", "p1-x", "p1-y", "p2-x", "b");

            log.appendMarker(P2, (short) 0, ABORT, 0);
            assertThat(log.lastStableOffset()).as("P1 still open").isEqualTo(t1.baseOffset());
            log.append(txn(P1, (short) 0, 2, "p1-z"));
            AppendResult commit = log.appendMarker(P1, (short) 0, COMMIT, 0);
            assertThat(log.lastStableOffset()).isEqualTo(log.highWatermark()).isEqualTo(commit.lastOffset() + 1);

            assertThat(readCommitted(log, 1 << 20)).containsExactly("a", "p1-x", "p1-y", "b", "p1-z");
            assertThat(readCommitted(log, 1)).as("one batch per read").containsExactly("a", "p1-x", "p1-y", "b", "p1-z");
            assertThat(readUncommitted(log)).containsExactly("a", "p1-x", "p1-y", "p2-x", "b", "p1-z");
            assertThat(log.read(0, 1 << 20, true).abortedTransactions()).as("read_uncommitted lists none").isNull();
            ReadResult r = log.read(0, 1 << 20, true, IsolationLevel.READ_COMMITTED);
            assertThat(r.abortedTransactions()).containsExactly(new AbortedTxn(P2, 3, 5, 1));
        }
    }

    @Test
    void lastStableOffsetStaysBelowTheHighWatermarkUntilTheMarkerIsDurable() throws IOException {
        try (Harness h = new Harness(root, true)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            log.append(plain("a"));
            h.flush();
            assertThat(log.lastStableOffset()).isEqualTo(1);
            log.append(txn(P1, (short) 0, 0, "x"));
            log.appendMarker(P1, (short) 0, COMMIT, 0);
            assertThat(log.logEndOffset()).isEqualTo(3);
            assertThat(log.lastStableOffset()).as("nothing new is durable").isEqualTo(1);
            h.flush();
            assertThat(log.lastStableOffset()).isEqualTo(3);
            assertThat(readCommitted(log, 1 << 20)).containsExactly("a", "x");
        }
    }

    @Test
    void producerRulesForTransactionsAndMarkers() throws IOException {
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            log.append(txn(P1, (short) 3, 0, "x"));
            long end = log.logEndOffset();
            assertThatThrownBy(() -> log.append(MemoryRecords.withIdempotentRecords(Compression.NONE, P1, (short) 3, 1,
                    new SimpleRecord(T0, null, "y".getBytes())))).isInstanceOf(InvalidTxnStateException.class);
            assertThatThrownBy(() -> log.appendMarker(P1, (short) 2, COMMIT, 0)).isInstanceOf(InvalidProducerEpochException.class);
            assertThatThrownBy(() -> log.appendMarker(P1, (short) 3, ControlRecordType.LEADER_CHANGE, 0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(log.logEndOffset()).isEqualTo(end);
            assertThat(log.append(txn(P1, (short) 3, 1, "y")).duplicate()).isFalse();
            assertThat(log.append(txn(P1, (short) 3, 1, "y")).duplicate()).as("a retry is a retry").isTrue();

            // The coordinator fences epoch 3 with an abort at epoch 4: epoch 3 is refused from then on,
            // and epoch 4 starts at sequence 0.
            log.appendMarker(P1, (short) 4, ABORT, 0);
            assertThatThrownBy(() -> log.append(txn(P1, (short) 3, 2, "zombie"))).isInstanceOf(InvalidProducerEpochException.class);
            assertThatThrownBy(() -> log.append(txn(P1, (short) 4, 5, "gap"))).isInstanceOf(OutOfOrderSequenceException.class);
            log.append(txn(P1, (short) 4, 0, "new"));
            log.appendMarker(P1, (short) 4, COMMIT, 0);
            assertThat(readCommitted(log, 1 << 20)).containsExactly("new");

            // Producers may not write control batches themselves.
            MemoryRecords forged = MemoryRecords.withEndTransactionMarker(0L, T0, 0, P2, (short) 0,
                    new EndTransactionMarker(COMMIT, 0));
            assertThatThrownBy(() -> log.append(forged)).isInstanceOf(InvalidRecordException.class);
            // A marker for a partition that got no records of the transaction is stored and harmless.
            log.appendMarker(P2, (short) 0, COMMIT, 0);
            assertThat(log.lastStableOffset()).isEqualTo(log.highWatermark());
        }
    }

    @Test
    void openTransactionAndAbortedIndexSurviveACleanRestartAndARoll() throws IOException {
        Random rnd = seeded.random();
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            log.append(txn(P2, (short) 0, 0, "aborted-1"));
            log.appendMarker(P2, (short) 0, ABORT, 0);
            // Fill the first segment so the next append rolls: the abort's index entry goes into its .index file.
            while (log.segmentCount() < 2) log.append(TestLogs.batch(rnd, Compression.NONE, 10, 4000, T0, 0));
            AppendResult open = log.append(txn(P1, (short) 0, 0, "open-1"));
            log.append(txn(P2, (short) 0, 1, "aborted-2"));
            log.appendMarker(P2, (short) 0, ABORT, 0);
            List<String> before = readCommitted(log, 64 * 1024);
            List<AbortedTxn> abortedBefore = log.collectAborted(0, Long.MAX_VALUE);
            assertThat(abortedBefore).hasSize(2);
            log.close();

            PartitionLog reopened = h.open(TestLogs.config(), true);
            assertThat(reopened.lastStableOffset()).isEqualTo(open.baseOffset());
            assertThat(reopened.collectAborted(0, Long.MAX_VALUE)).isEqualTo(abortedBefore);
            assertThat(readCommitted(reopened, 64 * 1024)).isEqualTo(before);
            reopened.append(txn(P1, (short) 0, 1, "open-2"));
            reopened.appendMarker(P1, (short) 0, COMMIT, 0);
            assertThat(readCommitted(reopened, 64 * 1024)).doesNotContain("aborted-1", "aborted-2").endsWith("open-1", "open-2");
        }
    }

    @Test
    void uncleanStopWithATransactionOpenKeepsItOpenAndItsRecordsHidden() throws IOException {
        try (Harness h = new Harness(root, true)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            log.append(plain("a"));
            AppendResult open = log.append(txn(P1, (short) 0, 0, "x", "y"));
            log.append(plain("b"));
            h.flush();
            h.crashAndRestart();

            PartitionLog recovered = h.open(TestLogs.config(), false);
            assertThat(recovered.logEndOffset()).isEqualTo(4);
            assertThat(recovered.lastStableOffset()).isEqualTo(open.baseOffset());
            assertThat(readCommitted(recovered, 1 << 20)).containsExactly("a");
            // The coordinator aborts it (a timeout, or the producer's re-init) after the restart.
            recovered.appendMarker(P1, (short) 1, ABORT, 0);
            h.flush();
            assertThat(readCommitted(recovered, 1 << 20)).containsExactly("a", "b");
            assertThatThrownBy(() -> recovered.append(txn(P1, (short) 0, 2, "zombie"))).isInstanceOf(InvalidProducerEpochException.class);
        }
    }

    static ActiveProducer producer(PartitionLog log, long pid) {
        return log.activeProducers().stream().filter(a -> a.producerId() == pid).findFirst().orElseThrow();
    }

    @Test
    void olderCoordinatorEpochIsFencedAndTheLatestOneSurvivesUncleanAndCleanRestarts() throws IOException {
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            log.append(txn(P1, (short) 0, 0, "x"));
            assertThat(producer(log, P1).coordinatorEpoch()).as("no marker yet").isEqualTo(-1);
            log.appendMarker(P1, (short) 0, ABORT, 3);
            assertThat(producer(log, P1).coordinatorEpoch()).isEqualTo(3);
            log.append(txn(P1, (short) 0, 1, "y"));
            long end = log.logEndOffset();
            assertThatThrownBy(() -> log.appendMarker(P1, (short) 0, COMMIT, 2)).isInstanceOf(TransactionCoordinatorFencedException.class);
            assertThat(log.logEndOffset()).as("nothing written").isEqualTo(end);
            assertThat(producer(log, P1).currentTxnStartOffset()).as("still open").isEqualTo(2);
            h.flush();

            // No snapshot yet: the unclean restart replays the markers.
            h.crashAndRestart();
            PartitionLog replayed = h.open(TestLogs.config(), false);
            assertThat(producer(replayed, P1).coordinatorEpoch()).isEqualTo(3);
            assertThatThrownBy(() -> replayed.appendMarker(P1, (short) 0, COMMIT, 2)).isInstanceOf(TransactionCoordinatorFencedException.class);
            replayed.appendMarker(P1, (short) 0, COMMIT, 4);
            replayed.close();

            // The clean close wrote a snapshot: it carries the coordinator epoch.
            PartitionLog reopened = h.open(TestLogs.config(), true);
            assertThat(producer(reopened, P1).coordinatorEpoch()).isEqualTo(4);
            assertThatThrownBy(() -> reopened.appendMarker(P1, (short) 0, ABORT, 3)).isInstanceOf(TransactionCoordinatorFencedException.class);
            assertThat(readCommitted(reopened, 1 << 20)).containsExactly("y");
        }
    }

    @Test
    void transactionVersion2MarkerNeedsABumpedEpochUnlessItRetriesACompletedOne() throws IOException {
        try (Harness h = new Harness(root, false)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            log.append(txn(P1, (short) 0, 0, "x"));
            long end = log.logEndOffset();
            assertThatThrownBy(() -> log.appendMarker(P1, (short) 0, ABORT, 0, (short) 2))
                    .as("same epoch, transaction open").isInstanceOf(InvalidProducerEpochException.class);
            assertThat(log.logEndOffset()).isEqualTo(end);
            log.appendMarker(P1, (short) 1, ABORT, 0, (short) 2);
            long afterAbort = log.logEndOffset();
            log.appendMarker(P1, (short) 1, ABORT, 0, (short) 2);
            assertThat(log.logEndOffset()).as("a retry of the completed marker is stored, harmless").isEqualTo(afterAbort + 1);
            assertThat(log.collectAborted(0, Long.MAX_VALUE)).as("the retry aborts nothing more").hasSize(1);

            // Transaction version 1 keeps the epoch across transactions: the same epoch is fine.
            log.append(txn(P1, (short) 1, 0, "y"));
            log.appendMarker(P1, (short) 1, COMMIT, 0, (short) 1);
            assertThat(readCommitted(log, 1 << 20)).containsExactly("y");
            assertThatThrownBy(() -> log.appendMarker(P2, (short) -2, ABORT, 0)).as("older than an unknown producer's -1")
                    .isInstanceOf(InvalidProducerEpochException.class);
        }
    }

    @Test
    void version2SnapshotWithoutCoordinatorEpochsIsRead() {
        ByteBuffer v2 = ByteBuffer.allocate(4 + 4 + (8 + 2 + 8 + 4) + 4);
        v2.putInt(-2).putInt(1).putLong(P1).putShort((short) 7).putLong(42).putInt(0).putInt(0).flip();
        ProducerStateManager m = ProducerStateManager.fromSnapshot(v2, T0);
        assertThat(m.describe(T0, Long.MAX_VALUE)).containsExactly(new ActiveProducer(P1, (short) 7, -1, -1, T0, 42));
        assertThat(m.firstOngoingOffset()).isEqualTo(42);
    }

    @Test
    void markerCutByATornTailReopensItsTransaction() throws IOException {
        try (Harness h = new Harness(root, true)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            log.append(plain("a"));
            AppendResult t = log.append(txn(P1, (short) 0, 0, "x"));
            h.flush();
            log.appendMarker(P1, (short) 0, ABORT, 0);
            h.flush();
            assertThat(readCommitted(log, 1 << 20)).containsExactly("a");
            long sizeBeforeMarker = Files.size(h.activeSegment()) - markerBytes();
            // A torn write: the marker's last bytes never reached the disk (the file is cut inside it).
            h.disk.crash();
            h.disk.restart();
            try (FileChannel ch = FileChannel.open(h.activeSegment(), StandardOpenOption.WRITE)) {
                ch.truncate(sizeBeforeMarker + markerBytes() / 2);
            }

            PartitionLog recovered = h.open(TestLogs.config(), false);
            assertThat(recovered.logEndOffset()).isEqualTo(t.lastOffset() + 1);
            assertThat(recovered.lastStableOffset()).as("open again").isEqualTo(t.baseOffset());
            assertThat(recovered.collectAborted(0, Long.MAX_VALUE)).isEmpty();
            assertThat(readCommitted(recovered, 1 << 20)).containsExactly("a");
            recovered.appendMarker(P1, (short) 0, COMMIT, 0);
            h.flush();
            assertThat(readCommitted(recovered, 1 << 20)).containsExactly("a", "x");
        }
    }

    private static int markerBytes() {
        return MemoryRecords.withEndTransactionMarker(0L, T0, 0, P1, (short) 0, new EndTransactionMarker(ABORT, 0)).sizeInBytes();
    }

    @Test
    void abortedIndexIsRebuiltFromTheWholeLogWhenASealedSegmentLostItsIndex() throws IOException {
        Random rnd = seeded.random();
        try (Harness h = new Harness(root, true)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            log.append(txn(P1, (short) 0, 0, "gone-1"));
            log.append(txn(P2, (short) 0, 0, "kept-1"));
            log.appendMarker(P1, (short) 0, ABORT, 0);
            while (log.segmentCount() < 2) log.append(TestLogs.batch(rnd, Compression.NONE, 10, 4000, T0, 0));
            log.appendMarker(P2, (short) 0, COMMIT, 0); // spans the roll
            log.append(txn(P1, (short) 0, 1, "gone-2"));
            log.appendMarker(P1, (short) 0, ABORT, 0);
            h.flush();
            List<AbortedTxn> aborted = log.collectAborted(0, Long.MAX_VALUE);
            List<String> visible = readCommitted(log, 32 * 1024);
            assertThat(visible).contains("kept-1").doesNotContain("gone-1", "gone-2");
            h.crashAndRestart();
            Files.delete(TestLogs.indexOf(TestLogs.segmentFiles(h.dir).get(0)));

            PartitionLog recovered = h.open(TestLogs.config(), false);
            assertThat(recovered.collectAborted(0, Long.MAX_VALUE)).isEqualTo(aborted);
            assertThat(readCommitted(recovered, 32 * 1024)).isEqualTo(visible);
        }
    }

    /**
     * Several producers interleave transactions on one partition, committing or aborting at random, with plain
     * records between, rolls, clean restarts and power cuts; read_committed returns exactly the committed
     * transactional records and the plain ones, in offset order, whatever the read size.
     */
    @Test
    void interleavedTransactionsReadCommittedSeesExactlyTheCommittedRecordsInOrder() throws IOException {
        Random rnd = seeded.random();
        String filler = "filler-" + "f".repeat(150_000);
        try (Harness h = new Harness(root, true)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            int producers = 4;
            int[] seq = new int[producers];
            Map<Integer, Map<Long, String>> open = new HashMap<>(); // producer -> its undecided records
            Map<Long, String> committed = new java.util.TreeMap<>(); // offset -> value: the model
            int valueId = 0;
            for (int step = 0; step < 400; step++) {
                int p = rnd.nextInt(producers);
                long pid = 5000 + p;
                int action = rnd.nextInt(10);
                if (action < 5) {
                    String v = "t" + p + "-" + valueId++;
                    AppendResult a = log.append(txn(pid, (short) 0, seq[p]++, v));
                    open.computeIfAbsent(p, k -> new HashMap<>()).put(a.baseOffset(), v);
                } else if (action < 8 && open.containsKey(p)) {
                    boolean commit = rnd.nextBoolean();
                    log.appendMarker(pid, (short) 0, commit ? COMMIT : ABORT, 0);
                    Map<Long, String> decided = open.remove(p);
                    if (commit) committed.putAll(decided);
                } else if (action == 8) {
                    String v = "n-" + valueId++;
                    committed.put(log.append(plain(v)).baseOffset(), v);
                } else if (action == 9 && rnd.nextInt(4) == 0) {
                    // Every flushed append survives; open transactions stay open (their records hidden).
                    h.flush();
                    if (rnd.nextBoolean()) {
                        log.close();
                        log = h.open(TestLogs.config(), true);
                    } else {
                        h.crashAndRestart();
                        log = h.open(TestLogs.config(), false);
                    }
                } else if (action == 9) {
                    committed.put(log.append(plain(filler)).baseOffset(), filler); // about 30 of 150 KB in a run: several 1 MiB segments for any seed
                }
                if (rnd.nextInt(3) == 0) h.flush();
            }
            h.flush();
            List<String> partial = readCommitted(log, 64 * 1024);
            long lso = log.lastStableOffset();
            assertThat(partial).as("before the last decisions: what is committed below the LSO")
                    .isEqualTo(committed.entrySet().stream().filter(e -> e.getKey() < lso).map(Map.Entry::getValue).toList());
            for (int p : new ArrayList<>(open.keySet())) {
                log.appendMarker(5000 + p, (short) 0, COMMIT, 0);
                committed.putAll(open.remove(p));
            }
            h.flush();
            assertThat(log.segmentCount()).as("the run rolled segments").isGreaterThan(1);
            assertThat(log.lastStableOffset()).isEqualTo(log.highWatermark());
            List<String> expected = new ArrayList<>(committed.values());
            for (int maxBytes : new int[] {1, 700, 64 * 1024, 1 << 20}) {
                assertThat(readCommitted(log, maxBytes)).as("read size " + maxBytes).isEqualTo(expected);
            }
        }
    }
}
