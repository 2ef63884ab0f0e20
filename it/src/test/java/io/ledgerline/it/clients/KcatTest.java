package io.ledgerline.it.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBrokerTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kcat (Debian kcat 1.7.1 on librdkafka 2.0.2), run as a child process against the shared broker: produce with
 * each codec and in a transaction, consume with a format showing topic, partition, offset, timestamp, key, value
 * and headers, start at an offset, a timestamp or relative to the end, query offsets by time, list metadata, and
 * consume in a group. The Java client writes what kcat reads and reads what kcat writes.
 */
class KcatTest extends SharedBrokerTest {
    private static final String FORMAT = "%t|%p|%o|%T|%k|%s|%h\\n";

    @BeforeAll
    static void requireKcat() {
        ClientProcess.requireProgram(ClientProcess.APT_INSTALL, "kcat", "-V");
    }

    private static ClientProcess.Result kcat(String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of("kcat", "-b", broker.bootstrapServers()));
        command.addAll(List.of(args));
        return ClientProcess.run(ClientProcess.CLIENTS, command, stdin).assertExitZero();
    }

    /** 40 key/value lines through kcat -P -z codec with two headers; the Java consumer reads them, stored with that codec. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void produceWithCodec(String codec) throws Exception {
        String topic = Clients.uniqueTopic("kcat-" + codec);
        Clients.createTopic(admin, topic, 1, Map.of());
        String input = IntStream.range(0, 40).mapToObj(i -> "k" + i + "\tv" + i + "\n").collect(Collectors.joining());
        long before = System.currentTimeMillis();
        kcat(input, "-P", "-t", topic, "-p", "0", "-z", codec, "-K", "\t", "-H", "src=kcat", "-H", "codec=" + codec,
                "-X", "linger.ms=50");
        long after = System.currentTimeMillis();

        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker)) {
            List<ConsumerRecord<byte[], byte[]>> read = Clients.readAll(consumer, List.of(tp));
            assertThat(read).hasSize(40);
            for (int i = 0; i < 40; i++) {
                ConsumerRecord<byte[], byte[]> r = read.get(i);
                assertThat(r.offset()).isEqualTo(i);
                assertThat(text(r.key())).isEqualTo("k" + i);
                assertThat(text(r.value())).isEqualTo("v" + i);
                assertThat(r.headers().toArray()).containsExactly(
                        new RecordHeader("src", bytes("kcat")), new RecordHeader("codec", bytes(codec)));
                assertThat(r.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
                assertThat(r.timestamp()).isBetween(before, after);
            }
        }
        BrokerView.assertCompressedWith(BrokerView.dataBatches(broker, tp), CompressionType.forName(codec));
    }

    /** kcat -P -X transactional.id=...: one transaction committed at the end of input; read_committed sees it. */
    @Test
    void transactionalProduce() throws Exception {
        String topic = Clients.uniqueTopic("kcat-txn");
        Clients.createTopic(admin, topic, 1, Map.of());
        String input = IntStream.range(0, 10).mapToObj(i -> "k" + i + ":v" + i + "\n").collect(Collectors.joining());
        kcat(input, "-P", "-t", topic, "-p", "0", "-K", ":", "-X", "transactional.id=" + Clients.uniqueTopic("kcat-txn-id"));

        TopicPartition tp = new TopicPartition(topic, 0);
        List<RecordBatch> batches = BrokerView.batches(broker, tp);
        assertThat(batches).allSatisfy(b -> assertThat(b.isTransactional()).isTrue());
        assertThat(batches.stream().filter(RecordBatch::isControlBatch).map(RecordBatch::baseOffset).toList())
                .as("one commit marker after the 10 records").containsExactly(10L);
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker,
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            assertThat(Clients.readAll(consumer, List.of(tp))).extracting(r -> text(r.key()) + "=" + text(r.value()))
                    .containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(i -> "k" + i + "=v" + i).toList());
        }
    }

    /** kcat -C with an absolute offset, a count and -e: exactly those records, every field as the Java producer wrote it. */
    @Test
    void consumeFromAnOffset() throws Exception {
        String topic = Clients.uniqueTopic("kcat-consume");
        long base = produceTen(topic);
        ClientProcess.Result result = kcat(null, "-C", "-t", topic, "-p", "0", "-o", "3", "-c", "5", "-e", "-q", "-f", FORMAT);
        assertThat(result.stdout().lines()).containsExactlyElementsOf(expectedLines(topic, base, 3, 8));

        ClientProcess.Result tail = kcat(null, "-C", "-t", topic, "-p", "0", "-o", "-2", "-e", "-q", "-f", FORMAT);
        assertThat(tail.stdout().lines()).as("-o -2: the last two").containsExactlyElementsOf(expectedLines(topic, base, 8, 10));
    }

    /** kcat -C -o s@TS (ListOffsets by timestamp) and -o e@TS (stop before a timestamp). */
    @Test
    void consumeBetweenTimestamps() throws Exception {
        String topic = Clients.uniqueTopic("kcat-timestamps");
        long base = produceTen(topic);
        ClientProcess.Result result = kcat(null, "-C", "-t", topic, "-p", "0", "-o", "s@" + (base + 4 * 1000), "-e", "-q", "-f", FORMAT);
        assertThat(result.stdout().lines()).containsExactlyElementsOf(expectedLines(topic, base, 4, 10));
        ClientProcess.Result between = kcat(null, "-C", "-t", topic, "-p", "0", "-o", "s@" + (base + 2 * 1000 - 500),
                "-o", "e@" + (base + 6 * 1000), "-e", "-q", "-f", FORMAT);
        assertThat(between.stdout().lines()).containsExactlyElementsOf(expectedLines(topic, base, 2, 6));
    }

    /** kcat -Q: the offset of the first record at or after a timestamp. */
    @Test
    void queryOffsetsByTimestamp() throws Exception {
        String topic = Clients.uniqueTopic("kcat-query");
        long base = produceTen(topic);
        ClientProcess.Result result = kcat(null, "-Q", "-t", topic + ":0:" + (base + 6 * 1000 - 1));
        assertThat(result.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()))
                .containsExactly(topic + " [0] offset 6");
    }

    /** kcat -L -J: the broker the Admin sees, and the topic's 3 partitions with that broker as leader, replica and ISR. */
    @Test
    void metadata() throws Exception {
        String topic = Clients.uniqueTopic("kcat-metadata");
        Clients.createTopic(admin, topic, 3, Map.of());
        JsonNode md = new ObjectMapper().readTree(kcat(null, "-L", "-J", "-t", topic).stdout());
        Node node = admin.describeCluster().nodes().get().iterator().next();
        assertThat(md.get("brokers")).hasSize(1);
        assertThat(md.get("brokers").get(0).get("id").asInt()).isEqualTo(node.id());
        assertThat(md.get("brokers").get(0).get("name").asText()).isEqualTo(node.host() + ":" + node.port());
        assertThat(md.get("topics")).hasSize(1);
        JsonNode t = md.get("topics").get(0);
        assertThat(t.get("topic").asText()).isEqualTo(topic);
        assertThat(t.has("error")).as("topic error %s", t.get("error")).isFalse();
        assertThat(t.get("partitions")).hasSize(3).allSatisfy(p -> {
            assertThat(p.get("leader").asInt()).isEqualTo(node.id());
            assertThat(p.get("replicas")).singleElement().satisfies(r -> assertThat(r.get("id").asInt()).isEqualTo(node.id()));
            assertThat(p.get("isrs")).singleElement().satisfies(r -> assertThat(r.get("id").asInt()).isEqualTo(node.id()));
        });
    }

    /** kcat -G: a group member reads every record once and commits; the group's offsets are the end offsets. */
    @Test
    void groupConsumer() throws Exception {
        String topic = Clients.uniqueTopic("kcat-group");
        String group = Clients.uniqueTopic("kcat-group");
        long base = produceTen(topic);
        ClientProcess.Result result = kcat(null, "-G", group, "-o", "beginning", "-c", "10", "-e", "-q", "-f", FORMAT,
                "-X", "session.timeout.ms=6000", topic);
        assertThat(result.stdout().lines()).containsExactlyElementsOf(expectedLines(topic, base, 0, 10));
        assertThat(BrokerView.committed(admin, group)).containsExactlyEntriesOf(Map.of(new TopicPartition(topic, 0), 10L));
    }

    /** Ten records on partition 0 of a new topic: key k{i}, value v{i}, headers seq and src, timestamps base + i s. */
    private static long produceTen(String topic) throws Exception {
        Clients.createTopic(admin, topic, 1, Map.of());
        long base = (System.currentTimeMillis() / 1000 - 3600) * 1000;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, 0, base + i * 1000L, bytes("k" + i), bytes("v" + i),
                        List.of(new RecordHeader("seq", bytes(String.valueOf(i))), new RecordHeader("src", bytes("java")))));
            }
            producer.flush();
        }
        return base;
    }

    private static List<String> expectedLines(String topic, long base, int from, int to) {
        return IntStream.range(from, to)
                .mapToObj(i -> topic + "|0|" + i + "|" + (base + i * 1000L) + "|k" + i + "|v" + i + "|seq=" + i + ",src=java")
                .toList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
