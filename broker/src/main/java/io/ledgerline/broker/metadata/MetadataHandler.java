package io.ledgerline.broker.metadata;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.topic.PartitionResolver;
import io.ledgerline.broker.topic.TopicRegistry;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Metadata: this one broker, and the requested topics (all when none are named). One node leads every
 * partition, epoch 0, in-sync replica set {this node}. An unknown topic is created when both the client
 * (allowAutoTopicCreation) and the broker (auto.create.topics.enable) allow it.
 */
public final class MetadataHandler implements ApiHandler {
    private final TopicRegistry topics;
    private final PartitionResolver resolver;
    private final ClusterInfo cluster;
    private final boolean autoCreate;
    /** Where a request that creates topics runs: creation writes durable metadata, never on a network thread. */
    private final Executor blocking;
    private final int defaultPartitions;

    public MetadataHandler(TopicRegistry topics, ClusterInfo cluster, boolean autoCreate, int defaultPartitions, Executor blocking) {
        this.blocking = blocking;
        this.topics = topics;
        this.resolver = new PartitionResolver(topics);
        this.cluster = cluster;
        this.autoCreate = autoCreate;
        this.defaultPartitions = defaultPartitions;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        MetadataRequest r = request.body(MetadataRequest.class);
        boolean creates = autoCreate && r.data().allowAutoTopicCreation() && !r.isAllTopics()
                && r.data().topics().stream().anyMatch(t -> t.name() != null && !resolver.topic(t.name()).found());
        return creates ? CompletableFuture.supplyAsync(() -> answer(request), blocking) : ApiHandler.done(answer(request));
    }

    private AbstractResponse answer(KafkaRequest request) {
        MetadataRequest r = request.body(MetadataRequest.class);
        MetadataRequestData req = r.data();
        MetadataResponseData data = new MetadataResponseData()
                .setClusterId(cluster.clusterId())
                .setControllerId(cluster.nodeId())
                .setClusterAuthorizedOperations(Integer.MIN_VALUE);
        data.brokers().add(new MetadataResponseBroker().setNodeId(cluster.nodeId()).setHost(cluster.host()).setPort(cluster.port()));
        if (r.isAllTopics()) {
            for (TopicRegistry.Entry e : topics.all()) data.topics().add(describe(e));
        } else {
            for (MetadataRequestData.MetadataRequestTopic t : req.topics()) {
                data.topics().add(lookup(t, req.allowAutoTopicCreation()));
            }
        }
        return new MetadataResponse(data, request.version());
    }

    private MetadataResponseTopic lookup(MetadataRequestData.MetadataRequestTopic t, boolean clientAllowsCreate) {
        if (t.name() == null) {
            Uuid id = t.topicId();
            PartitionResolver.Resolved e = resolver.topic(id);
            if (!e.found()) {
                return new MetadataResponseTopic().setTopicId(id == null ? Uuid.ZERO_UUID : id)
                        .setErrorCode(e.error().code());
            }
            return describe(e.entry());
        }
        PartitionResolver.Resolved e = resolver.topic(t.name());
        if (e.found()) return describe(e.entry());
        try {
            TopicRegistry.validateName(t.name());
            if (!(autoCreate && clientAllowsCreate)) return error(t.name(), e.error());
            return describe(topics.create(t.name(), defaultPartitions, java.util.Map.of()));
        } catch (TopicExistsException raced) {
            return describe(resolver.topic(t.name()).entry());
        } catch (ApiException ex) {
            return error(t.name(), Errors.forException(ex));
        }
    }

    private static MetadataResponseTopic error(String name, Errors error) {
        return new MetadataResponseTopic().setName(name).setErrorCode(error.code()).setTopicId(Uuid.ZERO_UUID);
    }

    private MetadataResponseTopic describe(TopicRegistry.Entry e) {
        MetadataResponseTopic t = new MetadataResponseTopic()
                .setName(e.topic().name())
                .setTopicId(e.topic().id())
                .setIsInternal(false)
                .setTopicAuthorizedOperations(Integer.MIN_VALUE);
        List<Integer> replicas = List.of(cluster.nodeId());
        for (int p = 0; p < e.topic().partitions(); p++) {
            boolean offline = e.partitions().get(p).isOffline();
            t.partitions().add(new MetadataResponsePartition()
                    .setPartitionIndex(p)
                    .setErrorCode(offline ? Errors.KAFKA_STORAGE_ERROR.code() : Errors.NONE.code())
                    .setLeaderId(cluster.nodeId())
                    .setLeaderEpoch(0)
                    .setReplicaNodes(replicas)
                    .setIsrNodes(replicas)
                    .setOfflineReplicas(offline ? replicas : List.of()));
        }
        return t;
    }
}
