package io.ledgerline.log;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Idempotent-producer state of one partition: per producer id, its epoch and the metadata of its last
 * {@value #BATCHES_KEPT} batches (Kafka keeps five because a producer has at most five requests in flight).
 *
 * <p>Rules (as Apache Kafka's ProducerAppendInfo): a batch equal to one of the kept batches (same epoch, first
 * and last sequence) is a retry and gets the original offsets back without being stored again; an older
 * epoch is INVALID_PRODUCER_EPOCH; a new epoch must start at sequence 0 unless the producer is unknown;
 * within an epoch the first sequence must follow the last one (wrapping at Integer.MAX_VALUE), else
 * OUT_OF_ORDER_SEQUENCE_NUMBER. An unknown producer id is accepted at any sequence, since its state may
 * have been removed with the segments that held it.
 *
 * <p>State is rebuilt on start from the latest snapshot plus the batches after it. Snapshot layout:
 * {@code count:int32, count × (producerId:int64, epoch:int16, n:int32, n × (firstSeq:int32, lastSeq:int32,
 * firstOffset:int64, lastOffset:int64, maxTimestamp:int64))}.
 *
 * <p>Threads: used only under the owning PartitionLog's lock.
 */
final class ProducerStateManager {
    static final int BATCHES_KEPT = 5;

    record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long maxTimestamp) {}

    private static final class Entry {
        short epoch;
        final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>(BATCHES_KEPT);

        int lastSeq() {
            return batches.isEmpty() ? RecordBatch.NO_SEQUENCE : batches.peekLast().lastSeq();
        }
    }

    private final Map<Long, Entry> producers = new HashMap<>();

    /**
     * Validates an idempotent batch before append. Returns the metadata of the original when this batch is a
     * retry of a stored one (the caller must not store it again), else null.
     */
    BatchMetadata check(RecordBatch batch) {
        assert batch.hasProducerId();
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
            int last = e.lastSeq();
            if (last != RecordBatch.NO_SEQUENCE && !inSequence(last, firstSeq)) {
                throw new OutOfOrderSequenceException("producer " + batch.producerId() + " epoch " + epoch
                        + ": expected sequence " + nextSeq(last) + " but got " + firstSeq);
            }
        } else if (firstSeq != 0) {
            throw new OutOfOrderSequenceException("producer " + batch.producerId() + " starts epoch " + epoch
                    + " at sequence " + firstSeq + ", expected 0");
        }
        return null;
    }

    /** Records an appended (or recovered) batch. */
    void update(RecordBatch batch) {
        if (!batch.hasProducerId()) return;
        Entry e = producers.computeIfAbsent(batch.producerId(), id -> new Entry());
        if (batch.producerEpoch() != e.epoch) {
            e.epoch = batch.producerEpoch();
            e.batches.clear();
        }
        if (e.batches.size() == BATCHES_KEPT) e.batches.removeFirst();
        e.batches.addLast(new BatchMetadata(batch.baseSequence(), batch.lastSequence(), batch.baseOffset(),
                batch.lastOffset(), batch.maxTimestamp()));
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

    /** Every producer's epoch and kept batches; used by DescribeProducers and tests. */
    Map<Long, Short> epochs() {
        Map<Long, Short> m = new HashMap<>();
        producers.forEach((id, e) -> m.put(id, e.epoch));
        return m;
    }

    ByteBuffer snapshot() {
        int size = 4;
        for (Entry e : producers.values()) size += 8 + 2 + 4 + e.batches.size() * (4 + 4 + 8 + 8 + 8);
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putInt(producers.size());
        producers.forEach((id, e) -> {
            buf.putLong(id).putShort(e.epoch).putInt(e.batches.size());
            for (BatchMetadata b : e.batches) {
                buf.putInt(b.firstSeq()).putInt(b.lastSeq()).putLong(b.firstOffset()).putLong(b.lastOffset())
                        .putLong(b.maxTimestamp());
            }
        });
        return buf.flip();
    }

    static ProducerStateManager fromSnapshot(ByteBuffer buf) {
        ProducerStateManager m = new ProducerStateManager();
        int count = buf.getInt();
        for (int i = 0; i < count; i++) {
            long id = buf.getLong();
            Entry e = new Entry();
            e.epoch = buf.getShort();
            int n = buf.getInt();
            if (n < 0 || n > BATCHES_KEPT) throw new IllegalStateException("bad batch count " + n);
            for (int j = 0; j < n; j++) {
                e.batches.addLast(new BatchMetadata(buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(), buf.getLong()));
            }
            m.producers.put(id, e);
        }
        return m;
    }
}
