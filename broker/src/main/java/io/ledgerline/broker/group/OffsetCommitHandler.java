package io.ledgerline.broker.group;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.topic.PartitionResolver;
import io.ledgerline.broker.topic.TopicRegistry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetCommit (v2-10; v10 names topics by id): answered once the offsets are durable. Offsets are stored by
 * topic name, so an id is resolved here (UNKNOWN_TOPIC_ID when it is not a topic). The client's
 * retention time (v2-4) is ignored, as in Kafka since 2.1: offsets.retention.minutes applies.
 */
public final class OffsetCommitHandler implements ApiHandler {
    private final GroupCoordinator coordinator;
    private final PartitionResolver resolver;

    public OffsetCommitHandler(GroupCoordinator coordinator, TopicRegistry topics) {
        this.coordinator = coordinator;
        this.resolver = new PartitionResolver(topics);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        OffsetCommitRequestData req = request.body(OffsetCommitRequest.class).data();
        boolean ids = OffsetCommitResponse.useTopicIds(request.version());
        Map<TopicPartition, CommittedOffset> offsets = new LinkedHashMap<>();
        OffsetCommitResponseData unknown = new OffsetCommitResponseData();
        for (OffsetCommitRequestTopic t : req.topics()) {
            PartitionResolver.Resolved byId = ids ? resolver.topic(t.topicId()) : null;
            String name = ids ? (byId.found() ? byId.entry().topic().name() : null) : t.name();
            if (name == null) {
                OffsetCommitResponseTopic rt = new OffsetCommitResponseTopic().setTopicId(t.topicId());
                for (OffsetCommitRequestPartition p : t.partitions()) {
                    rt.partitions().add(new OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex())
                            .setErrorCode(byId.error().code()));
                }
                unknown.topics().add(rt);
                continue;
            }
            for (OffsetCommitRequestPartition p : t.partitions()) {
                offsets.put(new TopicPartition(name, p.partitionIndex()),
                        new CommittedOffset(p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata(), 0));
            }
        }
        return coordinator.commit(req.groupId(), req.generationIdOrMemberEpoch(), req.memberId(), req.groupInstanceId(), offsets)
                .thenApply(result -> {
                    OffsetCommitResponseData data = unknown.duplicate();
                    Map<String, OffsetCommitResponseTopic> byName = new LinkedHashMap<>();
                    offsets.keySet().forEach(tp -> {
                        Errors e = result.error() != Errors.NONE ? result.error() : result.partitions().get(tp);
                        OffsetCommitResponseTopic rt = byName.computeIfAbsent(tp.topic(), n -> {
                            OffsetCommitResponseTopic x = ids ? new OffsetCommitResponseTopic().setTopicId(idOf(n))
                                    : new OffsetCommitResponseTopic().setName(n);
                            data.topics().add(x);
                            return x;
                        });
                        rt.partitions().add(new OffsetCommitResponsePartition().setPartitionIndex(tp.partition()).setErrorCode(e.code()));
                    });
                    return new OffsetCommitResponse(data);
                });
    }

    private Uuid idOf(String name) {
        PartitionResolver.Resolved e = resolver.topic(name);
        return e.found() ? e.entry().topic().id() : Uuid.ZERO_UUID;
    }
}
