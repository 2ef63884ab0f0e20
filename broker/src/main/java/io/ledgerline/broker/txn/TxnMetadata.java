package io.ledgerline.broker.txn;

import org.apache.kafka.common.TopicPartition;

import java.util.Set;
import java.util.TreeSet;

/**
 * The state of one transactional id, as stored in the transaction log (immutable; a change is a new value).
 *
 * @param producerId      the producer id this transactional id holds
 * @param epoch           its current epoch: requests with another one are fenced
 * @param lastEpoch       the epoch before the last bump (-1 none): a retried InitProducerId that carries it is
 *                        answered with the current epoch instead of being fenced
 * @param timeoutMs       the producer's transaction.timeout.ms
 * @param state           see {@link TransactionState}
 * @param partitions      partitions of the ongoing (or completing) transaction
 * @param groups          consumer groups whose offsets are part of it (AddOffsetsToTxn)
 * @param startMs         when the ongoing transaction began (its first AddPartitions/AddOffsets), -1 none
 * @param updateMs        when this value was written
 */
public record TxnMetadata(long producerId, short epoch, short lastEpoch, int timeoutMs, TransactionState state,
                          Set<TopicPartition> partitions, Set<String> groups, long startMs, long updateMs) {

    public TxnMetadata {
        partitions = Set.copyOf(partitions);
        groups = Set.copyOf(groups);
    }

    TxnMetadata withState(TransactionState s, long nowMs) {
        return new TxnMetadata(producerId, epoch, lastEpoch, timeoutMs, s, partitions, groups, startMs, nowMs);
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
        return new TxnMetadata(producerId, epoch, lastEpoch, timeoutMs, TransactionState.ONGOING, p, g,
                fresh ? nowMs : startMs, nowMs);
    }

    /** Completed: the partitions and groups are done with. */
    TxnMetadata completed(TransactionState s, long nowMs) {
        return new TxnMetadata(producerId, epoch, lastEpoch, timeoutMs, s, Set.of(), Set.of(), -1, nowMs);
    }

    /** A new epoch (or a new producer id when the epoch is exhausted), ready for a new producer. */
    TxnMetadata bumped(long newProducerId, short newEpoch, int newTimeoutMs, TransactionState s, long nowMs) {
        return new TxnMetadata(newProducerId, newEpoch, newProducerId == producerId ? epoch : -1, newTimeoutMs, s,
                partitions, groups, startMs, nowMs);
    }
}
