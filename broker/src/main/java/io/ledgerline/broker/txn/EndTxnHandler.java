package io.ledgerline.broker.txn;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;

import java.util.concurrent.CompletableFuture;

/**
 * EndTxn v0-4 (transaction version 1; v5 is TV2's and is not advertised): commits or aborts the ongoing
 * transaction, see {@link TransactionCoordinator#endTxn}.
 */
public final class EndTxnHandler implements ApiHandler {
    /** Last EndTxn version of transaction version 1 (v5 returns a bumped epoch: TV2). */
    public static final short MAX_VERSION = EndTxnRequest.LAST_STABLE_VERSION_BEFORE_TRANSACTION_V2;

    private final TransactionCoordinator coordinator;

    public EndTxnHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        EndTxnRequestData req = request.body(EndTxnRequest.class).data();
        if (req.transactionalId() == null || req.transactionalId().isEmpty()) return ApiHandler.done(response(Errors.INVALID_REQUEST));
        return coordinator.endTxn(req.transactionalId(), req.producerId(), req.producerEpoch(), req.committed())
                .thenApply(error -> response(FencedForOldClients.map(error, request.version(), FencedForOldClients.END_TXN)));
    }

    private static AbstractResponse response(Errors error) {
        return new EndTxnResponse(new EndTxnResponseData().setErrorCode(error.code())
                .setProducerId(RecordBatch.NO_PRODUCER_ID).setProducerEpoch(RecordBatch.NO_PRODUCER_EPOCH));
    }
}
