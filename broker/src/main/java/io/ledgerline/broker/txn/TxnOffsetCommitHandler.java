package io.ledgerline.broker.txn;

import io.ledgerline.broker.group.CommittedOffset;
import io.ledgerline.broker.group.GroupCoordinator;
import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.topic.PartitionResolver;
import io.ledgerline.broker.topic.TopicRegistry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;
import org.apache.kafka.common.requests.TxnOffsetCommitResponse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * TxnOffsetCommit v0-4 (transaction version 1; v5 adds the group to the transaction implicitly, TV2): consumer
 * offsets committed as part of a transaction ({@code sendOffsetsToTransaction}). The group must have been added
 * with AddOffsetsToTxn (else INVALID_TXN_STATE, as Kafka answers these versions); the member and generation of
 * the consumer's group metadata are checked by the group coordinator, so a consumer fenced by a rebalance
 * cannot commit. The offsets stay pending until the transaction ends (committed by its commit, dropped by its
 * abort); OffsetFetch with requireStable answers UNSTABLE_OFFSET_COMMIT for them meanwhile.
 */
public final class TxnOffsetCommitHandler implements ApiHandler {
    /** Last version of transaction version 1. */
    public static final short MAX_VERSION = TxnOffsetCommitRequest.LAST_STABLE_VERSION_BEFORE_TRANSACTION_V2;

    private final TransactionCoordinator transactions;
    private final GroupCoordinator groups;
    private final PartitionResolver resolver;

    public TxnOffsetCommitHandler(TransactionCoordinator transactions, GroupCoordinator groups, TopicRegistry topics) {
        this.transactions = transactions;
        this.groups = groups;
        this.resolver = new PartitionResolver(topics);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        TxnOffsetCommitRequest r = request.body(TxnOffsetCommitRequest.class);
        TxnOffsetCommitRequestData req = r.data();
        Map<TopicPartition, TxnOffsetCommitRequest.CommittedOffset> asked = r.offsets();
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        if (req.transactionalId() == null || req.transactionalId().isEmpty()) return done(asked, Errors.INVALID_REQUEST, result);
        Map<TopicPartition, CommittedOffset> offsets = new LinkedHashMap<>();
        asked.forEach((tp, o) -> {
            Errors unknown = resolver.partitionError(tp);
            if (unknown != Errors.NONE) {
                result.put(tp, unknown);
            } else {
                offsets.put(tp, new CommittedOffset(o.offset, o.leaderEpoch.orElse(RecordBatch.NO_PARTITION_LEADER_EPOCH), o.metadata, 0));
            }
        });
        if (offsets.isEmpty()) return done(asked, Errors.NONE, result);
        CompletableFuture<GroupCoordinator.PartitionErrors> committed;
        try {
            committed = transactions.commitOffsetsIfInTransaction(req.transactionalId(), req.producerId(), req.producerEpoch(),
                    req.groupId(), () -> groups.txnCommit(req.groupId(), req.producerId(), req.generationIdOrMemberEpoch(), req.memberId(),
                            req.groupInstanceId(), offsets));
        } catch (TransactionAbortableException e) {
            return done(offsets, Errors.INVALID_TXN_STATE, result);
        } catch (ApiException e) {
            return done(offsets, Errors.forException(e), result);
        }
        return committed.thenApply(pe -> {
            if (pe.error() != Errors.NONE) offsets.keySet().forEach(tp -> result.put(tp, pe.error()));
            else result.putAll(pe.partitions());
            return new TxnOffsetCommitResponse(0, result);
        });
    }

    private static CompletableFuture<AbstractResponse> done(Map<TopicPartition, ?> partitions, Errors error, Map<TopicPartition, Errors> result) {
        partitions.keySet().forEach(tp -> result.putIfAbsent(tp, error));
        return ApiHandler.done(new TxnOffsetCommitResponse(0, result));
    }
}
