package io.ledgerline.broker.txn;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AddOffsetsToTxnRequest;
import org.apache.kafka.common.requests.AddOffsetsToTxnResponse;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * AddOffsetsToTxn: makes a consumer group's offsets part of the transaction (Kafka adds the group's
 * __consumer_offsets partition; Ledgerline records the group id), beginning it if it is not ongoing.
 */
public final class AddOffsetsToTxnHandler implements ApiHandler {
    private final TransactionCoordinator coordinator;

    public AddOffsetsToTxnHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        AddOffsetsToTxnRequestData req = request.body(AddOffsetsToTxnRequest.class).data();
        if (req.transactionalId() == null || req.transactionalId().isEmpty() || req.groupId() == null || req.groupId().isEmpty()) {
            return ApiHandler.done(response(Errors.INVALID_REQUEST));
        }
        return coordinator.add(req.transactionalId(), req.producerId(), req.producerEpoch(), Set.of(), Set.of(req.groupId()))
                .thenApply(error -> response(FencedForOldClients.map(error, request.version(), FencedForOldClients.ADD_OFFSETS_TO_TXN)));
    }

    private static AbstractResponse response(Errors error) {
        return new AddOffsetsToTxnResponse(new AddOffsetsToTxnResponseData().setErrorCode(error.code()));
    }
}
