package io.ledgerline.broker.admin;

import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import io.ledgerline.log.LogConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.ledgerline.broker.testkit.TestBroker.assertFails;
import static io.ledgerline.broker.testkit.TestBroker.get;
import static org.assertj.core.api.Assertions.assertThat;

/** CreateTopics through the official AdminClient (and a raw client for what it cannot send). */
class CreateTopicsTest {
    @TempDir
    static Path dir;
    static TestBroker kafka;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        kafka = TestBroker.start(dir, Map.of("num.partitions", "3", "log.retention.ms", "86400000"));
        admin = kafka.admin();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void countsOfMinusOneTakeTheBrokerDefaultsAndTheResponseDescribesTheTopic() throws Exception {
        CreateTopicsResult r = admin.createTopics(List.of(new NewTopic("ct-defaults", Optional.empty(), Optional.empty())));
        get(r.all());
        assertThat(get(r.numPartitions("ct-defaults"))).isEqualTo(3);
        assertThat(get(r.replicationFactor("ct-defaults"))).isEqualTo(1);
        Uuid id = get(r.topicId("ct-defaults"));
        assertThat(id).isNotEqualTo(Uuid.ZERO_UUID).isEqualTo(kafka.broker().topics().get("ct-defaults").topic().id());
        TopicDescription d = get(admin.describeTopics(List.of("ct-defaults")).allTopicNames()).get("ct-defaults");
        assertThat(d.topicId()).isEqualTo(id);
        assertThat(d.partitions()).hasSize(3);

        Config config = get(r.config("ct-defaults"));
        assertThat(config.entries()).extracting(ConfigEntry::name).containsExactlyInAnyOrderElementsOf(LogConfig.KEYS);
        assertThat(config.get("retention.ms").value()).isEqualTo("86400000");
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(config.get("segment.bytes").value()).isEqualTo("1073741824");
        assertThat(config.get("segment.bytes").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("delete");
        assertThat(config.entries()).allSatisfy(e -> {
            assertThat(e.isSensitive()).isFalse();
            assertThat(e.isReadOnly()).isFalse();
        });
    }

    @Test
    void explicitCountAndConfigsAreAppliedToTheLiveLogs() throws Exception {
        CreateTopicsResult r = admin.createTopics(List.of(new NewTopic("ct-configs", 2, (short) 1)
                .configs(Map.of("retention.ms", "1000", "cleanup.policy", "compact,delete", "message.timestamp.type", "LogAppendTime"))));
        get(r.all());
        assertThat(get(r.numPartitions("ct-configs"))).isEqualTo(2);
        Config config = get(r.config("ct-configs"));
        assertThat(config.get("retention.ms").value()).isEqualTo("1000");
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact,delete");
        assertThat(config.get("segment.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        for (int p = 0; p < 2; p++) {
            LogConfig live = kafka.broker().topics().partition("ct-configs", p).config();
            assertThat(live.retentionMs()).isEqualTo(1000);
            assertThat(live.compact()).isTrue();
            assertThat(live.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        }
    }

    @Test
    void manualAssignmentOntoThisNodeCreatesOnePartitionPerEntry() throws Exception {
        CreateTopicsResult r = admin.createTopics(List.of(new NewTopic("ct-manual", Map.of(0, List.of(0), 1, List.of(0)))));
        get(r.all());
        assertThat(get(r.numPartitions("ct-manual"))).isEqualTo(2);
        assertThat(get(r.replicationFactor("ct-manual"))).isEqualTo(1);
        assertThat(kafka.broker().topics().get("ct-manual").partitions()).hasSize(2);
    }

    @Test
    void replicationFactorAboveOneIsRefusedBecauseThisIsASingleNodeBroker() {
        assertFails(admin.createTopics(List.of(new NewTopic("ct-rf3", 1, (short) 3))).all(),
                InvalidReplicationFactorException.class, "single-node broker");
        assertFails(admin.createTopics(List.of(new NewTopic("ct-rf0", 1, (short) 0))).all(),
                InvalidReplicationFactorException.class, "must be larger than 0");
        assertThat(kafka.broker().topics().get("ct-rf3")).isNull();
    }

    @Test
    void manualAssignmentsOffThisNodeOrMalformedAreRefused() {
        assertFails(admin.createTopics(List.of(new NewTopic("ct-on1", Map.of(0, List.of(1))))).all(),
                InvalidReplicaAssignmentException.class, "broker 1");
        assertFails(admin.createTopics(List.of(new NewTopic("ct-twice", Map.of(0, List.of(0, 0))))).all(),
                InvalidReplicaAssignmentException.class, "more than once");
        assertFails(admin.createTopics(List.of(new NewTopic("ct-gap", Map.of(0, List.of(0), 2, List.of(0))))).all(),
                InvalidReplicaAssignmentException.class, "consecutive");
        assertFails(admin.createTopics(List.of(new NewTopic("ct-empty", Map.of(0, List.<Integer>of())))).all(),
                InvalidReplicaAssignmentException.class, "empty replica list");
        assertThat(kafka.broker().topics().get("ct-on1")).isNull();
    }

    @Test
    void unknownConfigKeysAndBadValuesAreInvalidConfigNamingTheKey() {
        assertFails(admin.createTopics(List.of(new NewTopic("ct-badkey", 1, (short) 1).configs(Map.of("retention.mss", "1")))).all(),
                InvalidConfigurationException.class, "retention.mss");
        assertFails(admin.createTopics(List.of(new NewTopic("ct-badval", 1, (short) 1).configs(Map.of("segment.bytes", "lots")))).all(),
                InvalidConfigurationException.class, "segment.bytes");
        assertFails(admin.createTopics(List.of(new NewTopic("ct-small", 1, (short) 1).configs(Map.of("segment.bytes", "1000")))).all(),
                InvalidConfigurationException.class, "segment.bytes");
        assertFails(admin.createTopics(List.of(new NewTopic("ct-policy", 1, (short) 1).configs(Map.of("cleanup.policy", "shred")))).all(),
                InvalidConfigurationException.class, "cleanup.policy");
        assertFails(admin.createTopics(List.of(new NewTopic("ct-newline", 1, (short) 1).configs(Map.of("cleanup.policy", "delete\n")))).all(),
                InvalidConfigurationException.class, "cleanup.policy");
        assertThat(kafka.broker().topics().get("ct-badkey")).isNull();
    }

    @Test
    void anExistingTopicIsTopicExists() throws Exception {
        kafka.createTopic("ct-exists", 1, Map.of());
        assertFails(admin.createTopics(List.of(new NewTopic("ct-exists", 1, (short) 1))).all(),
                TopicExistsException.class, "ct-exists");
    }

    @Test
    void illegalReservedAndCollidingNamesAreInvalidTopic() throws Exception {
        assertFails(admin.createTopics(List.of(new NewTopic("bad name!", 1, (short) 1))).all(),
                InvalidTopicException.class, "bad name!");
        assertFails(admin.createTopics(List.of(new NewTopic("__ledgerline_mine", 1, (short) 1))).all(),
                InvalidTopicException.class, "reserved");
        kafka.createTopic("ct_collide", 1, Map.of());
        assertFails(admin.createTopics(List.of(new NewTopic("ct.collide", 1, (short) 1))).all(),
                InvalidTopicException.class, "collides");
    }

    @Test
    void nonPositiveOrHugePartitionCountsAreInvalidPartitions() {
        assertFails(admin.createTopics(List.of(new NewTopic("ct-p0", 0, (short) 1))).all(),
                InvalidPartitionsException.class, "non-positive");
        assertFails(admin.createTopics(List.of(new NewTopic("ct-pneg", -5, (short) 1))).all(),
                InvalidPartitionsException.class, "non-positive");
        assertFails(admin.createTopics(List.of(new NewTopic("ct-phuge", 1_000_000, (short) 1))).all(),
                InvalidPartitionsException.class, "at most");
        assertThat(kafka.broker().topics().get("ct-phuge")).isNull();
    }

    @Test
    void validateOnlyChecksAndDescribesWithoutCreating() throws Exception {
        CreateTopicsOptions validateOnly = new CreateTopicsOptions().validateOnly(true);
        CreateTopicsResult r = admin.createTopics(List.of(new NewTopic("ct-dry", 4, (short) 1)
                .configs(Map.of("retention.bytes", "1048576"))), validateOnly);
        get(r.all());
        assertThat(get(r.numPartitions("ct-dry"))).isEqualTo(4);
        assertThat(get(r.config("ct-dry")).get("retention.bytes").value()).isEqualTo("1048576");
        assertThat(kafka.broker().topics().get("ct-dry")).isNull();
        assertThat(get(admin.listTopics().names())).doesNotContain("ct-dry");

        kafka.createTopic("ct-dry-exists", 1, Map.of());
        assertFails(admin.createTopics(List.of(new NewTopic("ct-dry-exists", 1, (short) 1)), validateOnly).all(),
                TopicExistsException.class, "ct-dry-exists");
        assertFails(admin.createTopics(List.of(new NewTopic("ct-dry-rf", 1, (short) 2)), validateOnly).all(),
                InvalidReplicationFactorException.class, "single-node");
    }

    @Test
    void oneBadTopicDoesNotStopTheOthersInTheSameRequest() throws Exception {
        CreateTopicsResult r = admin.createTopics(List.of(new NewTopic("ct-good", 1, (short) 1), new NewTopic("ct-bad", 1, (short) 5)));
        get(r.values().get("ct-good"));
        assertFails(r.values().get("ct-bad"), InvalidReplicationFactorException.class, "single-node");
        assertThat(kafka.broker().topics().get("ct-good")).isNotNull();
    }

    @Test
    void aNameGivenTwiceAndAssignmentsWithCountsAreInvalidRequest() throws Exception {
        CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(10_000);
        data.topics().add(new CreatableTopic().setName("ct-dup").setNumPartitions(1).setReplicationFactor((short) 1));
        data.topics().add(new CreatableTopic().setName("ct-dup").setNumPartitions(2).setReplicationFactor((short) 1));
        CreatableTopic withCounts = new CreatableTopic().setName("ct-assign-count").setNumPartitions(1).setReplicationFactor((short) -1);
        withCounts.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(0)));
        data.topics().add(withCounts);
        CreatableTopic nullConfig = new CreatableTopic().setName("ct-null-config").setNumPartitions(1).setReplicationFactor((short) 1);
        nullConfig.configs().add(new CreatableTopicConfig().setName("retention.ms").setValue(null));
        data.topics().add(nullConfig);
        try (RawClient raw = kafka.raw()) {
            CreateTopicsResponse response = raw.call(new CreateTopicsRequest.Builder(data).build((short) 7));
            List<CreatableTopicResult> dup = new ArrayList<>();
            for (CreatableTopicResult t : response.data().topics()) if (t.name().equals("ct-dup")) dup.add(t);
            assertThat(dup).isNotEmpty().allSatisfy(t -> {
                assertThat(t.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
                assertThat(t.errorMessage()).contains("Duplicate");
            });
            CreatableTopicResult c = response.data().topics().find("ct-assign-count");
            assertThat(c.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
            assertThat(c.errorMessage()).contains("numPartitions");
            CreatableTopicResult n = response.data().topics().find("ct-null-config");
            assertThat(n.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
            assertThat(n.errorMessage()).contains("retention.ms");
        }
        assertThat(kafka.broker().topics().get("ct-dup")).isNull();
    }

    @Test
    void everyStableVersionCreatesAndAnswersTheFieldsItHas() throws Exception {
        try (RawClient raw = kafka.raw()) {
            for (short v = 2; v <= 7; v++) {
                String name = "ct-v" + v;
                CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(10_000);
                data.topics().add(new CreatableTopic().setName(name).setNumPartitions(2).setReplicationFactor((short) 1));
                CreateTopicsResponse response = raw.call(new CreateTopicsRequest.Builder(data).build(v));
                CreatableTopicResult t = response.data().topics().find(name);
                assertThat(t.errorCode()).as("v%d", v).isEqualTo(Errors.NONE.code());
                assertThat(kafka.broker().topics().get(name).partitions()).hasSize(2);
                if (v >= 5) {
                    assertThat(t.numPartitions()).isEqualTo(2);
                    assertThat(t.replicationFactor()).isEqualTo((short) 1);
                    assertThat(t.configs()).hasSize(LogConfig.KEYS.size());
                } else {
                    assertThat(t.numPartitions()).isEqualTo(-1);
                }
                if (v >= 7) {
                    assertThat(t.topicId()).isEqualTo(kafka.broker().topics().get(name).topic().id());
                } else {
                    assertThat(t.topicId()).isEqualTo(Uuid.ZERO_UUID);
                }
            }
        }
    }
}
