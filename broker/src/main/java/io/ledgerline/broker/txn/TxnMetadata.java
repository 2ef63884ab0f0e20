package io.ledgerline.broker.txn;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.util.Set;
import java.util.TreeSet;

/**
 * The state of one transactional id, as stored in the transaction log (immutable; a change is a new value, made
 * by one of the methods below, each of which records the producer id it replaces as {@code prevProducerId}).
 *
 * @param producerId      the producer id this transactional id holds
 * @param prevProducerId  the producer id before this value was written (-1 none): differs from producerId only
 *                        right after the epoch ran out and a new producer id was given (Kafka's prevProducerId),
 *                        so that a retry of that InitProducerId is recognised
 * @param epoch           its current epoch: requests with another one are fenced
 * @param lastEpoch       the epoch before the last bump (-1 none): a retried InitProducerId that carries it is
 *                        answered with the current epoch instead of being fenced
 * @param timeoutMs       the producer's transaction.timeout.ms
 * @param state           see {@link TransactionState}
 * @param partitions      partitions of the ongoing (or completing) transaction
 * @param groups          consumer groups whose offsets are part of it (AddOffsetsToTxn)
 * @param startMs         when the latest transaction began (its first AddPartitions/AddOffsets), kept once it
 *                        completes; -1 after InitProducerId until the next transaction begins (as Kafka's
 *                        txnStartTimestamp)
 * @param updateMs        when this value was written
 */
public record TxnMetadata(long producerId, long prevProducerId, short epoch, short lastEpoch, int timeoutMs,
                          TransactionState state, Set<TopicPartition> partitions, Set<String> groups, long startMs,
                          long updateMs) {

    public TxnMetadata {
        partitions = Set.copyOf(partitions);
        groups = Set.copyOf(groups);
    }

    /** A transactional id seen for the first time: its new producer id at epoch 0, no transaction. */
    static TxnMetadata first(long producerId, int timeoutMs, long nowMs) {
        return new TxnMetadata(producerId, RecordBatch.NO_PRODUCER_ID, (short) 0, RecordBatch.NO_PRODUCER_EPOCH, timeoutMs,
                TransactionState.EMPTY, Set.of(), Set.of(), -1, nowMs);
    }

    TxnMetadata withState(TransactionState s, long nowMs) {
        return new TxnMetadata(producerId, producerId, epoch, lastEpoch, timeoutMs, s, partitions, groups, startMs, nowMs);
    }

    /** The next transaction, or more of the ongoing one: Ongoing with these partitions and groups added. */
    TxnMetadata adding(Set<TopicPartition> tps, Set<String> gs, long nowMs) {
        boolean fresh = state != TransactionState.ONGOING;
        Set<TopicPartition> p = new TreeSet<>(TxnRecord.PARTITION_ORDER);
        Set<String> g = new TreeSet<>();
        if (!fresh) {
            p.addAll(partitions);
            g.addAll(groups);
        }
        p.addAll(tps);
        g.addAll(gs);
        return new TxnMetadata(producerId, producerId, epoch, lastEpoch, timeoutMs, TransactionState.ONGOING, p, g,
                fresh ? nowMs : startMs, nowMs);
    }

    /**
     * Completed: the partitions and groups are done with; the start time stays, as Kafka's prepareComplete keeps
     * it (DescribeTransactions shows it for CompleteCommit and CompleteAbort).
     */
    TxnMetadata completed(TransactionState s, long nowMs) {
        return new TxnMetadata(producerId, producerId, epoch, lastEpoch, timeoutMs, s, Set.of(), Set.of(), startMs, nowMs);
    }

    /** The ongoing transaction aborted with the epoch bumped (not past Short.MAX_VALUE): the old epoch is fenced. */
    TxnMetadata fenced(long nowMs) {
        short bumped = epoch == Short.MAX_VALUE ? epoch : (short) (epoch + 1);
        return new TxnMetadata(producerId, producerId, bumped, lastEpoch, timeoutMs, TransactionState.PREPARE_ABORT,
                partitions, groups, startMs, nowMs);
    }

    /** InitProducerId's result: Empty at this producer id and epoch, with no transaction and the producer's timeout. */
    TxnMetadata initialized(long newProducerId, short newEpoch, short newLastEpoch, int newTimeoutMs, long nowMs) {
        return new TxnMetadata(newProducerId, producerId, newEpoch, newLastEpoch, newTimeoutMs, TransactionState.EMPTY,
                Set.of(), Set.of(), -1, nowMs);
    }
}
