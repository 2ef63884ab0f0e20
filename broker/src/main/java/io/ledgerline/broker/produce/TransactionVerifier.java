package io.ledgerline.broker.produce;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidPidMappingException;

/**
 * The check that KIP-890 adds to Kafka: a transactional batch is appended only to a partition that its
 * producer added to its ongoing transaction (AddPartitionsToTxn), so a late or zombie write can never open a
 * transaction that no marker will ever close (a "hanging" transaction, which would stop every read_committed
 * consumer of the partition at its first offset). Implemented by the transaction coordinator.
 */
public interface TransactionVerifier {

    /**
     * Runs {@code append} if {@code tp} is in the ongoing transaction of {@code transactionalId} held by
     * {@code producerId} at {@code producerEpoch}; else throws the error the producer gets:
     * InvalidPidMappingException (no such transaction for that producer id), InvalidProducerEpochException
     * (fenced), ConcurrentTransactionsException (the transaction is completing),
     * TransactionAbortableException (the partition was not added). The check and the append are atomic with
     * respect to the coordinator's changes of that transaction, so no marker can land between them (Kafka's
     * "verification guard" does the same across brokers).
     */
    void appendIfInTransaction(String transactionalId, long producerId, short producerEpoch, TopicPartition tp,
                               Runnable append);

    /** A broker that knows no transactions: every transactional batch is refused. */
    TransactionVerifier NONE = (id, pid, epoch, tp, append) -> {
        throw new InvalidPidMappingException("transactional id " + id + " has no ongoing transaction");
    };
}
