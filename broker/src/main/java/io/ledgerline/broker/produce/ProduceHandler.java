package io.ledgerline.broker.produce;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.topic.TopicRegistry;
import io.ledgerline.log.AppendResult;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Produce: validate and append each partition's batch, then answer once every appended batch is durable
 * (acks=1 and acks=all both wait: this node is the only replica, and an acknowledgement means "on disk").
 * acks=0 gets no response at all. Per partition, a failure is that partition's error code; the others
 * still succeed (as in Kafka).
 */
public final class ProduceHandler implements ApiHandler {
    private final TopicRegistry topics;

    public ProduceHandler(TopicRegistry topics) {
        this.topics = topics;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        ProduceRequest r = request.body(ProduceRequest.class);
        ProduceRequestData req = r.data();
        short acks = req.acks();
        boolean byId = request.version() >= 13;
        ProduceResponseData data = new ProduceResponseData();
        List<CompletableFuture<Void>> waits = new ArrayList<>();

        if (acks != 0 && acks != 1 && acks != -1) {
            for (ProduceRequestData.TopicProduceData t : req.topicData()) {
                TopicProduceResponse tr = topicResponse(t, data);
                for (ProduceRequestData.PartitionProduceData p : t.partitionData()) {
                    tr.partitionResponses().add(failed(p.index(), Errors.INVALID_REQUIRED_ACKS, "acks must be -1, 0 or 1, got " + acks));
                }
            }
            return ApiHandler.done(new ProduceResponse(data));
        }
        if (req.transactionalId() != null) {
            for (ProduceRequestData.TopicProduceData t : req.topicData()) {
                TopicProduceResponse tr = topicResponse(t, data);
                for (ProduceRequestData.PartitionProduceData p : t.partitionData()) {
                    tr.partitionResponses().add(failed(p.index(), Errors.TRANSACTIONAL_ID_NOT_FOUND,
                            "transactions are not available in this Ledgerline version"));
                }
            }
            return acks == 0 ? ApiHandler.done(null) : ApiHandler.done(new ProduceResponse(data));
        }

        for (ProduceRequestData.TopicProduceData t : req.topicData()) {
            TopicProduceResponse tr = topicResponse(t, data);
            TopicRegistry.Entry topic = byId ? topics.get(t.topicId()) : topics.get(t.name());
            for (ProduceRequestData.PartitionProduceData p : t.partitionData()) {
                if (topic == null || p.index() < 0 || p.index() >= topic.partitions().size()) {
                    Errors e = byId && topic == null ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                    tr.partitionResponses().add(failed(p.index(), e, null));
                    continue;
                }
                PartitionLog log = topic.partitions().get(p.index());
                PartitionProduceResponse pr = new PartitionProduceResponse().setIndex(p.index());
                tr.partitionResponses().add(pr);
                if (!(p.records() instanceof MemoryRecords)) {
                    fail(pr, new org.apache.kafka.common.InvalidRecordException("partition " + p.index() + " has no record batch"));
                    continue;
                }
                try {
                    ProduceRequest.validateRecords(request.version(), p.records());
                    AppendResult a = log.append((MemoryRecords) p.records());
                    pr.setBaseOffset(a.baseOffset()).setLogAppendTimeMs(a.logAppendTimeMs()).setLogStartOffset(a.logStartOffset());
                    if (acks != 0) {
                        waits.add(log.durable(a.lastOffset()).handle((ok, err) -> {
                            if (err != null) fail(pr, unwrap(err));
                            return null;
                        }));
                    }
                } catch (ApiException e) {
                    fail(pr, e);
                }
            }
        }
        if (acks == 0) return ApiHandler.done(null);
        if (waits.isEmpty()) return ApiHandler.done(new ProduceResponse(data));
        return CompletableFuture.allOf(waits.toArray(new CompletableFuture[0])).thenApply(v -> new ProduceResponse(data));
    }

    private static TopicProduceResponse topicResponse(ProduceRequestData.TopicProduceData t, ProduceResponseData data) {
        TopicProduceResponse tr = new TopicProduceResponse().setName(t.name()).setTopicId(t.topicId() == null ? Uuid.ZERO_UUID : t.topicId());
        data.responses().add(tr);
        return tr;
    }

    private static PartitionProduceResponse failed(int index, Errors error, String message) {
        return new PartitionProduceResponse().setIndex(index).setErrorCode(error.code())
                .setErrorMessage(message != null ? message : error.message())
                .setBaseOffset(ProduceResponse.INVALID_OFFSET).setLogAppendTimeMs(-1).setLogStartOffset(-1);
    }

    private static void fail(PartitionProduceResponse pr, Throwable e) {
        Errors error = Errors.forException(e);
        pr.setErrorCode(error.code()).setErrorMessage(e.getMessage())
                .setBaseOffset(ProduceResponse.INVALID_OFFSET).setLogAppendTimeMs(-1).setLogStartOffset(-1);
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
