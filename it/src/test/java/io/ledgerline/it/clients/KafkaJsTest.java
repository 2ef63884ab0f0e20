package io.ledgerline.it.clients;

import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBrokerTest;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kafkajs 2.2.4 (src/test/clients/node/package-lock.json, installed by {@code npm ci}, which mvn runs before the
 * tests): each scenario of kafkajs_client.js is one test, run with node against the shared broker. The script
 * checks what it reads; this class makes the topics and checks the stored batches and group offsets.
 */
class KafkaJsTest extends SharedBrokerTest {
    private static final String SCRIPT = "kafkajs_client.js";

    @BeforeAll
    static void requireClient() {
        ClientProcess.requireKafkaJs("2.2.4");
    }

    private static ClientProcess.Result run(String scenario, String... args) {
        List<String> command = new ArrayList<>(List.of("node", SCRIPT, scenario, broker.bootstrapServers()));
        command.addAll(List.of(args));
        return ClientProcess.run(ClientProcess.NODE_DIR, command).assertOk(scenario);
    }

    @Test
    void everyScenarioOfTheScriptHasATestHere() {
        assertThat(ClientProcess.scenarios(ClientProcess.NODE_DIR, List.of("node", SCRIPT)))
                .containsExactlyInAnyOrder("produce", "each-message", "each-batch", "rebalance", "large", "admin", "transactions");
    }

    /**
     * An idempotent producer with GZIP, 50 records to each of 2 partitions: the Java consumer reads them with their
     * keys, values, headers and timestamps; the stored batches are GZIP, of one producer id, sequences from 0.
     */
    @Test
    void idempotentGzipProducer() throws Exception {
        String topic = Clients.uniqueTopic("kafkajs-produce");
        Clients.createTopic(admin, topic, 2, Map.of());
        long base = Long.parseLong(run("produce", topic).facts().get("base-ts"));
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker)) {
            for (int partition = 0; partition < 2; partition++) {
                TopicPartition tp = new TopicPartition(topic, partition);
                List<ConsumerRecord<byte[], byte[]>> read = Clients.readAll(consumer, List.of(tp));
                assertThat(read).hasSize(50);
                for (int i = 0; i < 50; i++) {
                    ConsumerRecord<byte[], byte[]> r = read.get(i);
                    assertThat(r.offset()).isEqualTo(i);
                    assertThat(text(r.key())).isEqualTo("p" + partition + "-k" + i);
                    assertThat(text(r.value())).isEqualTo("p" + partition + "-v" + i);
                    assertThat(r.timestamp()).isEqualTo(base + i);
                    assertThat(r.headers().toArray()).containsExactly(
                            new RecordHeader("seq", bytes(String.valueOf(i))), new RecordHeader("src", bytes("kafkajs")));
                }
                List<RecordBatch> batches = BrokerView.dataBatches(broker, tp);
                assertThat(batches).singleElement().satisfies(b -> {
                    assertThat(b.compressionType()).isEqualTo(CompressionType.GZIP);
                    assertThat(b.producerId()).isNotNegative();
                    assertThat(b.baseSequence()).isZero();
                    assertThat(b.nextOffset()).isEqualTo(50);
                });
            }
        }
    }

    /** eachMessage with autoCommit off, then commitOffsets: the group's offsets are the committed ones. */
    @Test
    void consumerGroupEachMessageWithManualCommit() throws Exception {
        String topic = Clients.uniqueTopic("kafkajs-each-message");
        String group = Clients.uniqueTopic("kafkajs-each-message");
        Clients.createTopic(admin, topic, 2, Map.of());
        run("each-message", topic, group);
        assertThat(BrokerView.committed(admin, group)).containsExactlyInAnyOrderEntriesOf(Map.of(
                new TopicPartition(topic, 0), 50L, new TopicPartition(topic, 1), 20L));
    }

    /** eachBatch with resolveOffset and commitOffsets; a new member resumes at the committed offsets. */
    @Test
    void consumerGroupEachBatchWithManualCommit() throws Exception {
        String topic = Clients.uniqueTopic("kafkajs-each-batch");
        String group = Clients.uniqueTopic("kafkajs-each-batch");
        Clients.createTopic(admin, topic, 2, Map.of());
        run("each-batch", topic, group);
        assertThat(BrokerView.committed(admin, group)).containsExactlyInAnyOrderEntriesOf(BrokerView.everyPartitionAt(topic, 2, 50));
    }

    /** Two members on 4 partitions: a 2 + 2 split, each reads what it owns after it, the group ends at 20 per partition. */
    @Test
    void consumerGroupRebalanceOfTwoMembers() throws Exception {
        String topic = Clients.uniqueTopic("kafkajs-rebalance");
        String group = Clients.uniqueTopic("kafkajs-rebalance");
        Clients.createTopic(admin, topic, 4, Map.of());
        assertThat(run("rebalance", topic, group).facts().get("split")).matches("\\d,\\d\\|\\d,\\d");
        assertThat(BrokerView.committed(admin, group)).containsExactlyInAnyOrderEntriesOf(BrokerView.everyPartitionAt(topic, 4, 20));
    }

    /** 300 KB records read through maxBytes and maxBytesPerPartition of 1000. */
    @Test
    void largeRecordsThroughSmallFetchLimits() throws Exception {
        String topic = Clients.uniqueTopic("kafkajs-large");
        Clients.createTopic(admin, topic, 1, Map.of());
        run("large", topic);
    }

    /**
     * createTopics (twice), fetchTopicOffsets, fetchTopicOffsetsByTimestamp, deleteTopicRecords; listGroups,
     * describeGroups, setOffsets, resetOffsets, deleteGroups; describeCluster, describe/alterConfigs,
     * createPartitions, fetchTopicMetadata, deleteTopics.
     */
    @Test
    void admin() throws Exception {
        String topic = Clients.uniqueTopic("kafkajs-admin");
        Map<String, String> facts = run("admin", topic).facts();
        assertThat(facts).containsEntry("cluster-id", admin.describeCluster().clusterId().get());
        // resetOffsets({earliest: true}) commits kafkajs's EARLIEST_OFFSET, -2, which the broker keeps as it is.
        assertThat(facts).containsEntry("reset-offsets", "-2,-2");
        Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                .all().get().values().iterator().next();
        assertThat(config.get("retention.ms").value()).as("set by alterConfigs").isEqualTo("172800000");
        assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(3);
        assertThat(Clients.offset(admin, new TopicPartition(topic, 0), OffsetSpec.earliest())).isEqualTo(30);
        assertThat(Clients.offset(admin, new TopicPartition(topic, 1), OffsetSpec.earliest())).isEqualTo(50);
        assertThat(admin.listTopics().names().get()).doesNotContain(topic + "-deleted");
        assertThat(admin.listGroups().all().get()).noneMatch(g -> g.groupId().equals(topic + "-after-delete"));
    }

    /** A transaction with sendOffsets committed, one aborted: the group's offset is the committed transaction's. */
    @Test
    void transactionalProducerWithSendOffsets() throws Exception {
        String input = Clients.uniqueTopic("kafkajs-txn-in");
        String output = Clients.uniqueTopic("kafkajs-txn-out");
        String group = Clients.uniqueTopic("kafkajs-txn-group");
        Clients.createTopic(admin, input, 1, Map.of());
        Clients.createTopic(admin, output, 1, Map.of());
        run("transactions", input, output, group, Clients.uniqueTopic("kafkajs-txn-id"));
        assertThat(BrokerView.committed(admin, group)).containsExactlyEntriesOf(Map.of(new TopicPartition(input, 0), 6L));
        List<RecordBatch> batches = BrokerView.batches(broker, new TopicPartition(output, 0));
        assertThat(batches).allSatisfy(b -> assertThat(b.isTransactional()).isTrue());
        assertThat(batches.stream().filter(RecordBatch::isControlBatch).map(RecordBatch::baseOffset).toList())
                .as("commit marker after 6 records, abort marker after the aborted one").containsExactly(6L, 8L);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
