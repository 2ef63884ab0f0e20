package io.ledgerline.broker.admin;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.topic.TopicRegistry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.ApiError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * AlterConfigs (v0-2), the legacy form: a TOPIC resource's configs replace the topic's whole override set
 * (a key left out returns to its default). Unknown topic: UNKNOWN_TOPIC_OR_PARTITION; unknown key or bad
 * value: INVALID_CONFIG naming the key. BROKER resources: INVALID_REQUEST, what Kafka answers for a config
 * that cannot change at runtime ({@link BrokerConfigs#refuseChange}). validateOnly checks without storing.
 * A change is durable in the metadata log before it reaches the partition logs and before the answer.
 * (The AdminClient dropped this API in Kafka 4.0; other clients and tools still send it.)
 */
public final class AlterConfigsHandler implements ApiHandler {
    private final TopicRegistry topics;
    private final BrokerConfigs brokerConfigs;

    public AlterConfigsHandler(TopicRegistry topics, BrokerConfigs brokerConfigs) {
        this.topics = topics;
        this.brokerConfigs = brokerConfigs;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        AlterConfigsRequestData req = request.body(AlterConfigsRequest.class).data();
        AlterConfigsResponseData data = new AlterConfigsResponseData();
        List<ConfigChanges.ResourceKey> keys = new ArrayList<>();
        for (AlterConfigsResource r : req.resources()) keys.add(new ConfigChanges.ResourceKey(r.resourceType(), r.resourceName()));
        Set<ConfigChanges.ResourceKey> duplicates = ConfigChanges.duplicates(keys);
        for (AlterConfigsResource r : req.resources()) {
            ApiError e;
            if (duplicates.contains(new ConfigChanges.ResourceKey(r.resourceType(), r.resourceName()))) {
                e = new ApiError(Errors.INVALID_REQUEST, ConfigChanges.DUPLICATE_RESOURCE);
            } else {
                try {
                    alter(r, req.validateOnly());
                    e = ApiError.NONE;
                } catch (RuntimeException ex) {
                    e = AdminErrors.of(ex);
                }
            }
            data.responses().add(new AlterConfigsResourceResponse().setResourceType(r.resourceType())
                    .setResourceName(r.resourceName()).setErrorCode(e.error().code()).setErrorMessage(e.message()));
        }
        return ApiHandler.done(new AlterConfigsResponse(data));
    }

    private void alter(AlterConfigsResource r, boolean validateOnly) {
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (AlterableConfig c : r.configs()) {
            names.add(c.name());
            values.add(c.value());
        }
        ConfigChanges.checkNoDuplicateKeys(names);
        ConfigChanges.checkNoNullValues(ConfigChanges.nullValued(names, values));
        ConfigResource.Type type = ConfigChanges.alterableType(r.resourceType());
        if (type == ConfigResource.Type.BROKER) {
            brokerConfigs.refuseChange(r.resourceName(), names);
            return;
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            ConfigChanges.checkKnownTopicConfig(names.get(i));
            overrides.put(names.get(i), values.get(i));
        }
        topics.updateOverrides(r.resourceName(), current -> overrides, validateOnly);
    }
}
