package io.ledgerline.broker.admin;

import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.AlterConfigsResult;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import static io.ledgerline.broker.testkit.TestBroker.assertFails;
import static io.ledgerline.broker.testkit.TestBroker.get;
import static org.assertj.core.api.Assertions.assertThat;

/** IncrementalAlterConfigs through the official AdminClient: every operation, the error cases, live effect. */
class IncrementalAlterConfigsTest {
    private static final int MIB = 1024 * 1024;

    @TempDir
    static Path dir;
    static TestBroker kafka;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        kafka = TestBroker.start(dir, Map.of());
        admin = kafka.admin();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static ConfigResource topic(String name) {
        return new ConfigResource(ConfigResource.Type.TOPIC, name);
    }

    private static KafkaFuture<Void> alter(String topic, AlterConfigOp... ops) {
        return admin.incrementalAlterConfigs(Map.of(topic(topic), List.of(ops))).all();
    }

    private static AlterConfigOp op(String key, String value, OpType type) {
        return new AlterConfigOp(new ConfigEntry(key, value), type);
    }

    @Test
    void setThenDescribeShowsTheOverrideAndTheLiveLogUsesIt() throws Exception {
        kafka.createTopic("iac-set", 1, Map.of());
        get(alter("iac-set", op("segment.bytes", String.valueOf(MIB), OpType.SET), op("retention.ms", "3600000", OpType.SET)));
        ConfigEntry segment = kafka.topicConfig("iac-set", "segment.bytes");
        assertThat(segment.value()).isEqualTo(String.valueOf(MIB));
        assertThat(segment.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(kafka.topicConfig("iac-set", "retention.ms").value()).isEqualTo("3600000");
        PartitionLog log = kafka.broker().topics().partition("iac-set", 0);
        assertThat(log.config().segmentBytes()).isEqualTo(MIB);
        assertThat(log.config().retentionMs()).isEqualTo(3_600_000L);

        // The live log rolls at the new size: ~1.5 MiB of 64 KiB records spans at least two segments.
        kafka.append("iac-set", 0, 24, 64 * 1024);
        assertThat(log.segmentCount()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void retentionBytesSetAtRuntimeDeletesOldSegmentsOnTheNextRetentionPass() throws Exception {
        kafka.createTopic("iac-retention", 1, Map.of("segment.bytes", String.valueOf(MIB)));
        kafka.append("iac-retention", 0, 60, 64 * 1024);
        PartitionLog log = kafka.broker().topics().partition("iac-retention", 0);
        int before = log.segmentCount();
        assertThat(before).isGreaterThanOrEqualTo(3);
        get(alter("iac-retention", op("retention.bytes", String.valueOf(MIB), OpType.SET)));
        kafka.broker().logs().applyRetention();
        assertThat(log.segmentCount()).isLessThan(before);
        assertThat(log.logStartOffset()).isPositive();
    }

    @Test
    void deleteReturnsAKeyToItsDefault() throws Exception {
        kafka.createTopic("iac-delete", 1, Map.of("retention.ms", "1000"));
        get(alter("iac-delete", op("retention.ms", null, OpType.DELETE)));
        ConfigEntry e = kafka.topicConfig("iac-delete", "retention.ms");
        assertThat(e.value()).isEqualTo("604800000");
        assertThat(e.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(kafka.broker().topics().partition("iac-delete", 0).config().retentionMs()).isEqualTo(604_800_000L);
    }

    @Test
    void appendAndSubtractEditTheCleanupPolicyList() throws Exception {
        kafka.createTopic("iac-list", 1, Map.of());
        get(alter("iac-list", op("cleanup.policy", "compact", OpType.APPEND)));
        assertThat(kafka.topicConfig("iac-list", "cleanup.policy").value()).isEqualTo("delete,compact");
        assertThat(kafka.broker().topics().partition("iac-list", 0).config().compact()).isTrue();
        get(alter("iac-list", op("cleanup.policy", "compact", OpType.APPEND)));
        assertThat(kafka.topicConfig("iac-list", "cleanup.policy").value()).isEqualTo("delete,compact");
        get(alter("iac-list", op("cleanup.policy", "delete", OpType.SUBTRACT)));
        assertThat(kafka.topicConfig("iac-list", "cleanup.policy").value()).isEqualTo("compact");
        assertFails(alter("iac-list", op("cleanup.policy", "compact", OpType.SUBTRACT)),
                InvalidConfigurationException.class, "cleanup.policy");
        assertThat(kafka.topicConfig("iac-list", "cleanup.policy").value()).isEqualTo("compact");
    }

    @Test
    void appendToANonListKeyIsInvalidConfig() throws Exception {
        kafka.createTopic("iac-nonlist", 1, Map.of());
        assertFails(alter("iac-nonlist", op("retention.ms", "5", OpType.APPEND)), InvalidConfigurationException.class,
                "Can't APPEND to key retention.ms");
        assertFails(alter("iac-nonlist", op("segment.ms", "5", OpType.SUBTRACT)), InvalidConfigurationException.class,
                "Can't SUBTRACT to key segment.ms");
    }

    @Test
    void unknownKeysAndBadValuesAreInvalidConfigNamingTheKeyAndChangeNothing() throws Exception {
        kafka.createTopic("iac-bad", 1, Map.of("retention.ms", "1000"));
        assertFails(alter("iac-bad", op("retention.mss", "1", OpType.SET)), InvalidConfigurationException.class, "retention.mss");
        assertFails(alter("iac-bad", op("retention.mss", null, OpType.DELETE)), InvalidConfigurationException.class, "retention.mss");
        assertFails(alter("iac-bad", op("retention.ms", "soon", OpType.SET)), InvalidConfigurationException.class, "retention.ms");
        assertFails(alter("iac-bad", op("segment.bytes", "100", OpType.SET)), InvalidConfigurationException.class, "segment.bytes");
        assertFails(alter("iac-bad", op("message.timestamp.type", "Whenever", OpType.SET)),
                InvalidConfigurationException.class, "message.timestamp.type");
        // A good op next to a bad one: the resource is changed all or nothing.
        assertFails(alter("iac-bad", op("retention.ms", "2000", OpType.SET), op("max.message.bytes", "-4", OpType.SET)),
                InvalidConfigurationException.class, "max.message.bytes");
        assertThat(kafka.topicConfig("iac-bad", "retention.ms").value()).isEqualTo("1000");
        assertThat(kafka.broker().topics().get("iac-bad").topic().overrides()).isEqualTo(Map.of("retention.ms", "1000"));
    }

    @Test
    void anUnknownTopicIsUnknownTopicOrPartition() {
        assertFails(alter("iac-never", op("retention.ms", "1", OpType.SET)), UnknownTopicOrPartitionException.class, "iac-never");
    }

    @Test
    void validateOnlyChecksWithoutChanging() throws Exception {
        kafka.createTopic("iac-dry", 1, Map.of());
        AlterConfigsOptions dry = new AlterConfigsOptions().validateOnly(true);
        get(admin.incrementalAlterConfigs(Map.of(topic("iac-dry"), List.of(op("retention.ms", "1", OpType.SET))), dry).all());
        assertThat(kafka.topicConfig("iac-dry", "retention.ms").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(kafka.broker().topics().get("iac-dry").topic().overrides()).isEmpty();
        assertFails(admin.incrementalAlterConfigs(Map.of(topic("iac-dry"), List.of(op("retention.ms", "x", OpType.SET))), dry).all(),
                InvalidConfigurationException.class, "retention.ms");
    }

    @Test
    void brokerConfigsAreReadOnlyInvalidRequest() throws Exception {
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "0");
        assertFails(admin.incrementalAlterConfigs(Map.of(broker, List.of(op("num.partitions", "5", OpType.SET)))).all(),
                InvalidRequestException.class, "num.partitions");
        ConfigResource cluster = new ConfigResource(ConfigResource.Type.BROKER, "");
        assertFails(admin.incrementalAlterConfigs(Map.of(cluster, List.of(op("log.retention.ms", "5", OpType.SET)))).all(),
                InvalidRequestException.class, "Cannot update these configs dynamically");
        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, "g");
        assertFails(admin.incrementalAlterConfigs(Map.of(group, List.of(op("consumer.session.timeout.ms", "5", OpType.SET)))).all(),
                InvalidRequestException.class, "GROUP");
    }

    @Test
    void resourcesAreAnsweredEachOnItsOwn() throws Exception {
        kafka.createTopic("iac-a", 1, Map.of());
        Map<ConfigResource, Collection<AlterConfigOp>> ops = Map.of(
                topic("iac-a"), List.of(op("retention.ms", "42", OpType.SET)),
                topic("iac-missing"), List.of(op("retention.ms", "42", OpType.SET)));
        AlterConfigsResult r = admin.incrementalAlterConfigs(ops);
        get(r.values().get(topic("iac-a")));
        assertFails(r.values().get(topic("iac-missing")), UnknownTopicOrPartitionException.class, "iac-missing");
        assertThat(kafka.topicConfig("iac-a", "retention.ms").value()).isEqualTo("42");
    }

    @Test
    void duplicateResourcesDuplicateKeysNullValuesAndUnknownOperationsAreInvalidRequest() throws Exception {
        kafka.createTopic("iac-raw", 1, Map.of());
        kafka.createTopic("iac-raw2", 1, Map.of());
        IncrementalAlterConfigsRequestData data = new IncrementalAlterConfigsRequestData();
        data.resources().add(resource("iac-raw", new AlterableConfig().setName("retention.ms").setValue("1").setConfigOperation(OpType.SET.id())));
        data.resources().add(resource("iac-raw", new AlterableConfig().setName("segment.ms").setValue("1").setConfigOperation(OpType.SET.id())));
        data.resources().add(resource("iac-raw2",
                new AlterableConfig().setName("retention.ms").setValue("1").setConfigOperation(OpType.SET.id()),
                new AlterableConfig().setName("retention.ms").setValue("2").setConfigOperation(OpType.SET.id())));
        data.resources().add(new AlterConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("iac-missing-null"));
        data.resources().find(ConfigResource.Type.TOPIC.id(), "iac-missing-null").configs()
                .add(new AlterableConfig().setName("retention.ms").setValue(null).setConfigOperation(OpType.SET.id()));
        try (RawClient raw = kafka.raw()) {
            IncrementalAlterConfigsResponse response = raw.call(new IncrementalAlterConfigsRequest.Builder(data).build((short) 1));
            assertThat(response.data().responses()).hasSize(4).allSatisfy(r ->
                    assertThat(r.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code()));
            assertThat(response.data().responses()).extracting(AlterConfigsResourceResponse::errorMessage).contains(
                    "Each resource must appear at most once.", "Error due to duplicate config keys",
                    "Null value not supported for : retention.ms");

            IncrementalAlterConfigsRequestData badOp = new IncrementalAlterConfigsRequestData();
            badOp.resources().add(resource("iac-raw", new AlterableConfig().setName("retention.ms").setValue("1").setConfigOperation((byte) 9)));
            IncrementalAlterConfigsResponse r2 = raw.call(new IncrementalAlterConfigsRequest.Builder(badOp).build((short) 0));
            assertThat(r2.data().responses().get(0).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
            assertThat(r2.data().responses().get(0).errorMessage()).contains("Unknown operation type 9");
        }
        assertThat(kafka.broker().topics().get("iac-raw").topic().overrides()).isEmpty();
        assertThat(kafka.broker().topics().get("iac-raw2").topic().overrides()).isEmpty();
    }

    private static AlterConfigsResource resource(String topic, AlterableConfig... configs) {
        AlterConfigsResource r = new AlterConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName(topic);
        for (AlterableConfig c : configs) r.configs().add(c);
        return r;
    }
}
