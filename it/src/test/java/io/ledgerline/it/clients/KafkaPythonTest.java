package io.ledgerline.it.clients;

import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBrokerTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kafka-python 2.0.2 (Debian python3-kafka): each scenario of src/test/clients/python/kafka_python_client.py in
 * each API-version mode is one test. "auto" lets kafka-python probe the broker (ApiVersions, then the old
 * versions it knows: Metadata v0/v1, Fetch v4, ListOffsets v1); "1.0.0" and "2.0.0" pin api_version, so it sends
 * no ApiVersions at all and uses that Kafka release's Produce, Fetch, Metadata and group versions.
 */
class KafkaPythonTest extends SharedBrokerTest {
    private static final String SCRIPT = ClientProcess.CLIENTS.resolve("python/kafka_python_client.py").toString();
    private static final List<String> CODECS = List.of("gzip", "snappy", "lz4", "zstd");

    @BeforeAll
    static void requireClient() {
        ClientProcess.requirePythonModule("kafka");
    }

    private static ClientProcess.Result run(String scenario, String mode, String... args) {
        List<String> command = new ArrayList<>(List.of(ClientProcess.python(), SCRIPT, scenario, mode, broker.bootstrapServers()));
        command.addAll(List.of(args));
        return ClientProcess.run(ClientProcess.CLIENTS, command).assertOk(scenario);
    }

    @Test
    void everyScenarioOfTheScriptHasATestHere() {
        assertThat(ClientProcess.scenarios(ClientProcess.CLIENTS, List.of(ClientProcess.python(), SCRIPT)))
                .containsExactlyInAnyOrder("produce", "codecs", "log-append-time", "group", "offsets-for-times", "read-transactional", "admin");
    }

    /** acks 1, all and 0, 20 records each; the Java consumer reads the same 60 records the script read. */
    @ParameterizedTest(name = "api_version {0}")
    @ValueSource(strings = {"auto", "1.0.0", "2.0.0"})
    void produceWithAcks0And1AndAll(String mode) throws Exception {
        String topic = Clients.uniqueTopic("kafka-python-produce");
        Clients.createTopic(admin, topic, 1, Map.of());
        long base = Long.parseLong(run("produce", mode, topic).facts().get("base-ts"));
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker)) {
            List<ConsumerRecord<byte[], byte[]>> read = Clients.readAll(consumer, List.of(new TopicPartition(topic, 0)));
            assertThat(read).hasSize(60);
            List<String> acks = List.of("1", "all", "0");
            for (int n = 0; n < read.size(); n++) {
                ConsumerRecord<byte[], byte[]> r = read.get(n);
                String prefix = "acks" + acks.get(n / 20);
                int i = n % 20;
                assertThat(r.offset()).isEqualTo(n);
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(prefix + "-k" + i);
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(prefix + "-v" + i);
                assertThat(r.timestamp()).isEqualTo(base + i);
                assertThat(r.headers().lastHeader("src").value()).isEqualTo("kafka-python".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** Every codec kafka-python has a library for (gzip at least); the stored batches carry it. */
    @ParameterizedTest(name = "api_version {0}")
    @ValueSource(strings = {"auto", "1.0.0", "2.0.0"})
    void compressedProduce(String mode) throws Exception {
        String prefix = Clients.uniqueTopic("kafka-python-codec");
        for (String codec : CODECS) {
            Clients.createTopic(admin, prefix + "-" + codec, 1, Map.of());
        }
        List<String> used = Arrays.asList(run("codecs", mode, prefix).facts().get("codecs").split(","));
        assertThat(used).contains("gzip");
        for (String codec : used) {
            List<RecordBatch> batches = BrokerView.dataBatches(broker, new TopicPartition(prefix + "-" + codec, 0));
            assertThat(batches).as(codec).isNotEmpty()
                    .allSatisfy(b -> assertThat(b.compressionType()).isEqualTo(CompressionType.forName(codec)));
            assertThat(batches.get(batches.size() - 1).nextOffset()).isEqualTo(30);
        }
    }

    /** LogAppendTime topics, uncompressed and gzip: the broker's time in the Produce response and in what is read. */
    @ParameterizedTest(name = "api_version {0}")
    @ValueSource(strings = {"auto", "1.0.0", "2.0.0"})
    void logAppendTime(String mode) throws Exception {
        String prefix = Clients.uniqueTopic("kafka-python-log-append-time");
        for (String codec : List.of("none", "gzip")) {
            Clients.createTopic(admin, prefix + "-" + codec, 1, Map.of("message.timestamp.type", "LogAppendTime"));
        }
        run("log-append-time", mode, prefix + "-none", prefix + "-gzip");
    }

    /** enable_auto_commit=False, commit() with offsets and without, committed(), seek() in a group of 2 partitions. */
    @ParameterizedTest(name = "api_version {0}")
    @ValueSource(strings = {"auto", "1.0.0", "2.0.0"})
    void groupWithManualCommit(String mode) throws Exception {
        String topic = Clients.uniqueTopic("kafka-python-group");
        String group = Clients.uniqueTopic("kafka-python-group");
        Clients.createTopic(admin, topic, 2, Map.of());
        run("group", mode, topic, group);
        assertThat(BrokerView.committed(admin, group)).containsExactlyInAnyOrderEntriesOf(BrokerView.everyPartitionAt(topic, 2, 15));
    }

    @ParameterizedTest(name = "api_version {0}")
    @ValueSource(strings = {"auto", "1.0.0", "2.0.0"})
    void offsetsForTimes(String mode) throws Exception {
        String topic = Clients.uniqueTopic("kafka-python-oft");
        Clients.createTopic(admin, topic, 1, Map.of());
        run("offsets-for-times", mode, topic);
    }

    /**
     * A committed and an aborted transaction written by the Java client: kafka-python (no read_committed) reads the
     * 8 data records at their offsets, with the old Fetch versions of each mode, and (kafka-python 2.0.2 does not skip
     * control batches) the two markers as records, as it does on Apache Kafka.
     */
    @ParameterizedTest(name = "api_version {0}")
    @ValueSource(strings = {"auto", "1.0.0", "2.0.0"})
    void readsATransactionalPartition(String mode) throws Exception {
        String topic = Clients.uniqueTopic("kafka-python-txn");
        Clients.createTopic(admin, topic, 1, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker,
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, Clients.uniqueTopic("kafka-python-txn-id")))) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, 0, bytes("c" + i), bytes("committed")));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, 0, bytes("a" + i), bytes("aborted")));
            }
            producer.flush();
            producer.abortTransaction();
        }
        assertThat(BrokerView.batches(broker, new TopicPartition(topic, 0)).stream()
                .filter(RecordBatch::isControlBatch).map(RecordBatch::baseOffset).toList()).containsExactly(5L, 9L);
        run("read-transactional", mode, topic);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** KafkaAdminClient create (twice: TopicAlreadyExistsError), describe, list, delete. */
    @ParameterizedTest(name = "api_version {0}")
    @ValueSource(strings = {"auto", "1.0.0", "2.0.0"})
    void adminCreateAndDeleteTopics(String mode) throws Exception {
        String topic = Clients.uniqueTopic("kafka-python-admin");
        run("admin", mode, topic);
        assertThat(admin.listTopics().names().get()).doesNotContain(topic);
    }
}
