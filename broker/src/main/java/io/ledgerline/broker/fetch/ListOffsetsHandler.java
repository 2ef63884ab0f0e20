package io.ledgerline.broker.fetch;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.topic.PartitionResolver;
import io.ledgerline.broker.topic.TopicRegistry;
import io.ledgerline.log.OffsetAndTimestamp;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;

import java.util.concurrent.CompletableFuture;

/**
 * ListOffsets: earliest (log start), latest (high watermark = durable end; under read_committed the last
 * stable offset), max timestamp (the first record carrying the largest timestamp), or by timestamp (the first
 * record with timestamp &gt;= the target). Under read_committed a lookup by timestamp finds only offsets below
 * the last stable offset, as Kafka's. "None" is offset -1 and timestamp -1, as in Kafka.
 */
public final class ListOffsetsHandler implements ApiHandler {
    private final PartitionResolver resolver;

    public ListOffsetsHandler(TopicRegistry topics) {
        this.resolver = new PartitionResolver(topics);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        ListOffsetsRequestData req = request.body(ListOffsetsRequest.class).data();
        ListOffsetsResponseData data = new ListOffsetsResponseData();
        boolean readCommitted = req.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        for (ListOffsetsRequestData.ListOffsetsTopic t : req.topics()) {
            ListOffsetsTopicResponse tr = new ListOffsetsTopicResponse().setName(t.name());
            data.topics().add(tr);
            PartitionResolver.Resolved topic = resolver.topic(t.name());
            for (ListOffsetsRequestData.ListOffsetsPartition p : t.partitions()) {
                tr.partitions().add(answer(topic, p, readCommitted, request.version()));
            }
        }
        return ApiHandler.done(new ListOffsetsResponse(data));
    }

    private static ListOffsetsPartitionResponse answer(PartitionResolver.Resolved topic, ListOffsetsRequestData.ListOffsetsPartition p,
                                                       boolean readCommitted, short version) {
        PartitionLog log = topic.partition(p.partitionIndex());
        ListOffsetsPartitionResponse r = new ListOffsetsPartitionResponse().setPartitionIndex(p.partitionIndex())
                .setTimestamp(RecordBatch.NO_TIMESTAMP).setOffset(-1).setLeaderEpoch(RecordBatch.NO_PARTITION_LEADER_EPOCH);
        if (log == null) return r.setErrorCode(topic.partitionError(p.partitionIndex()).code());
        if (p.currentLeaderEpoch() > 0) return r.setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
        try {
            long ts = p.timestamp();
            OffsetAndTimestamp found;
            if (ts == ListOffsetsRequest.LATEST_TIMESTAMP) {
                found = new OffsetAndTimestamp(readCommitted ? log.lastStableOffset() : log.highWatermark(), RecordBatch.NO_TIMESTAMP);
            } else if (ts == ListOffsetsRequest.EARLIEST_TIMESTAMP || ts == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
                found = new OffsetAndTimestamp(log.logStartOffset(), RecordBatch.NO_TIMESTAMP);
            } else if (ts == ListOffsetsRequest.MAX_TIMESTAMP) {
                found = log.maxTimestamp();
            } else if (ts == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP || ts == ListOffsetsRequest.EARLIEST_PENDING_UPLOAD_TIMESTAMP) {
                found = null; // no tiered storage: nothing is uploaded
            } else if (ts >= 0) {
                found = log.offsetForTimestamp(ts);
            } else {
                return r.setErrorCode(Errors.INVALID_REQUEST.code());
            }
            boolean lookup = ts >= 0 || ts == ListOffsetsRequest.MAX_TIMESTAMP;
            if (found != null && readCommitted && lookup && found.offset() >= log.lastStableOffset()) {
                found = null; // a lookup finds only what read_committed can read yet
            }
            if (found != null) {
                r.setOffset(found.offset()).setTimestamp(found.timestamp());
                // The leader epoch is in the response from v4 on; a non-default value does not serialize below it.
                if (version >= 4) r.setLeaderEpoch(0);
            }
            return r;
        } catch (ApiException e) {
            return r.setErrorCode(Errors.forException(e).code());
        }
    }
}
