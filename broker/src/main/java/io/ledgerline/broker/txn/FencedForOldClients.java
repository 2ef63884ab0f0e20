package io.ledgerline.broker.txn;

import org.apache.kafka.common.protocol.Errors;

/**
 * PRODUCER_FENCED (KIP-588) is unknown to clients that speak the versions of a transaction API from before it;
 * Apache Kafka's broker sends them INVALID_PRODUCER_EPOCH, which they handle the same way (the producer is
 * fenced). First version that knows PRODUCER_FENCED, as Kafka 4.3.1's KafkaApis: InitProducerId v4,
 * AddPartitionsToTxn v2, AddOffsetsToTxn v2, EndTxn v2.
 */
public final class FencedForOldClients {
    public static final short INIT_PRODUCER_ID = 4;
    public static final short ADD_PARTITIONS_TO_TXN = 2;
    public static final short ADD_OFFSETS_TO_TXN = 2;
    public static final short END_TXN = 2;

    private FencedForOldClients() {}

    /** {@code error} as a client of {@code version} must see it, where {@code firstKnowing} is the API's first version that knows PRODUCER_FENCED. */
    public static Errors map(Errors error, short version, short firstKnowing) {
        return error == Errors.PRODUCER_FENCED && version < firstKnowing ? Errors.INVALID_PRODUCER_EPOCH : error;
    }
}
