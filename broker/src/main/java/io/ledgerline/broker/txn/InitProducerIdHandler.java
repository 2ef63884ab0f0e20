package io.ledgerline.broker.txn;

import io.ledgerline.broker.produce.ProducerIdManager;
import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;

import java.util.concurrent.CompletableFuture;

/**
 * InitProducerId. Without a transactional id (idempotent producers): a fresh producer id at epoch 0, as
 * Apache Kafka does for a non-transactional producer, also when it re-initializes after an error. With one:
 * the transaction coordinator's answer (epoch bump and fencing, see
 * {@link TransactionCoordinator#initProducerId}); an empty transactional id is INVALID_REQUEST, as in Kafka. As
 * in Kafka too: an expected producer id without an expected epoch, or the reverse, is INVALID_REQUEST, and
 * PRODUCER_FENCED goes to a client older than v4 as INVALID_PRODUCER_EPOCH, the code it knows.
 */
public final class InitProducerIdHandler implements ApiHandler {
    private final ProducerIdManager ids;
    private final TransactionCoordinator transactions;

    public InitProducerIdHandler(ProducerIdManager ids, TransactionCoordinator transactions) {
        this.ids = ids;
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        InitProducerIdRequestData req = request.body(InitProducerIdRequest.class).data();
        InitProducerIdResponseData data = new InitProducerIdResponseData().setProducerId(-1).setProducerEpoch((short) -1);
        if ((req.producerId() == RecordBatch.NO_PRODUCER_ID) != (req.producerEpoch() == RecordBatch.NO_PRODUCER_EPOCH)) {
            return ApiHandler.done(new InitProducerIdResponse(data.setErrorCode(Errors.INVALID_REQUEST.code())));
        }
        if (req.transactionalId() == null) {
            data.setProducerId(ids.nextId()).setProducerEpoch((short) 0);
            return ApiHandler.done(new InitProducerIdResponse(data));
        }
        if (req.transactionalId().isEmpty()) {
            return ApiHandler.done(new InitProducerIdResponse(data.setErrorCode(Errors.INVALID_REQUEST.code())));
        }
        return transactions.initProducerId(req.transactionalId(), req.transactionTimeoutMs(), req.producerId(), req.producerEpoch())
                .thenApply(r -> {
                    Errors error = FencedForOldClients.map(r.error(), request.version(), FencedForOldClients.INIT_PRODUCER_ID);
                    return new InitProducerIdResponse(data.setErrorCode(error.code()).setProducerId(r.producerId())
                            .setProducerEpoch(r.epoch()));
                });
    }
}
