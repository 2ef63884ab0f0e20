package io.ledgerline.broker.admin;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.topic.PartitionResolver;
import io.ledgerline.broker.topic.TopicRegistry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeConfigs (v1-4). TOPIC resources: every topic config with its effective value and source
 * ({@link TopicConfigs}); an invalid name is INVALID_TOPIC_EXCEPTION, an unknown topic
 * UNKNOWN_TOPIC_OR_PARTITION. BROKER resources: every broker setting, read-only ({@link BrokerConfigs}).
 * Other resource types (BROKER_LOGGER, GROUP, CLIENT_METRICS) are INVALID_REQUEST: Ledgerline has none of
 * them yet. A non-empty {@code configurationKeys} keeps only those keys (unknown ones are left out, as in
 * Kafka). Synonyms are sent only when asked for; documentation (v3+) likewise; config types always (v3+).
 */
public final class DescribeConfigsHandler implements ApiHandler {
    private final PartitionResolver resolver;
    private final TopicConfigs topicConfigs;
    private final BrokerConfigs brokerConfigs;

    public DescribeConfigsHandler(TopicRegistry topics, TopicConfigs topicConfigs, BrokerConfigs brokerConfigs) {
        this.resolver = new PartitionResolver(topics);
        this.topicConfigs = topicConfigs;
        this.brokerConfigs = brokerConfigs;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        DescribeConfigsRequestData req = request.body(DescribeConfigsRequest.class).data();
        DescribeConfigsResponseData data = new DescribeConfigsResponseData();
        for (DescribeConfigsResource r : req.resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult()
                    .setResourceType(r.resourceType()).setResourceName(r.resourceName());
            try {
                List<DescribedConfig> configs = describe(r);
                result.setErrorCode(Errors.NONE.code());
                for (DescribedConfig c : configs) {
                    if (r.configurationKeys() != null && !r.configurationKeys().isEmpty()
                            && !r.configurationKeys().contains(c.name())) {
                        continue;
                    }
                    result.configs().add(entry(c, req.includeSynonyms(), req.includeDocumentation()));
                }
            } catch (RuntimeException e) {
                ApiError err = AdminErrors.of(e);
                result.setErrorCode(err.error().code()).setErrorMessage(err.message()).configs().clear();
            }
            data.results().add(result);
        }
        return ApiHandler.done(new DescribeConfigsResponse(data));
    }

    private List<DescribedConfig> describe(DescribeConfigsResource r) {
        ConfigResource.Type type = ConfigResource.Type.forId(r.resourceType());
        switch (type) {
            case TOPIC -> {
                org.apache.kafka.common.internals.Topic.validate(r.resourceName());
                PartitionResolver.Resolved resolved = resolver.topic(r.resourceName());
                if (!resolved.found()) throw resolved.error().exception("Topic '" + r.resourceName() + "' does not exist.");
                TopicRegistry.Entry e = resolved.entry();
                return topicConfigs.describe(e.topic().overrides(), e.config());
            }
            case BROKER -> {
                brokerConfigs.checkResourceName(r.resourceName());
                return brokerConfigs.describe();
            }
            case UNKNOWN -> throw new InvalidRequestException("Unsupported resource type: " + r.resourceType());
            default -> throw new InvalidRequestException("Ledgerline has no " + type + " config resources.");
        }
    }

    private static DescribeConfigsResourceResult entry(DescribedConfig c, boolean synonyms, boolean documentation) {
        DescribeConfigsResourceResult e = new DescribeConfigsResourceResult()
                .setName(c.name())
                .setValue(c.value())
                .setConfigSource(c.source().id())
                .setIsSensitive(false)
                .setReadOnly(c.readOnly())
                .setConfigType(c.type().id())
                .setDocumentation(documentation ? c.documentation() : null);
        if (synonyms) {
            for (DescribedConfig.Synonym s : c.synonyms()) {
                e.synonyms().add(new DescribeConfigsSynonym().setName(s.name()).setValue(s.value()).setSource(s.source().id()));
            }
        }
        return e;
    }
}
