package io.ledgerline.broker.admin;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.topic.TopicRegistry;
import io.ledgerline.log.LogConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * CreateTopics (v2-7). Each topic is checked in Kafka's order: name (INVALID_TOPIC_EXCEPTION), existing
 * (TOPIC_ALREADY_EXISTS), configs (INVALID_CONFIG), then placement — a manual assignment (INVALID_REQUEST
 * unless both counts are -1; INVALID_REPLICA_ASSIGNMENT unless every partition is on this node and the
 * indexes run 0..n-1) or counts (INVALID_REPLICATION_FACTOR unless -1 or 1; INVALID_PARTITIONS unless -1
 * or positive; -1 partitions means num.partitions). A name given twice is INVALID_REQUEST for both.
 *
 * <p>Success answers the topic id (v7), partition count, replication factor 1 and (v5+) every effective
 * config with its source. validateOnly runs every check and answers as a creation would, with a fresh random
 * topic id that is never stored, as Kafka's controller does.
 */
public final class CreateTopicsHandler implements ApiHandler {
    private final TopicRegistry topics;
    private final TopicConfigs configs;
    private final Placement placement;
    private final int defaultPartitions;

    public CreateTopicsHandler(TopicRegistry topics, TopicConfigs configs, int nodeId, int defaultPartitions) {
        this.topics = topics;
        this.configs = configs;
        this.placement = new Placement(nodeId);
        this.defaultPartitions = defaultPartitions;
    }

    /** What a topic's checks settled: partition count and overrides. */
    private record Plan(int partitions, Map<String, String> overrides) {}

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        CreateTopicsRequestData req = request.body(CreateTopicsRequest.class).data();
        CreateTopicsResponseData data = new CreateTopicsResponseData();
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (CreatableTopic t : req.topics()) {
            if (!seen.add(t.name())) duplicates.add(t.name());
        }
        for (CreatableTopic t : req.topics()) {
            if (duplicates.contains(t.name())) continue;
            data.topics().add(create(t, req.validateOnly()));
        }
        for (String name : duplicates) {
            data.topics().add(error(name, new ApiError(Errors.INVALID_REQUEST, "Duplicate topic name.")));
        }
        return ApiHandler.done(new CreateTopicsResponse(data));
    }

    private CreatableTopicResult create(CreatableTopic t, boolean validateOnly) {
        try {
            Plan plan = check(t);
            Uuid id;
            LogConfig effective;
            if (validateOnly) {
                id = Uuid.randomUuid();
                effective = topics.configFor(plan.overrides());
            } else {
                TopicRegistry.Entry e = topics.create(t.name(), plan.partitions(), plan.overrides());
                id = e.topic().id();
                effective = e.config();
            }
            CreatableTopicResult r = new CreatableTopicResult()
                    .setName(t.name())
                    .setTopicId(id)
                    .setErrorCode(Errors.NONE.code())
                    .setNumPartitions(plan.partitions())
                    .setReplicationFactor((short) 1)
                    .setTopicConfigErrorCode(Errors.NONE.code());
            for (DescribedConfig d : configs.describe(plan.overrides(), effective)) {
                r.configs().add(new CreatableTopicConfigs().setName(d.name()).setValue(d.value())
                        .setReadOnly(false).setConfigSource(d.source().id()).setIsSensitive(false));
            }
            return r;
        } catch (RuntimeException e) {
            return error(t.name(), AdminErrors.of(e));
        }
    }

    /** Every check of one topic, in Kafka's order; throws the ApiException to answer. */
    private Plan check(CreatableTopic t) {
        TopicRegistry.validateName(t.name());
        topics.validateCreate(t.name(), 1, Map.of()); // collision with an existing name, already exists
        Map<String, String> overrides = new LinkedHashMap<>();
        for (CreatableTopicConfig c : t.configs()) {
            if (c.value() == null) {
                throw new InvalidConfigurationException("Null value not supported for topic configs: " + c.name());
            }
            overrides.put(c.name(), c.value());
        }
        topics.configFor(overrides);
        int partitions;
        if (!t.assignments().isEmpty()) {
            if (t.replicationFactor() != -1) {
                throw new InvalidRequestException("A manual partition assignment was specified, but replication factor was not set to -1.");
            }
            if (t.numPartitions() != -1) {
                throw new InvalidRequestException("A manual partition assignment was specified, but numPartitions was not set to -1.");
            }
            Map<Integer, CreatableReplicaAssignment> byIndex = new HashMap<>();
            for (CreatableReplicaAssignment a : t.assignments()) {
                if (byIndex.put(a.partitionIndex(), a) != null) {
                    throw new InvalidReplicaAssignmentException("Found multiple manual partition assignments for partition "
                            + a.partitionIndex());
                }
                placement.checkAssignment(a.brokerIds());
            }
            for (int p = 0; p < byIndex.size(); p++) {
                if (!byIndex.containsKey(p)) {
                    throw new InvalidReplicaAssignmentException("partitions should be a consecutive 0-based integer sequence");
                }
            }
            partitions = byIndex.size();
        } else {
            placement.replicationFactor(t.replicationFactor());
            if (t.numPartitions() == 0 || t.numPartitions() < -1) {
                throw new InvalidPartitionsException("Number of partitions was set to an invalid non-positive value.");
            }
            partitions = t.numPartitions() == -1 ? defaultPartitions : t.numPartitions();
        }
        Placement.checkCreatedCount(t.name(), partitions);
        return new Plan(partitions, overrides);
    }

    private static CreatableTopicResult error(String name, ApiError e) {
        return new CreatableTopicResult().setName(name).setErrorCode(e.error().code()).setErrorMessage(e.message());
    }
}
