package io.ledgerline.broker.admin;

import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import io.ledgerline.log.LogConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSynonym;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeConfigsResult;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.ledgerline.broker.testkit.TestBroker.assertFails;
import static io.ledgerline.broker.testkit.TestBroker.get;
import static org.assertj.core.api.Assertions.assertThat;

/** DescribeConfigs of topics and of the broker through the official AdminClient. */
class DescribeConfigsTest {
    @TempDir
    static Path dir;
    static TestBroker kafka;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        kafka = TestBroker.start(dir, Map.of("log.retention.ms", "86400000"));
        admin = kafka.admin();
        kafka.createTopic("dc-plain", 1, Map.of());
        kafka.createTopic("dc-override", 1, Map.of("retention.ms", "1000", "cleanup.policy", "compact, delete"));
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void aTopicWithoutOverridesShowsEveryKeyWithItsDefaultOrBrokerSource() throws Exception {
        Config c = kafka.describeTopicConfig("dc-plain");
        assertThat(c.entries()).extracting(ConfigEntry::name).containsExactlyInAnyOrderElementsOf(LogConfig.KEYS);
        Map<String, String> kafkaDefaults = Map.of("segment.bytes", "1073741824", "segment.ms", "604800000",
                "retention.bytes", "-1", "max.message.bytes", "1048588", "message.timestamp.type", "CreateTime",
                "cleanup.policy", "delete");
        kafkaDefaults.forEach((k, v) -> {
            assertThat(c.get(k).value()).as(k).isEqualTo(v);
            assertThat(c.get(k).source()).as(k).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        });
        assertThat(c.get("retention.ms").value()).isEqualTo("86400000");
        assertThat(c.get("retention.ms").source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(c.entries()).allSatisfy(e -> {
            assertThat(e.isReadOnly()).isFalse();
            assertThat(e.isSensitive()).isFalse();
            assertThat(e.synonyms()).isEmpty();
            assertThat(e.documentation()).isNull();
        });
    }

    @Test
    void overridesAreDynamicTopicConfigWithSynonymsTypesAndDocumentationWhenAsked() throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, "dc-override");
        Config c = get(admin.describeConfigs(List.of(r), new DescribeConfigsOptions().includeSynonyms(true).includeDocumentation(true))
                .all()).get(r);
        ConfigEntry retention = c.get("retention.ms");
        assertThat(retention.value()).isEqualTo("1000");
        assertThat(retention.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(retention.type()).isEqualTo(ConfigEntry.ConfigType.LONG);
        assertThat(retention.documentation()).contains("retention");
        assertThat(retention.synonyms()).extracting(ConfigSynonym::name, ConfigSynonym::value, ConfigSynonym::source).containsExactly(
                org.assertj.core.groups.Tuple.tuple("retention.ms", "1000", ConfigSource.DYNAMIC_TOPIC_CONFIG),
                org.assertj.core.groups.Tuple.tuple("log.retention.ms", "86400000", ConfigSource.STATIC_BROKER_CONFIG),
                org.assertj.core.groups.Tuple.tuple("log.retention.ms", "604800000", ConfigSource.DEFAULT_CONFIG));
        ConfigEntry policy = c.get("cleanup.policy");
        assertThat(policy.value()).isEqualTo("compact,delete");
        assertThat(policy.type()).isEqualTo(ConfigEntry.ConfigType.LIST);
        ConfigEntry segment = c.get("segment.bytes");
        assertThat(segment.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(segment.type()).isEqualTo(ConfigEntry.ConfigType.INT);
        assertThat(segment.synonyms()).extracting(ConfigSynonym::name, ConfigSynonym::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("log.segment.bytes", ConfigSource.DEFAULT_CONFIG));
    }

    @Test
    void unknownAndInvalidTopicsFailPerResource() throws Exception {
        ConfigResource known = new ConfigResource(ConfigResource.Type.TOPIC, "dc-plain");
        ConfigResource unknown = new ConfigResource(ConfigResource.Type.TOPIC, "dc-never");
        ConfigResource invalid = new ConfigResource(ConfigResource.Type.TOPIC, "bad name!");
        DescribeConfigsResult r = admin.describeConfigs(List.of(known, unknown, invalid));
        assertThat(get(r.values().get(known)).entries()).hasSize(LogConfig.KEYS.size());
        assertFails(r.values().get(unknown), UnknownTopicOrPartitionException.class, "dc-never");
        assertFails(r.values().get(invalid), InvalidTopicException.class, "bad name!");
    }

    @Test
    void theBrokerResourceListsEverySettingReadOnly() throws Exception {
        for (String name : List.of("0", "")) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.BROKER, name);
            Config c = get(admin.describeConfigs(List.of(r), new DescribeConfigsOptions().includeSynonyms(true)).all()).get(r);
            List<String> facts = List.of(BrokerConfigs.LAST_START_PREVIOUS_STOP, BrokerConfigs.LAST_START_PARTITIONS_CHECKED,
                    BrokerConfigs.LAST_START_BATCHES_READ, BrokerConfigs.LAST_START_BYTES_TRUNCATED,
                    BrokerConfigs.LAST_START_RECOVERY_MS, BrokerConfigs.LAST_START_RECOVERY);
            List<String> expected = new java.util.ArrayList<>(BrokerConfig.settings().keySet());
            expected.addAll(facts);
            assertThat(c.entries()).extracting(ConfigEntry::name).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(c.entries()).allSatisfy(e -> assertThat(e.isReadOnly()).isTrue());
            assertThat(c.get("listen").value()).isEqualTo("127.0.0.1:0");
            assertThat(c.get("listen").source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
            assertThat(c.get("num.partitions").value()).isEqualTo("1");
            assertThat(c.get("num.partitions").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
            assertThat(c.get("num.partitions").type()).isEqualTo(ConfigEntry.ConfigType.INT);
            assertThat(c.get("log.retention.ms").synonyms()).extracting(ConfigSynonym::source)
                    .containsExactly(ConfigSource.STATIC_BROKER_CONFIG, ConfigSource.DEFAULT_CONFIG);
            // The start-up recovery of this run (a new directory: nothing recovered), for ledgerline status.
            assertThat(c.get(BrokerConfigs.LAST_START_PREVIOUS_STOP).value()).isEqualTo("new-directory");
            assertThat(c.get(BrokerConfigs.LAST_START_PARTITIONS_CHECKED).value()).isEqualTo("0");
            assertThat(c.get(BrokerConfigs.LAST_START_BYTES_TRUNCATED).value()).isEqualTo("0");
            assertThat(Long.parseLong(c.get(BrokerConfigs.LAST_START_RECOVERY_MS).value())).isNotNegative();
            assertThat(c.get(BrokerConfigs.LAST_START_RECOVERY).value()).isEqualTo("new data directory: nothing to recover");
            assertThat(c.get(BrokerConfigs.LAST_START_RECOVERY).source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
            assertThat(c.get(BrokerConfigs.LAST_START_PARTITIONS_CHECKED).type()).isEqualTo(ConfigEntry.ConfigType.INT);
        }
    }

    @Test
    void unsupportedResourceTypesAreInvalidRequest() {
        ConfigResource logger = new ConfigResource(ConfigResource.Type.BROKER_LOGGER, "0");
        assertFails(admin.describeConfigs(List.of(logger)).all(), InvalidRequestException.class, "BROKER_LOGGER");
    }

    @Test
    void anotherBrokerIdOrANonNumericNameIsInvalidRequest() throws Exception {
        DescribeConfigsRequestData data = new DescribeConfigsRequestData();
        data.resources().add(new DescribeConfigsResource().setResourceType(ConfigResource.Type.BROKER.id()).setResourceName("7"));
        data.resources().add(new DescribeConfigsResource().setResourceType(ConfigResource.Type.BROKER.id()).setResourceName("zero"));
        try (RawClient raw = kafka.raw()) {
            DescribeConfigsResponse response = raw.call(new DescribeConfigsRequest.Builder(data).build((short) 4));
            assertThat(response.data().results()).hasSize(2).allSatisfy(res -> {
                assertThat(res.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
                assertThat(res.configs()).isEmpty();
            });
            assertThat(response.data().results().get(0).errorMessage()).contains("Unexpected broker id");
            assertThat(response.data().results().get(1).errorMessage()).contains("must be an integer");
        }
    }

    @Test
    void configurationKeysKeepOnlyTheNamedKeys() throws Exception {
        DescribeConfigsRequestData data = new DescribeConfigsRequestData();
        data.resources().add(new DescribeConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id())
                .setResourceName("dc-override").setConfigurationKeys(List.of("retention.ms", "no.such.key")));
        try (RawClient raw = kafka.raw()) {
            for (short v = 1; v <= 4; v++) {
                DescribeConfigsResponse response = raw.call(new DescribeConfigsRequest.Builder(data).build(v));
                DescribeConfigsResponseData.DescribeConfigsResult res = response.data().results().get(0);
                assertThat(res.errorCode()).isEqualTo(Errors.NONE.code());
                assertThat(res.configs()).extracting(DescribeConfigsResourceResult::name).as("v%d", v).containsExactly("retention.ms");
                assertThat(res.configs().get(0).value()).isEqualTo("1000");
                assertThat(res.configs().get(0).configSource()).isEqualTo(DescribeConfigsResponse.ConfigSource.TOPIC_CONFIG.id());
            }
        }
    }
}
