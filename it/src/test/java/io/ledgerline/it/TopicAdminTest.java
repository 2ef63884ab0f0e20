package io.ledgerline.it;

import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.RawKafkaClient;
import io.ledgerline.it.harness.SharedBrokerTest;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/** Topic lifecycle and topic configs through the official AdminClient (and the legacy AlterConfigs API). */
class TopicAdminTest extends SharedBrokerTest {
    /** Kafka's default max.message.bytes (message.max.bytes), also Ledgerline's. */
    private static final String DEFAULT_MAX_MESSAGE_BYTES = "1048588";


    @Test
    void createdTopicIsDescribedWithItsPartitionsNonZeroIdAndConfigs() throws Exception {
        String topic = Clients.uniqueTopic("described");
        var created = admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1)
                .configs(Map.of("retention.ms", "3600000", "max.message.bytes", "200000"))));
        assertThat(created.numPartitions(topic).get()).isEqualTo(3);
        Uuid id = created.topicId(topic).get();
        assertThat(id).isNotEqualTo(Uuid.ZERO_UUID);

        await().atMost(Clients.PATIENCE).ignoreExceptions().untilAsserted(() -> {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            assertThat(d.topicId()).isEqualTo(id);
            assertThat(d.isInternal()).isFalse();
            assertThat(d.partitions()).extracting(p -> p.partition()).containsExactly(0, 1, 2);
            assertThat(d.partitions()).allSatisfy(p -> {
                assertThat(p.leader()).isNotNull();
                assertThat(p.replicas()).containsExactly(p.leader());
                assertThat(p.isr()).containsExactly(p.leader());
            });
        });
        assertThat(admin.listTopics().names().get()).contains(topic);

        Config config = topicConfig(topic);
        assertThat(config.get("retention.ms")).extracting(ConfigEntry::value, ConfigEntry::source)
                .containsExactly("3600000", ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("max.message.bytes")).extracting(ConfigEntry::value, ConfigEntry::source)
                .containsExactly("200000", ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("segment.bytes")).as("a config left at its default")
                .extracting(ConfigEntry::value, ConfigEntry::source, ConfigEntry::isDefault)
                .containsExactly("1073741824", ConfigSource.DEFAULT_CONFIG, true);
    }

    @Test
    void incrementalAlterConfigsSetsAndDeletesTopicOverrides() throws Exception {
        String topic = Clients.uniqueTopic("incremental");
        Clients.createTopic(admin, topic, 1, Map.of("max.message.bytes", "200000"));
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);

        admin.incrementalAlterConfigs(Map.of(resource, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "7200000"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("max.message.bytes", null), AlterConfigOp.OpType.DELETE)))).all().get();

        await().atMost(Clients.PATIENCE).untilAsserted(() -> {
            Config config = topicConfig(topic);
            assertThat(config.get("retention.ms")).extracting(ConfigEntry::value, ConfigEntry::source)
                    .containsExactly("7200000", ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(config.get("max.message.bytes")).as("deleted override falls back to the default")
                    .extracting(ConfigEntry::value, ConfigEntry::source)
                    .containsExactly(DEFAULT_MAX_MESSAGE_BYTES, ConfigSource.DEFAULT_CONFIG);
        });
    }

    @Test
    void incrementalAlterConfigsRejectsAnInvalidValueAndKeepsTheOldOne() throws Exception {
        String topic = Clients.uniqueTopic("invalid-config");
        Clients.createTopic(admin, topic, 1, Map.of("retention.ms", "3600000"));
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);

        var altered = admin.incrementalAlterConfigs(Map.of(resource, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "not-a-number"), AlterConfigOp.OpType.SET)))).all();

        assertThatThrownBy(altered::get).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvalidConfigurationException.class);
        assertThat(topicConfig(topic).get("retention.ms").value()).isEqualTo("3600000");
    }

    /** The legacy AlterConfigs API (key 33) replaces a topic's whole set of overrides, unlike the incremental one. */
    @Test
    void legacyAlterConfigsReplacesAllTopicOverrides() throws Exception {
        String topic = Clients.uniqueTopic("legacy-alter");
        Clients.createTopic(admin, topic, 1, Map.of("max.message.bytes", "200000", "retention.ms", "3600000"));
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);

        AlterConfigsResponse response;
        try (RawKafkaClient raw = RawKafkaClient.connect(broker.bootstrapServers())) {
            response = raw.send(new AlterConfigsRequest.Builder(Map.of(resource, new AlterConfigsRequest.Config(
                    List.of(new AlterConfigsRequest.ConfigEntry("retention.ms", "1000000")))), false));
        }
        assertThat(response.data().responses()).extracting(r -> r.resourceName(), r -> Errors.forCode(r.errorCode()))
                .containsExactly(tuple(topic, Errors.NONE));

        await().atMost(Clients.PATIENCE).untilAsserted(() -> {
            Config config = topicConfig(topic);
            assertThat(config.get("retention.ms")).extracting(ConfigEntry::value, ConfigEntry::source)
                    .containsExactly("1000000", ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(config.get("max.message.bytes")).as("override absent from the request is removed")
                    .extracting(ConfigEntry::value, ConfigEntry::source)
                    .containsExactly(DEFAULT_MAX_MESSAGE_BYTES, ConfigSource.DEFAULT_CONFIG);
        });
    }

    @Test
    void createPartitionsAddsPartitionsThatAcceptRecords() throws Exception {
        String topic = Clients.uniqueTopic("grown");
        Uuid id = Clients.createTopic(admin, topic, 2, Map.of());

        admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(4))).all().get();

        await().atMost(Clients.PATIENCE).ignoreExceptions().untilAsserted(() -> {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            assertThat(d.topicId()).as("same topic, more partitions").isEqualTo(id);
            assertThat(d.partitions()).extracting(p -> p.partition()).containsExactly(0, 1, 2, 3);
            assertThat(d.partitions()).allSatisfy(p -> assertThat(p.leader()).isNotNull());
        });
        byte[] value = "to a new partition".getBytes(StandardCharsets.UTF_8);
        RecordMetadata md;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
            md = producer.send(new ProducerRecord<>(topic, 3, null, value)).get();
        }
        assertThat(md.partition()).isEqualTo(3);
        assertThat(md.offset()).isZero();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker)) {
            List<ConsumerRecord<byte[], byte[]>> read = Clients.readAll(consumer, List.of(new TopicPartition(topic, 3)));
            assertThat(read).extracting(ConsumerRecord::offset, ConsumerRecord::value).containsExactly(tuple(0L, value));
        }
    }

    @Test
    void createPartitionsCannotShrinkATopic() throws Exception {
        String topic = Clients.uniqueTopic("not-shrunk");
        Clients.createTopic(admin, topic, 3, Map.of());

        var shrink = admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(2))).all();

        assertThatThrownBy(shrink::get).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvalidPartitionsException.class);
        assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(3);
    }

    @Test
    void deletedTopicIsGoneAndItsNameCanBeReusedForANewEmptyTopic() throws Exception {
        String topic = Clients.uniqueTopic("deleted");
        Uuid oldId = Clients.createTopic(admin, topic, 3, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
            for (int p = 0; p < 3; p++) producer.send(new ProducerRecord<>(topic, p, null, new byte[] {1})).get();
        }

        admin.deleteTopics(List.of(topic)).all().get();

        await().atMost(Clients.PATIENCE).untilAsserted(() -> {
            assertThat(admin.listTopics().names().get()).doesNotContain(topic);
            assertThatThrownBy(() -> admin.describeTopics(List.of(topic)).allTopicNames().get())
                    .cause().isInstanceOf(UnknownTopicOrPartitionException.class);
        });

        Uuid newId = await().atMost(Clients.PATIENCE).ignoreExceptionsInstanceOf(TopicExistsException.class)
                .until(() -> admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).topicId(topic).get(), id -> true);
        assertThat(newId).isNotEqualTo(oldId).isNotEqualTo(Uuid.ZERO_UUID);
        TopicPartition tp = new TopicPartition(topic, 0);
        await().atMost(Clients.PATIENCE).ignoreExceptions().untilAsserted(() -> {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            assertThat(d.topicId()).isEqualTo(newId);
            assertThat(d.partitions()).hasSize(1);
            assertThat(Clients.offset(admin, tp, OffsetSpec.latest())).as("old records gone").isZero();
        });
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
            assertThat(producer.send(new ProducerRecord<>(topic, 0, null, new byte[] {2})).get().offset()).isZero();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker)) {
            assertThat(Clients.readAll(consumer, List.of(tp))).extracting(ConsumerRecord::value).containsExactly(new byte[] {2});
        }
    }

    private static Config topicConfig(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource);
    }
}
