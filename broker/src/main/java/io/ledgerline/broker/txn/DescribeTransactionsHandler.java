package io.ledgerline.broker.txn;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TopicData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeTransactionsRequest;
import org.apache.kafka.common.requests.DescribeTransactionsResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeTransactions: state, producer, timeout, start time and partitions of each transactional id asked. The
 * start time is that of the latest transaction, also once it completed; -1 when none began since InitProducerId
 * (Kafka's txnStartTimestamp). An empty id is INVALID_REQUEST, an unknown one TRANSACTIONAL_ID_NOT_FOUND, as in Kafka.
 */
public final class DescribeTransactionsHandler implements ApiHandler {
    private final TransactionCoordinator coordinator;

    public DescribeTransactionsHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        DescribeTransactionsResponseData data = new DescribeTransactionsResponseData();
        for (String id : request.body(DescribeTransactionsRequest.class).data().transactionalIds()) {
            DescribeTransactionsResponseData.TransactionState s = new DescribeTransactionsResponseData.TransactionState()
                    .setTransactionalId(id);
            data.transactionStates().add(s);
            if (id.isEmpty()) {
                s.setErrorCode(Errors.INVALID_REQUEST.code());
                continue;
            }
            TxnMetadata m = coordinator.describe(id);
            if (m == null) {
                s.setErrorCode(Errors.TRANSACTIONAL_ID_NOT_FOUND.code());
                continue;
            }
            s.setTransactionState(m.state().kafkaName()).setProducerId(m.producerId()).setProducerEpoch(m.epoch())
                    .setTransactionTimeoutMs(m.timeoutMs()).setTransactionStartTimeMs(m.startMs());
            List<TopicPartition> parts = new ArrayList<>(m.partitions());
            parts.sort(TxnRecord.PARTITION_ORDER);
            for (TopicPartition tp : parts) {
                TopicData t = s.topics().find(tp.topic());
                if (t == null) {
                    t = new TopicData().setTopic(tp.topic());
                    s.topics().add(t);
                }
                t.partitions().add(tp.partition());
            }
        }
        return ApiHandler.done(new DescribeTransactionsResponse(data));
    }
}
