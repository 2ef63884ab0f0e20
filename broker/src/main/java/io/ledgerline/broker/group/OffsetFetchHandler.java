package io.ledgerline.broker.group;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.topic.PartitionResolver;
import io.ledgerline.broker.topic.TopicRegistry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetFetch (v1-7 one group, v8+ several groups, v10 topics by id). A partition without a committed
 * offset answers offset -1 and empty metadata; null topics ask for every committed offset of the group.
 */
public final class OffsetFetchHandler implements ApiHandler {
    private final GroupCoordinator coordinator;
    private final PartitionResolver resolver;

    public OffsetFetchHandler(GroupCoordinator coordinator, TopicRegistry topics) {
        this.coordinator = coordinator;
        this.resolver = new PartitionResolver(topics);
    }

    /** One topic of a request: its name (null when an id is unknown), its id (v10) and partitions. */
    private record Asked(String name, Uuid id, List<Integer> partitions) {}

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        OffsetFetchRequestData req = request.body(OffsetFetchRequest.class).data();
        short version = request.version();
        boolean ids = OffsetFetchRequest.useTopicIds(version);
        OffsetFetchResponseData data = new OffsetFetchResponseData();
        if (version < OffsetFetchRequest.BATCH_MIN_VERSION) {
            List<Asked> asked = null;
            if (req.topics() != null) {
                asked = new ArrayList<>();
                for (OffsetFetchRequestTopic t : req.topics()) asked.add(new Asked(t.name(), null, t.partitionIndexes()));
            }
            for (OffsetFetchResponseTopics t : answer(req.groupId(), asked, false, req.requireStable())) {
                OffsetFetchResponseTopic rt = new OffsetFetchResponseTopic().setName(t.name());
                for (OffsetFetchResponsePartitions p : t.partitions()) {
                    rt.partitions().add(new OffsetFetchResponsePartition().setPartitionIndex(p.partitionIndex())
                            .setCommittedOffset(p.committedOffset()).setCommittedLeaderEpoch(p.committedLeaderEpoch())
                            .setMetadata(p.metadata()).setErrorCode(p.errorCode()));
                }
                data.topics().add(rt);
            }
        } else {
            for (OffsetFetchRequestGroup g : req.groups()) {
                List<Asked> asked = null;
                if (g.topics() != null) {
                    asked = new ArrayList<>();
                    for (OffsetFetchRequestTopics t : g.topics()) {
                        asked.add(new Asked(ids ? nameOf(t.topicId()) : t.name(), ids ? t.topicId() : null, t.partitionIndexes()));
                    }
                }
                data.groups().add(new OffsetFetchResponseGroup().setGroupId(g.groupId()).setTopics(answer(g.groupId(), asked, ids, req.requireStable())));
            }
        }
        return ApiHandler.done(new OffsetFetchResponse(data, version));
    }

    /**
     * With {@code requireStable} (KIP-447, what read_committed consumers send) a partition whose offset an ongoing
     * transaction has committed gets UNSTABLE_OFFSET_COMMIT, and the consumer retries once the transaction ends.
     */
    private List<OffsetFetchResponseTopics> answer(String groupId, List<Asked> asked, boolean ids, boolean requireStable) {
        List<OffsetFetchResponseTopics> out = new ArrayList<>();
        if (asked == null) {
            Map<String, OffsetFetchResponseTopics> byName = new LinkedHashMap<>();
            coordinator.committed(groupId, null).forEach((tp, o) -> {
                Uuid id = ids ? idOf(tp.topic()) : null;
                if (ids && id == null) return; // a deleted topic has no id to report
                OffsetFetchResponseTopics t = byName.computeIfAbsent(tp.topic(), n -> {
                    OffsetFetchResponseTopics x = ids ? new OffsetFetchResponseTopics().setTopicId(id) : new OffsetFetchResponseTopics().setName(n);
                    out.add(x);
                    return x;
                });
                t.partitions().add(partition(tp.partition(), o, Errors.NONE));
            });
            return out;
        }
        List<TopicPartition> wanted = new ArrayList<>();
        for (Asked a : asked) if (a.name() != null) for (int p : a.partitions()) wanted.add(new TopicPartition(a.name(), p));
        GroupCoordinator.Fetched found = coordinator.fetch(groupId, wanted, requireStable);
        for (Asked a : asked) {
            OffsetFetchResponseTopics t = ids ? new OffsetFetchResponseTopics().setTopicId(a.id()) : new OffsetFetchResponseTopics().setName(a.name());
            for (int p : a.partitions()) {
                if (a.name() == null) t.partitions().add(partition(p, null, PartitionResolver.UNKNOWN_ID.error()));
                else if (found.unstable().contains(new TopicPartition(a.name(), p))) {
                    t.partitions().add(partition(p, null, Errors.UNSTABLE_OFFSET_COMMIT));
                } else t.partitions().add(partition(p, found.committed().get(new TopicPartition(a.name(), p)), Errors.NONE));
            }
            out.add(t);
        }
        return out;
    }

    private static OffsetFetchResponsePartitions partition(int p, CommittedOffset o, Errors e) {
        OffsetFetchResponsePartitions r = new OffsetFetchResponsePartitions().setPartitionIndex(p).setErrorCode(e.code());
        if (o == null) {
            return r.setCommittedOffset(OffsetFetchResponse.INVALID_OFFSET).setMetadata(OffsetFetchResponse.NO_METADATA)
                    .setCommittedLeaderEpoch(RecordBatch.NO_PARTITION_LEADER_EPOCH);
        }
        return r.setCommittedOffset(o.offset()).setMetadata(o.metadata()).setCommittedLeaderEpoch(o.leaderEpoch());
    }

    /** The name of the topic with id {@code id}, or null when unknown (then answered UNKNOWN_TOPIC_ID). */
    private String nameOf(Uuid id) {
        PartitionResolver.Resolved e = resolver.topic(id);
        return e.found() ? e.entry().topic().name() : null;
    }

    private Uuid idOf(String name) {
        PartitionResolver.Resolved e = resolver.topic(name);
        return e.found() ? e.entry().topic().id() : null;
    }
}
