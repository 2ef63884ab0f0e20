package io.ledgerline.log;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Producer state of one partition: per producer id, its epoch, the metadata of its last {@value Limits#PRODUCER_BATCHES_KEPT}
 * batches (Kafka keeps five because a producer has at most five requests in flight), and the first offset of
 * its open transaction here, if any.
 *
 * <p>Rules (as Apache Kafka's ProducerAppendInfo): a batch equal to one of the kept batches (same epoch, first
 * and last sequence) is a retry and gets the original offsets back without being stored again; an older
 * epoch is INVALID_PRODUCER_EPOCH; a new epoch must start at sequence 0 unless the producer is unknown;
 * within an epoch the first sequence must follow the last one (wrapping at Integer.MAX_VALUE), else
 * OUT_OF_ORDER_SEQUENCE_NUMBER. An unknown producer id is accepted at any sequence, since its state may
 * have expired (below) or been lost with the segments that held it.
 *
 * <p>Expiration (Kafka's producer.id.expiration.ms, {@link #removeExpired}): a producer with no open transaction
 * here whose last timestamp is at least that old ({@code now - lastTimestamp >= expiration}) is forgotten; its
 * next batch is then that of an unknown producer. The last timestamp is the max timestamp of its latest batch or
 * the timestamp of its latest marker, whichever was appended last (as Kafka's ProducerStateEntry.lastTimestamp):
 * the producer's clock for CreateTime batches, the broker's for markers and LogAppendTime batches.
 *
 * <p>Transactions: the first transactional batch of a producer opens its transaction at that batch's base
 * offset; its end marker (a control batch, written by the broker) closes it. A non-transactional batch while
 * the producer's transaction is open is INVALID_TXN_STATE. A marker may carry a newer epoch than the
 * producer's (the coordinator bumps the epoch to fence an older producer): the producer's epoch becomes the
 * marker's and its kept batches are dropped, so the next batch must start that epoch at sequence 0. A marker
 * with an older epoch is INVALID_PRODUCER_EPOCH (with transaction version 2, whose coordinator bumps the epoch
 * before every marker, also one with the same epoch, unless it is the retry of a marker that already closed the
 * transaction). Each marker carries the epoch of the coordinator that wrote it; the producer keeps the latest
 * one, and a marker from an older coordinator epoch is TRANSACTION_COORDINATOR_FENCED (as Kafka's
 * ProducerAppendInfo).
 *
 * <p>State is rebuilt on start from the latest snapshot plus the batches after it. Snapshot layout (version 4):
 * <pre>
 *   version:int32 = -4 | count:int32 | count × (producerId:int64, epoch:int16, coordinatorEpoch:int32 (-1: none),
 *       txnFirstOffset:int64 (-1: none), lastTimestamp:int64 (-1: none),
 *       n:int32, n × (firstSeq:int32, lastSeq:int32, firstOffset:int64, lastOffset:int64, maxTimestamp:int64))
 *   | abortedCount:int32 | abortedCount × (producerId:int64, firstOffset:int64, lastOffset:int64, lastStableOffset:int64)
 * </pre>
 * Older versions still load. Version 3 is version 4 without lastTimestamp; version 2 is version 3 without
 * coordinatorEpoch (read as -1); version 1, written before transactions existed, is version 2 without the
 * version, the txnFirstOffset and the aborted list. Without a stored lastTimestamp a producer's is the max
 * timestamp of its last kept batch, or, when it has none (its epoch began with a marker), the time of loading:
 * it then expires a whole expiration period after the upgrade, never at once.
 * The aborted list is that of the segment the snapshot offset falls in, whose index is not written yet (see
 * PartitionLog's recovery); this class only carries it.
 *
 * <p>Threads: used only under the owning PartitionLog's lock (or by its load, before it is shared).
 */
final class ProducerStateManager {
    private static final int SNAPSHOT_V2 = -2;
    private static final int SNAPSHOT_V3 = -3;
    private static final int SNAPSHOT_V4 = -4;
    /** A producer's coordinator epoch before its first marker here (Kafka's RecordBatch.NO_PARTITION_LEADER_EPOCH). */
    static final int NO_COORDINATOR_EPOCH = -1;

    record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long maxTimestamp) {}

    /** A transaction closed by a marker: its first offset here, and the marker's offset. */
    record CompletedTxn(long producerId, long firstOffset, long lastOffset, boolean aborted) {}

    private static final class Entry {
        short epoch;
        /** Coordinator epoch of this producer's latest marker here. */
        int coordinatorEpoch = NO_COORDINATOR_EPOCH;
        long txnFirstOffset = -1;
        /** Max timestamp of its latest batch or timestamp of its latest marker, whichever came last; -1 none. */
        long lastTimestamp = RecordBatch.NO_TIMESTAMP;
        final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>(Limits.PRODUCER_BATCHES_KEPT);

        /** Kafka's isProducerExpired: idle for the expiration period, and no transaction open here. */
        boolean expired(long nowMs, long expirationMs) {
            return txnFirstOffset < 0 && nowMs - lastTimestamp >= expirationMs;
        }

        int lastSeq() {
            return batches.isEmpty() ? RecordBatch.NO_SEQUENCE : batches.peekLast().lastSeq();
        }
    }

    private final Map<Long, Entry> producers = new HashMap<>();
    /** Open transactions: first offset to producer id. */
    private final TreeMap<Long, Long> ongoing = new TreeMap<>();
    /** Carried by a snapshot only; see the class comment. */
    private List<AbortedTxn> snapshotAborted = List.of();

    /**
     * Validates a data batch with a producer id before append. Returns the metadata of the original when this
     * batch is a retry of a stored one (the caller must not store it again), else null.
     */
    BatchMetadata check(RecordBatch batch) {
        assert batch.hasProducerId() && !batch.isControlBatch();
        Entry e = producers.get(batch.producerId());
        short epoch = batch.producerEpoch();
        int firstSeq = batch.baseSequence();
        int lastSeq = batch.lastSequence();
        if (e == null) return null;
        if (epoch < e.epoch) {
            throw new InvalidProducerEpochException("producer " + batch.producerId() + " has epoch " + epoch
                    + " older than the current " + e.epoch);
        }
        if (epoch == e.epoch) {
            for (BatchMetadata b : e.batches) {
                if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) return b;
            }
            // No kept batch (a marker started this epoch): the epoch's first batch has sequence 0.
            if (!inSequence(e.lastSeq(), firstSeq)) {
                throw new OutOfOrderSequenceException("producer " + batch.producerId() + " epoch " + epoch
                        + ": expected sequence " + nextSeq(e.lastSeq()) + " but got " + firstSeq);
            }
        } else if (firstSeq != 0) {
            throw new OutOfOrderSequenceException("producer " + batch.producerId() + " starts epoch " + epoch
                    + " at sequence " + firstSeq + ", expected 0");
        }
        if (!batch.isTransactional() && e.txnFirstOffset >= 0) {
            throw new InvalidTxnStateException("producer " + batch.producerId() + " sent a non-transactional batch"
                    + " while its transaction from offset " + e.txnFirstOffset + " is open");
        }
        return null;
    }

    /**
     * Validates a transaction marker of {@code producerId} at {@code epoch}, written by the coordinator at
     * {@code coordinatorEpoch}, before append. {@code transactionVersion} is the marker's (WriteTxnMarkers v2):
     * 2 or more checks the epoch as transaction version 2 does (see the class comment).
     */
    void checkMarker(long producerId, short epoch, int coordinatorEpoch, short transactionVersion) {
        Entry e = producers.get(producerId);
        short current = e == null ? RecordBatch.NO_PRODUCER_EPOCH : e.epoch;
        boolean tv2 = transactionVersion >= 2;
        if (tv2 ? epoch <= current : epoch < current) {
            boolean retryOfCompleted = tv2 && epoch == current
                    && (e == null || e.txnFirstOffset < 0 || epoch == Short.MAX_VALUE);
            if (!retryOfCompleted) {
                throw new InvalidProducerEpochException("marker for producer " + producerId + " has epoch " + epoch
                        + ", which is " + (tv2 ? "<=" : "<") + " the current " + current + " (transaction version "
                        + transactionVersion + ")");
            }
        }
        if (e != null && coordinatorEpoch < e.coordinatorEpoch) {
            throw new TransactionCoordinatorFencedException("marker for producer " + producerId + " has coordinator epoch "
                    + coordinatorEpoch + ", older than " + e.coordinatorEpoch + " of its previous marker");
        }
    }

    /** Records an appended (or recovered) data batch; returns true when it opened a transaction. */
    boolean update(RecordBatch batch) {
        assert !batch.isControlBatch();
        if (!batch.hasProducerId()) return false;
        Entry e = producers.computeIfAbsent(batch.producerId(), id -> new Entry());
        if (batch.producerEpoch() != e.epoch) {
            e.epoch = batch.producerEpoch();
            e.batches.clear();
        }
        if (e.batches.size() == Limits.PRODUCER_BATCHES_KEPT) e.batches.removeFirst();
        e.batches.addLast(new BatchMetadata(batch.baseSequence(), batch.lastSequence(), batch.baseOffset(),
                batch.lastOffset(), batch.maxTimestamp()));
        e.lastTimestamp = batch.maxTimestamp();
        if (batch.isTransactional() && e.txnFirstOffset < 0) {
            e.txnFirstOffset = batch.baseOffset();
            ongoing.put(e.txnFirstOffset, batch.producerId());
            return true;
        }
        return false;
    }

    /**
     * Records an appended (or recovered) end marker, written at {@code timestamp}. Returns the transaction it
     * closed, or null when the producer had none open here (a partition added to a transaction that wrote nothing
     * to it).
     */
    CompletedTxn completeTxn(long producerId, short epoch, int coordinatorEpoch, long markerOffset, long timestamp,
                             boolean aborted) {
        Entry e = producers.computeIfAbsent(producerId, id -> new Entry());
        if (epoch != e.epoch) {
            e.epoch = epoch;
            e.batches.clear();
        }
        e.coordinatorEpoch = coordinatorEpoch;
        e.lastTimestamp = timestamp;
        if (e.txnFirstOffset < 0) return null;
        long first = e.txnFirstOffset;
        e.txnFirstOffset = -1;
        ongoing.remove(first);
        return new CompletedTxn(producerId, first, markerOffset, aborted);
    }

    /** First offset of the earliest open transaction, or -1. */
    long firstOngoingOffset() {
        return ongoing.isEmpty() ? -1 : ongoing.firstKey();
    }

    /** Open transactions: first offset to producer id (a copy). */
    Map<Long, Long> ongoing() {
        return new TreeMap<>(ongoing);
    }

    static boolean inSequence(int last, int next) {
        return next == nextSeq(last);
    }

    private static int nextSeq(int last) {
        return last == Integer.MAX_VALUE ? 0 : last + 1;
    }

    int producerCount() {
        return producers.size();
    }

    /**
     * Forgets every producer that has expired at {@code nowMs} (see the class comment); returns how many. Their
     * batches stay in the log; only the duplicate and sequence checks for them are gone.
     */
    int removeExpired(long nowMs, long expirationMs) {
        int before = producers.size();
        producers.values().removeIf(e -> e.expired(nowMs, expirationMs));
        return before - producers.size();
    }

    /** Every producer's epoch; used by DescribeProducers and tests. */
    Map<Long, Short> epochs() {
        Map<Long, Short> m = new HashMap<>();
        producers.forEach((id, e) -> m.put(id, e.epoch));
        return m;
    }

    /** Every producer not expired at {@code nowMs} (one the next removal would forget is not listed). */
    List<ActiveProducer> describe(long nowMs, long expirationMs) {
        List<ActiveProducer> out = new ArrayList<>();
        producers.forEach((id, e) -> {
            if (!e.expired(nowMs, expirationMs)) {
                out.add(new ActiveProducer(id, e.epoch, e.coordinatorEpoch, e.lastSeq(), e.lastTimestamp, e.txnFirstOffset));
            }
        });
        return out;
    }

    List<AbortedTxn> snapshotAborted() {
        return snapshotAborted;
    }

    ByteBuffer snapshot(List<AbortedTxn> aborted) {
        int size = 4 + 4 + 4 + aborted.size() * 32;
        for (Entry e : producers.values()) size += 8 + 2 + 4 + 8 + 8 + 4 + e.batches.size() * (4 + 4 + 8 + 8 + 8);
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putInt(SNAPSHOT_V4).putInt(producers.size());
        producers.forEach((id, e) -> {
            buf.putLong(id).putShort(e.epoch).putInt(e.coordinatorEpoch).putLong(e.txnFirstOffset).putLong(e.lastTimestamp)
                    .putInt(e.batches.size());
            for (BatchMetadata b : e.batches) {
                buf.putInt(b.firstSeq()).putInt(b.lastSeq()).putLong(b.firstOffset()).putLong(b.lastOffset())
                        .putLong(b.maxTimestamp());
            }
        });
        buf.putInt(aborted.size());
        for (AbortedTxn a : aborted) {
            buf.putLong(a.producerId()).putLong(a.firstOffset()).putLong(a.lastOffset()).putLong(a.lastStableOffset());
        }
        return buf.flip();
    }

    /**
     * The state a snapshot holds. {@code loadTimeMs} stands for the last timestamp that a version 1-3 snapshot does
     * not carry, of a producer with no kept batch (see the class comment).
     */
    static ProducerStateManager fromSnapshot(ByteBuffer buf, long loadTimeMs) {
        ProducerStateManager m = new ProducerStateManager();
        int first = buf.getInt();
        boolean v4 = first == SNAPSHOT_V4;
        boolean v3 = v4 || first == SNAPSHOT_V3; // v3 and later: coordinatorEpoch
        boolean v2 = v3 || first == SNAPSHOT_V2; // v2 and later: txnFirstOffset and the aborted list
        int count = v2 ? buf.getInt() : first;
        if (count < 0) throw new IllegalStateException("bad producer count " + count);
        for (int i = 0; i < count; i++) {
            long id = buf.getLong();
            Entry e = new Entry();
            e.epoch = buf.getShort();
            if (v3) e.coordinatorEpoch = buf.getInt();
            if (v2) e.txnFirstOffset = buf.getLong();
            if (v4) e.lastTimestamp = buf.getLong();
            int n = buf.getInt();
            if (n < 0 || n > Limits.PRODUCER_BATCHES_KEPT) throw new IllegalStateException("bad batch count " + n);
            for (int j = 0; j < n; j++) {
                e.batches.addLast(new BatchMetadata(buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(), buf.getLong()));
            }
            if (!v4) e.lastTimestamp = e.batches.isEmpty() ? loadTimeMs : e.batches.peekLast().maxTimestamp();
            m.producers.put(id, e);
            if (e.txnFirstOffset >= 0) m.ongoing.put(e.txnFirstOffset, id);
        }
        if (v2) {
            int n = buf.getInt();
            if (n < 0) throw new IllegalStateException("bad aborted count " + n);
            List<AbortedTxn> aborted = new ArrayList<>(n);
            for (int i = 0; i < n; i++) aborted.add(new AbortedTxn(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong()));
            m.snapshotAborted = aborted;
        }
        return m;
    }
}
