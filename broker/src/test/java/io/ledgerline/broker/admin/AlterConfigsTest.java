package io.ledgerline.broker.admin;

import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Legacy AlterConfigs (the AdminClient dropped it in Kafka 4.0, so it is sent raw, at every version): the
 * given configs replace the topic's whole override set.
 */
class AlterConfigsTest {
    @TempDir
    static Path dir;
    static TestBroker kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = TestBroker.start(dir, Map.of());
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static AlterConfigsResource resource(ConfigResource.Type type, String name, String... keyValues) {
        AlterConfigsResource r = new AlterConfigsResource().setResourceType(type.id()).setResourceName(name);
        for (int i = 0; i < keyValues.length; i += 2) r.configs().add(new AlterableConfig().setName(keyValues[i]).setValue(keyValues[i + 1]));
        return r;
    }

    private static List<AlterConfigsResourceResponse> send(short version, boolean validateOnly, AlterConfigsResource... resources) throws Exception {
        AlterConfigsRequestData data = new AlterConfigsRequestData().setValidateOnly(validateOnly);
        for (AlterConfigsResource r : resources) data.resources().add(r);
        try (RawClient raw = kafka.raw()) {
            AlterConfigsResponse response = raw.call(new AlterConfigsRequest(data, version));
            return response.data().responses();
        }
    }

    @Test
    void theGivenConfigsReplaceAllOverridesAtEveryVersion() throws Exception {
        for (short v = 0; v <= 2; v++) {
            String topic = "ac-replace-" + v;
            kafka.createTopic(topic, 1, Map.of("retention.ms", "1000"));
            List<AlterConfigsResourceResponse> r = send(v, false, resource(ConfigResource.Type.TOPIC, topic, "segment.bytes", "2097152"));
            assertThat(r).hasSize(1);
            assertThat(r.get(0).errorCode()).as("v%d", v).isEqualTo(Errors.NONE.code());
            assertThat(kafka.topicConfig(topic, "segment.bytes").value()).isEqualTo("2097152");
            assertThat(kafka.topicConfig(topic, "segment.bytes").source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(kafka.topicConfig(topic, "retention.ms").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
            assertThat(kafka.broker().topics().partition(topic, 0).config().segmentBytes()).isEqualTo(2_097_152);
            assertThat(kafka.broker().topics().partition(topic, 0).config().retentionMs()).isEqualTo(604_800_000L);
        }
    }

    @Test
    void anEmptySetClearsEveryOverride() throws Exception {
        kafka.createTopic("ac-clear", 1, Map.of("retention.ms", "1000", "cleanup.policy", "compact"));
        List<AlterConfigsResourceResponse> r = send((short) 2, false, resource(ConfigResource.Type.TOPIC, "ac-clear"));
        assertThat(r.get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(kafka.broker().topics().get("ac-clear").topic().overrides()).isEmpty();
        assertThat(kafka.broker().topics().partition("ac-clear", 0).config().compact()).isFalse();
    }

    @Test
    void unknownKeysBadValuesAndUnknownTopicsFailPerResourceWithAMessage() throws Exception {
        kafka.createTopic("ac-bad", 1, Map.of("retention.ms", "1000"));
        List<AlterConfigsResourceResponse> r = send((short) 2, false,
                resource(ConfigResource.Type.TOPIC, "ac-bad", "retention.ms", "5", "compression.type", "zstd"),
                resource(ConfigResource.Type.TOPIC, "ac-never", "retention.ms", "5"));
        AlterConfigsResourceResponse bad = r.get(0);
        assertThat(bad.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(bad.errorMessage()).contains("compression.type");
        AlterConfigsResourceResponse unknown = r.get(1);
        assertThat(unknown.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(unknown.errorMessage()).contains("ac-never");

        r = send((short) 2, false, resource(ConfigResource.Type.TOPIC, "ac-bad", "retention.bytes", "-2"));
        assertThat(r.get(0).errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(r.get(0).errorMessage()).contains("retention.bytes");
        assertThat(kafka.broker().topics().get("ac-bad").topic().overrides()).isEqualTo(Map.of("retention.ms", "1000"));
    }

    @Test
    void validateOnlyChecksWithoutChanging() throws Exception {
        kafka.createTopic("ac-dry", 1, Map.of("retention.ms", "1000"));
        List<AlterConfigsResourceResponse> r = send((short) 1, true, resource(ConfigResource.Type.TOPIC, "ac-dry", "retention.ms", "7"));
        assertThat(r.get(0).errorCode()).isEqualTo(Errors.NONE.code());
        r = send((short) 1, true, resource(ConfigResource.Type.TOPIC, "ac-dry", "retention.ms", "x"));
        assertThat(r.get(0).errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(kafka.broker().topics().get("ac-dry").topic().overrides()).isEqualTo(Map.of("retention.ms", "1000"));
    }

    @Test
    void brokerResourcesAndNullValuesAreInvalidRequest() throws Exception {
        kafka.createTopic("ac-null", 1, Map.of());
        AlterConfigsResource nullValue = new AlterConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("ac-null");
        nullValue.configs().add(new AlterableConfig().setName("retention.ms").setValue(null));
        List<AlterConfigsResourceResponse> r = send((short) 2, false,
                resource(ConfigResource.Type.BROKER, "0", "num.partitions", "4"),
                resource(ConfigResource.Type.BROKER, "5", "num.partitions", "4"),
                nullValue);
        assertThat(r).hasSize(3).allSatisfy(x -> assertThat(x.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code()));
        assertThat(r.get(0).errorMessage()).contains("Cannot update these configs dynamically", "num.partitions");
        assertThat(r.get(1).errorMessage()).contains("Unexpected broker id");
        assertThat(r.get(2).errorMessage()).contains("Null value", "retention.ms");
    }
}
