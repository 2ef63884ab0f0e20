package io.ledgerline.broker.admin;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.topic.TopicRegistry;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * IncrementalAlterConfigs (v0-1): per TOPIC resource, operations on single keys, applied in order to the
 * current overrides, the result validated whole and stored atomically (a concurrent change cannot be lost):
 * <ul>
 *   <li>SET: override the key; DELETE: drop the override (back to the broker default);</li>
 *   <li>APPEND / SUBTRACT, list-valued keys only (cleanup.policy): add the values not yet present to, or
 *       remove them from, the current list — the override, or the broker default when there is none
 *       (e.g. APPEND compact to a default topic gives "delete,compact").</li>
 * </ul>
 * Unknown topic: UNKNOWN_TOPIC_OR_PARTITION. Unknown key, APPEND/SUBTRACT on a non-list key, or a bad
 * resulting value: INVALID_CONFIG naming the key. Unlike Kafka, DELETE of an unknown key is INVALID_CONFIG
 * too rather than a silent no-op (a misspelt key should not look like success). BROKER resources:
 * INVALID_REQUEST ({@link BrokerConfigs#refuseChange}). validateOnly checks without storing.
 */
public final class IncrementalAlterConfigsHandler implements ApiHandler {
    private final TopicRegistry topics;
    private final BrokerConfigs brokerConfigs;

    public IncrementalAlterConfigsHandler(TopicRegistry topics, BrokerConfigs brokerConfigs) {
        this.topics = topics;
        this.brokerConfigs = brokerConfigs;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        IncrementalAlterConfigsRequestData req = request.body(IncrementalAlterConfigsRequest.class).data();
        IncrementalAlterConfigsResponseData data = new IncrementalAlterConfigsResponseData();
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
        return ApiHandler.done(new IncrementalAlterConfigsResponse(data));
    }

    /** One operation, checked. */
    private record Op(AlterConfigOp.OpType type, String key, String value) {}

    private void alter(AlterConfigsResource r, boolean validateOnly) {
        List<String> names = new ArrayList<>();
        List<Op> ops = new ArrayList<>();
        List<String> nullValued = new ArrayList<>();
        for (AlterableConfig c : r.configs()) {
            names.add(c.name());
            AlterConfigOp.OpType type = AlterConfigOp.OpType.forId(c.configOperation());
            if (type == null) throw new InvalidRequestException("Unknown operation type " + c.configOperation());
            if (type != AlterConfigOp.OpType.DELETE && c.value() == null) nullValued.add(c.name());
            ops.add(new Op(type, c.name(), c.value()));
        }
        ConfigChanges.checkNoDuplicateKeys(names);
        ConfigChanges.checkNoNullValues(nullValued);
        ConfigResource.Type type = ConfigChanges.alterableType(r.resourceType());
        if (type == ConfigResource.Type.BROKER) {
            brokerConfigs.refuseChange(r.resourceName(), names);
            return;
        }
        for (Op op : ops) {
            ConfigChanges.checkKnownTopicConfig(op.key());
            boolean listOp = op.type() == AlterConfigOp.OpType.APPEND || op.type() == AlterConfigOp.OpType.SUBTRACT;
            if (listOp && !TopicConfigs.isList(op.key())) {
                throw new InvalidConfigurationException("Can't " + op.type() + " to key " + op.key() + " because its type is not LIST.");
            }
        }
        topics.updateOverrides(r.resourceName(), current -> apply(current, ops), validateOnly);
    }

    private Map<String, String> apply(Map<String, String> current, List<Op> ops) {
        Map<String, String> next = new HashMap<>(current);
        for (Op op : ops) {
            switch (op.type()) {
                case SET -> next.put(op.key(), op.value());
                case DELETE -> next.remove(op.key());
                case APPEND, SUBTRACT -> {
                    String base = next.containsKey(op.key()) ? next.get(op.key()) : topics.defaults().get(op.key());
                    List<String> list = TopicConfigs.listElements(base);
                    if (op.type() == AlterConfigOp.OpType.APPEND) {
                        for (String v : TopicConfigs.listElements(op.value())) if (!list.contains(v)) list.add(v);
                    } else {
                        list.removeAll(TopicConfigs.listElements(op.value()));
                    }
                    next.put(op.key(), String.join(",", list));
                }
            }
        }
        return next;
    }
}
