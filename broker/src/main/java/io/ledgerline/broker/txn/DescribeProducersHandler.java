package io.ledgerline.broker.txn;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.topic.PartitionResolver;
import io.ledgerline.broker.topic.TopicRegistry;
import io.ledgerline.log.ActiveProducer;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeProducersRequest;
import org.apache.kafka.common.requests.DescribeProducersResponse;

import java.util.concurrent.CompletableFuture;

/**
 * DescribeProducers: per partition, the producers it knows (epoch, last sequence and timestamp) and the first
 * offset of each one's open transaction there (-1 none) — what {@code kafka-transactions describe-producers}
 * shows, and how a hanging transaction is found.
 */
public final class DescribeProducersHandler implements ApiHandler {
    private final PartitionResolver resolver;

    public DescribeProducersHandler(TopicRegistry topics) {
        this.resolver = new PartitionResolver(topics);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        DescribeProducersResponseData data = new DescribeProducersResponseData();
        for (DescribeProducersRequestData.TopicRequest t : request.body(DescribeProducersRequest.class).data().topics()) {
            DescribeProducersResponseData.TopicResponse tr = new DescribeProducersResponseData.TopicResponse().setName(t.name());
            data.topics().add(tr);
            PartitionResolver.Resolved topic = resolver.topic(t.name());
            for (int p : t.partitionIndexes()) {
                DescribeProducersResponseData.PartitionResponse pr = new DescribeProducersResponseData.PartitionResponse().setPartitionIndex(p);
                tr.partitions().add(pr);
                PartitionLog log = topic.partition(p);
                if (log == null) {
                    pr.setErrorCode(topic.partitionError(p).code());
                    continue;
                }
                for (ActiveProducer a : log.activeProducers()) {
                    pr.activeProducers().add(new DescribeProducersResponseData.ProducerState().setProducerId(a.producerId())
                            .setProducerEpoch(a.epoch()).setLastSequence(a.lastSequence()).setLastTimestamp(a.lastTimestamp())
                            .setCoordinatorEpoch(a.coordinatorEpoch()).setCurrentTxnStartOffset(a.currentTxnStartOffset()));
                }
            }
        }
        return ApiHandler.done(new DescribeProducersResponse(data));
    }
}
