package io.ledgerline.broker.txn;

/**
 * States of a transactional id, named as Kafka's (DescribeTransactions and ListTransactions return the names).
 *
 * <pre>
 *   Empty ──AddPartitions/AddOffsets──▶ Ongoing ──EndTxn──▶ PrepareCommit ──markers──▶ CompleteCommit
 *     ▲                                  │  ▲                 PrepareAbort  ──markers──▶ CompleteAbort
 *     └──InitProducerId (epoch bump)─────┘  └──AddPartitions (from a Complete* state: the next transaction)
 * </pre>
 * InitProducerId on an Ongoing transaction, and the transaction timeout, abort it with a bumped epoch
 * (PrepareAbort), which fences the producer that held it. An id left in Empty, CompleteCommit or CompleteAbort for
 * transactional.id.expiration.ms is removed (Kafka's Dead state is the tombstone in flight).
 */
public enum TransactionState {
    EMPTY("Empty", 0),
    ONGOING("Ongoing", 1),
    PREPARE_COMMIT("PrepareCommit", 2),
    PREPARE_ABORT("PrepareAbort", 3),
    COMPLETE_COMMIT("CompleteCommit", 4),
    COMPLETE_ABORT("CompleteAbort", 5);

    private final String kafkaName;
    /** Stored in the transaction log: never renumber. */
    final byte id;

    TransactionState(String kafkaName, int id) {
        this.kafkaName = kafkaName;
        this.id = (byte) id;
    }

    public String kafkaName() {
        return kafkaName;
    }

    boolean completing() {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }

    /** No transaction in progress: the transactional id may expire (Kafka's isExpirationAllowed). */
    boolean expirable() {
        return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT;
    }

    static TransactionState byId(byte id) {
        for (TransactionState s : values()) if (s.id == id) return s;
        throw new IllegalArgumentException("unknown transaction state id " + id);
    }

    /**
     * Whether Kafka knows {@code name} as a state (ListTransactions lists the others as unknown filters): these
     * names, exactly as written, and Kafka's two states that are never shown here, Dead (Ledgerline's tombstone in
     * flight) and PrepareEpochFence (Ledgerline fences straight to PrepareAbort). Those two match nothing.
     */
    static boolean isKafkaName(String name) {
        if (name.equals("Dead") || name.equals("PrepareEpochFence")) return true;
        for (TransactionState s : values()) if (s.kafkaName.equals(name)) return true;
        return false;
    }
}
