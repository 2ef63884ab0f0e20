package io.ledgerline.broker.txn;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.topic.PartitionResolver;
import io.ledgerline.broker.topic.TopicRegistry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnResultCollection;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * AddPartitionsToTxn. v0-3 (what producers send): one transaction, its partitions added to it. v4+ (what
 * brokers send each other): several transactions, each either verified only ({@code verifyOnly}, the KIP-890
 * check, nothing written) or added. A partition of an unknown topic is UNKNOWN_TOPIC_OR_PARTITION and the
 * others of that transaction OPERATION_NOT_ATTEMPTED, as in Kafka.
 */
public final class AddPartitionsToTxnHandler implements ApiHandler {
    private final TransactionCoordinator coordinator;
    private final PartitionResolver resolver;

    public AddPartitionsToTxnHandler(TransactionCoordinator coordinator, TopicRegistry topics) {
        this.coordinator = coordinator;
        this.resolver = new PartitionResolver(topics);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        AddPartitionsToTxnRequest r = request.body(AddPartitionsToTxnRequest.class);
        boolean v3 = request.version() < 4;
        List<AddPartitionsToTxnTransaction> txns = new ArrayList<>();
        if (v3) {
            txns.add(new AddPartitionsToTxnTransaction().setTransactionalId(r.data().v3AndBelowTransactionalId())
                    .setProducerId(r.data().v3AndBelowProducerId()).setProducerEpoch(r.data().v3AndBelowProducerEpoch())
                    .setVerifyOnly(false).setTopics(r.data().v3AndBelowTopics()));
        } else {
            txns.addAll(r.data().transactions());
        }
        List<CompletableFuture<AddPartitionsToTxnResponseData.AddPartitionsToTxnResult>> results = new ArrayList<>();
        for (AddPartitionsToTxnTransaction t : txns) results.add(one(t, request.version()));
        return CompletableFuture.allOf(results.toArray(new CompletableFuture[0])).thenApply(v -> {
            AddPartitionsToTxnResponseData data = new AddPartitionsToTxnResponseData();
            if (v3) {
                data.setResultsByTopicV3AndBelow(results.get(0).join().topicResults());
            } else {
                AddPartitionsToTxnResultCollection c = new AddPartitionsToTxnResultCollection();
                for (var f : results) c.add(f.join());
                data.setResultsByTransaction(c);
            }
            return new AddPartitionsToTxnResponse(data);
        });
    }

    private CompletableFuture<AddPartitionsToTxnResponseData.AddPartitionsToTxnResult> one(AddPartitionsToTxnTransaction t, short version) {
        String id = t.transactionalId();
        Set<TopicPartition> partitions = new LinkedHashSet<>(partitions(t.topics()));
        if (id == null || id.isEmpty()) return done(id, all(partitions, Errors.INVALID_REQUEST));
        Map<TopicPartition, Errors> unknown = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Errors e = resolver.partitionError(tp);
            if (e != Errors.NONE) unknown.put(tp, e);
        }
        if (!unknown.isEmpty()) {
            Map<TopicPartition, Errors> errors = all(partitions, Errors.OPERATION_NOT_ATTEMPTED);
            errors.putAll(unknown);
            return done(id, errors);
        }
        if (t.verifyOnly()) {
            return done(id, coordinator.verify(id, t.producerId(), t.producerEpoch(), partitions));
        }
        return coordinator.add(id, t.producerId(), t.producerEpoch(), partitions, Set.of())
                .thenApply(error -> AddPartitionsToTxnResponse.resultForTransaction(id,
                        all(partitions, FencedForOldClients.map(error, version, FencedForOldClients.ADD_PARTITIONS_TO_TXN))));
    }

    private static List<TopicPartition> partitions(AddPartitionsToTxnTopicCollection topics) {
        return AddPartitionsToTxnRequest.getPartitions(topics);
    }

    private static Map<TopicPartition, Errors> all(Set<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> m = new HashMap<>();
        for (TopicPartition tp : partitions) m.put(tp, error);
        return m;
    }

    private static CompletableFuture<AddPartitionsToTxnResponseData.AddPartitionsToTxnResult> done(String id, Map<TopicPartition, Errors> errors) {
        return CompletableFuture.completedFuture(AddPartitionsToTxnResponse.resultForTransaction(id, errors));
    }
}
