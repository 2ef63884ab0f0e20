package io.ledgerline.broker.produce;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;

import java.util.concurrent.CompletableFuture;

/**
 * InitProducerId for idempotent producers: a fresh producer id at epoch 0 (as Apache Kafka does for a
 * non-transactional producer, also when it re-initializes after an error). A transactional id needs the
 * transaction coordinator, which this version does not have yet: such a request gets
 * COORDINATOR_NOT_AVAILABLE (FindCoordinator names this node for transactional ids, so a transactional producer
 * retries this until its max.block.ms).
 */
public final class InitProducerIdHandler implements ApiHandler {
    private final ProducerIdManager ids;

    public InitProducerIdHandler(ProducerIdManager ids) {
        this.ids = ids;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        InitProducerIdRequestData req = request.body(InitProducerIdRequest.class).data();
        InitProducerIdResponseData data = new InitProducerIdResponseData().setProducerId(-1).setProducerEpoch((short) -1);
        if (req.transactionalId() != null) {
            data.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
        } else {
            data.setProducerId(ids.nextId()).setProducerEpoch((short) 0);
        }
        return ApiHandler.done(new InitProducerIdResponse(data));
    }
}
