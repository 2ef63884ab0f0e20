package io.ledgerline.broker.admin;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.topic.PartitionResolver;
import io.ledgerline.broker.topic.TopicRegistry;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * DeleteRecords (v0-2): per partition, makes the given offset the log start offset (the low watermark) and
 * answers it. Offset -1 means the high watermark (delete everything readable). An offset below the current
 * low watermark changes nothing and answers the current one. Errors, per partition, as in Kafka:
 * UNKNOWN_TOPIC_OR_PARTITION; OFFSET_OUT_OF_RANGE for an offset beyond the high watermark or below -1;
 * POLICY_VIOLATION when the topic's cleanup.policy lacks delete (compacted-only topics keep their records);
 * KAFKA_STORAGE_ERROR when the partition is offline. The response has no message field: the reason is logged (debug).
 * With one replica there is nothing to wait for: the answer is immediate (the new log start offset is
 * checkpointed before it is returned).
 */
public final class DeleteRecordsHandler implements ApiHandler {
    private static final Logger log = LoggerFactory.getLogger(DeleteRecordsHandler.class);

    private final PartitionResolver resolver;

    public DeleteRecordsHandler(TopicRegistry topics) {
        this.resolver = new PartitionResolver(topics);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        DeleteRecordsRequestData req = request.body(DeleteRecordsRequest.class).data();
        DeleteRecordsResponseData data = new DeleteRecordsResponseData();
        for (DeleteRecordsTopic t : req.topics()) {
            DeleteRecordsTopicResult tr = new DeleteRecordsTopicResult().setName(t.name());
            for (DeleteRecordsPartition p : t.partitions()) {
                DeleteRecordsPartitionResult pr = new DeleteRecordsPartitionResult().setPartitionIndex(p.partitionIndex());
                try {
                    pr.setLowWatermark(delete(t.name(), p)).setErrorCode(Errors.NONE.code());
                } catch (RuntimeException e) {
                    ApiError err = AdminErrors.of(e);
                    log.debug("DeleteRecords {}-{} before {}: {}", t.name(), p.partitionIndex(), p.offset(), err.messageWithFallback());
                    pr.setLowWatermark(DeleteRecordsResponse.INVALID_LOW_WATERMARK).setErrorCode(err.error().code());
                }
                tr.partitions().add(pr);
            }
            data.topics().add(tr);
        }
        return ApiHandler.done(new DeleteRecordsResponse(data));
    }

    private long delete(String topic, DeleteRecordsPartition p) {
        PartitionLog partition = resolver.partition(topic, p.partitionIndex());
        if (partition == null) {
            throw resolver.partitionError(topic, p.partitionIndex()).exception("Partition " + topic + "-" + p.partitionIndex() + " does not exist.");
        }
        if (partition.isOffline()) throw new KafkaStorageException(partition.topicPartition() + " is offline");
        if (!TopicConfigs.allowsDelete(partition.config())) {
            throw new PolicyViolationException("Records of partition " + partition.topicPartition()
                    + " can not be deleted due to the configured policy");
        }
        long offset = p.offset() == DeleteRecordsRequest.HIGH_WATERMARK ? partition.highWatermark() : p.offset();
        if (offset < 0) throw new OffsetOutOfRangeException("The offset " + p.offset() + " for partition "
                + partition.topicPartition() + " is not valid.");
        return partition.deleteRecordsBefore(offset);
    }
}
