package io.ledgerline.it.clients;

import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBrokerTest;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * librdkafka (Debian's librdkafka 2.0.2) through confluent-kafka-python (Debian python3-confluent-kafka 1.7.0):
 * each scenario of src/test/clients/python/confluent_kafka_client.py is one test, run as a child process against
 * the shared broker. The script checks what it reads (keys, values, headers, timestamps, offsets); this class makes
 * the topics and checks from the Java side what the script cannot see (codecs and producer ids of the stored
 * batches, transaction markers, the group's committed offsets).
 */
class ConfluentKafkaPythonTest extends SharedBrokerTest {
    private static final String SCRIPT = ClientProcess.CLIENTS.resolve("python/confluent_kafka_client.py").toString();
    private static final List<String> CODECS = List.of("gzip", "snappy", "lz4", "zstd");

    @BeforeAll
    static void requireClient() {
        ClientProcess.requirePythonModule("confluent_kafka");
    }

    private static ClientProcess.Result run(String scenario, String... args) {
        List<String> command = new ArrayList<>(List.of(ClientProcess.python(), SCRIPT, scenario, broker.bootstrapServers()));
        command.addAll(List.of(args));
        return ClientProcess.run(ClientProcess.CLIENTS, command).assertOk(scenario);
    }

    @Test
    void everyScenarioOfTheScriptHasATestHere() {
        assertThat(ClientProcess.scenarios(ClientProcess.CLIENTS, List.of(ClientProcess.python(), SCRIPT)))
                .containsExactlyInAnyOrder("codecs", "log-append-time", "idempotent", "large", "transactions", "group", "cooperative", "seek",
                        "offsets-for-times", "watermarks", "metadata", "admin");
    }

    /** 50 records per codec, read back intact; the stored batches carry that codec (see BrokerView#assertCompressedWith). */
    @Test
    void codecs() throws Exception {
        String prefix = Clients.uniqueTopic("rdkafka-codec");
        List<String> topics = CODECS.stream().map(c -> prefix + "-" + c).toList();
        for (String topic : topics) {
            Clients.createTopic(admin, topic, 1, Map.of());
        }
        run("codecs", topics.toArray(String[]::new));
        for (String codec : CODECS) {
            List<RecordBatch> batches = BrokerView.dataBatches(broker, new TopicPartition(prefix + "-" + codec, 0));
            BrokerView.assertCompressedWith(batches, CompressionType.forName(codec));
            assertThat(batches).allSatisfy(b -> assertThat(b.magic()).isEqualTo(RecordBatch.MAGIC_VALUE_V2));
            assertThat(batches.get(batches.size() - 1).nextOffset()).as(codec).isEqualTo(50);
        }
    }

    /** message.timestamp.type=LogAppendTime, uncompressed and with each codec: the broker's time, in delivery reports and reads. */
    @Test
    void logAppendTime() throws Exception {
        String prefix = Clients.uniqueTopic("rdkafka-log-append-time");
        List<String> topics = new ArrayList<>();
        for (String codec : List.of("none", "gzip", "snappy", "lz4", "zstd")) {
            topics.add(prefix + "-" + codec);
            Clients.createTopic(admin, prefix + "-" + codec, 1, Map.of("message.timestamp.type", "LogAppendTime"));
        }
        run("log-append-time", topics.toArray(String[]::new));
        for (String topic : topics) {
            assertThat(BrokerView.dataBatches(broker, new TopicPartition(topic, 0)))
                    .allSatisfy(b -> assertThat(b.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME));
        }
    }

    /** 200 records with enable.idempotence: one producer id, dense sequences from 0. */
    @Test
    void idempotentProducer() throws Exception {
        String topic = Clients.uniqueTopic("rdkafka-idempotent");
        Clients.createTopic(admin, topic, 1, Map.of());
        run("idempotent", topic);
        List<RecordBatch> batches = BrokerView.dataBatches(broker, new TopicPartition(topic, 0));
        assertThat(batches.stream().map(RecordBatch::producerId).distinct().toList()).singleElement()
                .satisfies(id -> assertThat(id).isNotNegative());
        long expectedSequence = 0;
        for (RecordBatch batch : batches) {
            assertThat(batch.baseSequence()).as("batch at %d", batch.baseOffset()).isEqualTo((int) expectedSequence);
            expectedSequence += batch.nextOffset() - batch.baseOffset();
        }
        assertThat(expectedSequence).isEqualTo(200);
    }

    /** 600 KB records through 1000-byte fetch limits; a 2 MB record refused with MSG_SIZE_TOO_LARGE, nothing appended. */
    @Test
    void largeRecords() throws Exception {
        String topic = Clients.uniqueTopic("rdkafka-large");
        Clients.createTopic(admin, topic, 1, Map.of());
        run("large", topic);
        assertThat(Clients.offset(admin, new TopicPartition(topic, 0), OffsetSpec.latest())).isEqualTo(3);
    }

    /** send_offsets_to_transaction in a committed and an aborted transaction; read_committed sees the first only. */
    @Test
    void transactions() throws Exception {
        String input = Clients.uniqueTopic("rdkafka-txn-in");
        String output = Clients.uniqueTopic("rdkafka-txn-out");
        String group = Clients.uniqueTopic("rdkafka-txn-group");
        Clients.createTopic(admin, input, 1, Map.of());
        Clients.createTopic(admin, output, 1, Map.of());
        run("transactions", input, output, group, Clients.uniqueTopic("rdkafka-txn-id"));

        assertThat(BrokerView.committed(admin, group)).containsExactlyEntriesOf(Map.of(new TopicPartition(input, 0), 6L));
        List<RecordBatch> batches = BrokerView.batches(broker, new TopicPartition(output, 0));
        assertThat(batches).allSatisfy(b -> assertThat(b.isTransactional()).isTrue());
        assertThat(batches.stream().filter(RecordBatch::isControlBatch).map(RecordBatch::baseOffset).toList())
                .as("commit marker after the 6 committed records, abort marker after the 4 aborted ones").containsExactly(6L, 11L);
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker,
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            List<ConsumerRecord<byte[], byte[]>> read = Clients.readAll(consumer, List.of(new TopicPartition(output, 0)));
            assertThat(read).extracting(r -> new String(r.value())).containsExactly("IN-V0", "IN-V1", "IN-V2", "IN-V3", "IN-V4", "IN-V5");
        }
    }

    /** Manual commits in a group over 3 partitions; a second member resumes where the first committed. */
    @Test
    void groupWithManualCommit() throws Exception {
        String topic = Clients.uniqueTopic("rdkafka-group");
        String group = Clients.uniqueTopic("rdkafka-group");
        Clients.createTopic(admin, topic, 3, Map.of());
        ClientProcess.Result result = run("group", topic, group);
        assertThat(result.facts()).containsEntry("committed", "20,20,20");
        assertThat(BrokerView.committed(admin, group)).containsExactlyInAnyOrderEntriesOf(BrokerView.everyPartitionAt(topic, 3, 20));
    }

    /** Two static members with the cooperative-sticky assignor: a 2 + 2 split with nothing re-read, then each reads its own. */
    @Test
    void cooperativeRebalanceOfStaticMembers() throws Exception {
        String topic = Clients.uniqueTopic("rdkafka-cooperative");
        String group = Clients.uniqueTopic("rdkafka-cooperative");
        Clients.createTopic(admin, topic, 4, Map.of());
        String split = run("cooperative", topic, group).facts().get("split");
        assertThat(split).matches("\\d,\\d\\|\\d,\\d");
        assertThat(BrokerView.committed(admin, group)).containsExactlyInAnyOrderEntriesOf(BrokerView.everyPartitionAt(topic, 4, 50));
    }

    @Test
    void seek() throws Exception {
        String topic = Clients.uniqueTopic("rdkafka-seek");
        Clients.createTopic(admin, topic, 1, Map.of());
        run("seek", topic);
    }

    @Test
    void offsetsForTimes() throws Exception {
        String topic = Clients.uniqueTopic("rdkafka-oft");
        Clients.createTopic(admin, topic, 1, Map.of());
        run("offsets-for-times", topic);
    }

    @Test
    void watermarks() throws Exception {
        String topic = Clients.uniqueTopic("rdkafka-watermarks");
        Clients.createTopic(admin, topic, 1, Map.of());
        ClientProcess.Result result = run("watermarks", topic);
        TopicPartition tp = new TopicPartition(topic, 0);
        assertThat(result.facts()).containsEntry("watermarks",
                Clients.offset(admin, tp, OffsetSpec.earliest()) + "," + Clients.offset(admin, tp, OffsetSpec.latest()));
    }

    /** Metadata: the topic's partitions, leaders and replicas, and the broker librdkafka sees is the one the Admin sees. */
    @Test
    void metadata() throws Exception {
        String topic = Clients.uniqueTopic("rdkafka-metadata");
        Clients.createTopic(admin, topic, 3, Map.of());
        ClientProcess.Result result = run("metadata", topic);
        Node node = admin.describeCluster().nodes().get().iterator().next();
        assertThat(result.facts()).containsEntry("broker", node.host() + ":" + node.port());
    }

    /** AdminClient create (twice: TOPIC_ALREADY_EXISTS), describe topics and configs, alter configs, delete. */
    @Test
    void admin() throws Exception {
        String topic = Clients.uniqueTopic("rdkafka-admin");
        run("admin", topic);
        assertThat(admin.listTopics().names().get()).doesNotContain(topic);
    }
}
