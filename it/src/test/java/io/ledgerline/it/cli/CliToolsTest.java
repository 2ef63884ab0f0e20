package io.ledgerline.it.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.Ports;
import io.ledgerline.it.harness.SharedBrokerTest;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The CLI tools ({@code ledgerline topics|produce|consume}) run in-process through {@code LedgerlineCli}, against
 * the shared broker (Ledgerline, or Apache Kafka with -Pkafka: the tools are plain Kafka clients). What they
 * wrote is checked with the official clients, what they print against what the broker holds.
 */
class CliToolsTest extends SharedBrokerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Cli.Result cli(String stdin, String... args) {
        Cli.Result r = Cli.against(broker.bootstrapServers(), stdin, args);
        System.out.println("[cli] ledgerline " + String.join(" ", args) + " -> " + r.exitCode() + " " + r.err().strip());
        return r;
    }

    private static String utf8(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void topicsCreateDescribeListAndDelete() throws Exception {
        String topic = Clients.uniqueTopic("cli-topics");
        Cli.Result created = cli("", "topics", "create", topic, "--partitions", "3", "--config", "retention.ms=3600000");
        assertThat(created.exitCode()).as("%s", created).isZero();
        assertThat(created.out()).isEqualTo("created topic " + topic + " with 3 partitions, retention.ms=3600000\n");
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        assertThat(d.partitions()).hasSize(3);
        ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(res)).all().get().get(res);
        assertThat(config.get("retention.ms").value()).isEqualTo("3600000");
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

        try (KafkaProducer<byte[], byte[]> p = Clients.producer(broker)) {
            for (int i = 0; i < 4; i++) p.send(new ProducerRecord<>(topic, 2, null, new byte[] {1})).get();
        }
        Cli.Result described = cli("", "topics", "describe", topic);
        assertThat(described.exitCode()).as("%s", described).isZero();
        assertThat(described.lines()).hasSize(6);
        assertThat(described.lines().get(0)).isEqualTo("topic " + topic + "  id " + d.topicId() + "  partitions 3");
        assertThat(described.lines().get(1)).startsWith("configs ").contains("retention.ms=3600000");
        assertThat(described.lines().get(2).split("\\s+")).containsExactly("partition", "leader", "start", "end");
        assertThat(described.lines().get(3).split("\\s+")).containsExactly("0", d.partitions().get(0).leader().idString(), "0", "0");
        assertThat(described.lines().get(5).split("\\s+")).containsExactly("2", d.partitions().get(2).leader().idString(), "0", "4");

        Cli.Result listed = cli("", "topics", "list");
        assertThat(listed.exitCode()).isZero();
        assertThat(listed.lines()).contains(topic).isSorted().noneMatch(t -> t.startsWith("__"));

        Cli.Result again = cli("", "topics", "create", topic);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("ledgerline: topic '" + topic + "' already exists\n");

        Cli.Result deleted = cli("", "topics", "delete", topic);
        assertThat(deleted.exitCode()).as("%s", deleted).isZero();
        assertThat(deleted.out()).isEqualTo("deleted topic " + topic + "\n");
        assertThatThrownBy(() -> admin.describeTopics(List.of(topic)).allTopicNames().get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        Cli.Result gone = cli("", "topics", "describe", topic);
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).startsWith("ledgerline: unknown topic '" + topic + "'");
        assertThat(cli("", "topics", "delete", topic).err()).startsWith("ledgerline: unknown topic '" + topic + "'");
    }

    @Test
    void produceSendsKeysValuesAndHeadersAndConsumeJsonShowsThem() throws Exception {
        String topic = Clients.uniqueTopic("cli-produce");
        Clients.createTopic(admin, topic, 1, Map.of());
        Cli.Result produced = cli("k1:v1\nk2:{\"a\":\"b:c\"}\nk3:\n", "produce", topic, "--parse-key",
                "--header", "source=cli", "--header", "trace=a=b");
        assertThat(produced.exitCode()).as("%s", produced).isZero();
        assertThat(produced.out()).isEmpty();
        assertThat(produced.err()).isEqualTo("sent 3 records to " + topic + ": partition 0 up to offset 2\n");

        List<ConsumerRecord<byte[], byte[]>> stored;
        try (KafkaConsumer<byte[], byte[]> c = Clients.consumer(broker)) {
            stored = Clients.readAll(c, List.of(new TopicPartition(topic, 0)));
        }
        assertThat(stored).extracting(r -> utf8(r.key())).containsExactly("k1", "k2", "k3");
        assertThat(stored).extracting(r -> utf8(r.value())).containsExactly("v1", "{\"a\":\"b:c\"}", "");
        for (ConsumerRecord<byte[], byte[]> r : stored) {
            assertThat(r.headers().toArray()).extracting(Header::key).containsExactly("source", "trace");
            assertThat(r.headers().toArray()).extracting(h -> utf8(h.value())).containsExactly("cli", "a=b");
        }

        Cli.Result json = cli("", "consume", topic, "--format", "json", "--max-records", "3");
        assertThat(json.exitCode()).as("%s", json).isZero();
        assertThat(json.err()).isEqualTo("consumed 3 records from " + topic + "\n");
        assertThat(json.lines()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode o = JSON.readTree(json.lines().get(i));
            ConsumerRecord<byte[], byte[]> r = stored.get(i);
            List<String> fields = new ArrayList<>();
            o.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("topic", "partition", "offset", "timestamp", "timestampType", "key", "value", "headers");
            assertThat(o.get("topic").asText()).isEqualTo(topic);
            assertThat(o.get("partition").asInt()).isZero();
            assertThat(o.get("offset").asLong()).isEqualTo(i);
            assertThat(o.get("timestamp").asText()).isEqualTo(Instant.ofEpochMilli(r.timestamp()).toString());
            assertThat(o.get("timestampType").asText()).isEqualTo("CreateTime");
            assertThat(o.get("key").asText()).isEqualTo(utf8(r.key()));
            assertThat(o.get("value").asText()).isEqualTo(utf8(r.value()));
            assertThat(o.get("headers")).hasSize(2);
            assertThat(o.get("headers").get(0).get("key").asText()).isEqualTo("source");
            assertThat(o.get("headers").get(0).get("value").asText()).isEqualTo("cli");
            assertThat(o.get("headers").get(1).get("value").asText()).isEqualTo("a=b");
        }

        Cli.Result text = cli("", "consume", topic, "--print-key", "--key-separator", "=", "--max-records", "3");
        assertThat(text.out()).isEqualTo("k1=v1\nk2={\"a\":\"b:c\"}\nk3=\n");
    }

    @Test
    void consumeJsonShowsNonUtf8BytesAsBase64AndNullsAsNull() throws Exception {
        String topic = Clients.uniqueTopic("cli-binary");
        Clients.createTopic(admin, topic, 1, Map.of());
        try (KafkaProducer<byte[], byte[]> p = Clients.producer(broker)) {
            p.send(new ProducerRecord<>(topic, 0, null, new byte[] {(byte) 0xff, 0x00, 0x41})).get();
        }
        JsonNode o = JSON.readTree(cli("", "consume", topic, "--format", "json", "--max-records", "1").lines().get(0));
        assertThat(o.get("key").isNull()).isTrue();
        assertThat(o.get("value").get("base64").asText()).isEqualTo("/wBB");
        assertThat(cli("", "consume", topic, "--max-records", "1", "--print-key").out()).startsWith("null:");
    }

    @Test
    void consumeStartsFromAnOffsetOrATime() throws Exception {
        String topic = Clients.uniqueTopic("cli-from");
        Clients.createTopic(admin, topic, 1, Map.of());
        long t0 = System.currentTimeMillis() - 60_000;
        try (KafkaProducer<byte[], byte[]> p = Clients.producer(broker)) {
            for (int i = 0; i < 4; i++) p.send(new ProducerRecord<>(topic, 0, t0 + i * 1000L, null, ("v" + i).getBytes(StandardCharsets.UTF_8))).get();
        }
        assertThat(cli("", "consume", topic, "--from", "offset:2", "--timeout", "1s").out()).isEqualTo("v2\nv3\n");
        assertThat(cli("", "consume", topic, "--from", "offset:99", "--timeout", "1s").out()).as("past the end: nothing").isEmpty();
        assertThat(cli("", "consume", topic, "--from", "time:" + Instant.ofEpochMilli(t0 + 1000), "--timeout", "1s").out())
                .isEqualTo("v1\nv2\nv3\n");
        assertThat(cli("", "consume", topic, "--from", "time:" + (t0 + 2500), "--timeout", "1s").out()).isEqualTo("v3\n");
        assertThat(cli("", "consume", topic, "--from", "time:" + (t0 + 9000), "--timeout", "1s").out()).isEmpty();
        assertThat(cli("", "consume", topic, "--from", "end", "--timeout", "1s").out()).isEmpty();
        assertThat(cli("", "consume", topic, "--from", "beginning", "--partition", "0", "--max-records", "2").out()).isEqualTo("v0\nv1\n");
    }

    @Test
    void consumeWithAGroupCommitsWhatItPrintedAndResumesThere() throws Exception {
        String topic = Clients.uniqueTopic("cli-group");
        Clients.createTopic(admin, topic, 2, Map.of());
        Set<String> all = new HashSet<>();
        try (KafkaProducer<byte[], byte[]> p = Clients.producer(broker)) {
            for (int i = 0; i < 6; i++) {
                p.send(new ProducerRecord<>(topic, i % 2, null, ("r" + i).getBytes(StandardCharsets.UTF_8))).get();
                all.add("r" + i);
            }
        }
        String group = Clients.uniqueTopic("cli-group-id");
        Cli.Result first = cli("", "consume", topic, "--group", group, "--max-records", "4");
        assertThat(first.exitCode()).as("%s", first).isZero();
        assertThat(first.err()).isEqualTo("consumed 4 records from " + topic + "; offsets committed for group " + group + "\n");
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).as("%s", committed).isEqualTo(4);

        Cli.Result rest = cli("", "consume", topic, "--group", group, "--timeout", "2s");
        assertThat(rest.exitCode()).as("%s", rest).isZero();
        assertThat(rest.lines()).hasSize(2);
        Set<String> seen = new HashSet<>(first.lines());
        seen.addAll(rest.lines());
        assertThat(seen).isEqualTo(all);
        committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        assertThat(committed).containsOnlyKeys(Clients.partitions(topic, 2));
        assertThat(committed.values()).extracting(OffsetAndMetadata::offset).containsOnly(3L);
    }

    @Test
    void errorsAreOneLineWithTheDocumentedExitCode() throws Exception {
        String missing = Clients.uniqueTopic("cli-missing");
        Cli.Result consume = cli("", "consume", missing, "--timeout", "1s");
        assertThat(consume.exitCode()).isEqualTo(1);
        assertThat(consume.err()).startsWith("ledgerline: unknown topic '" + missing + "'").hasLineCount(1);
        Cli.Result produce = cli("x\n", "produce", missing);
        assertThat(produce.exitCode()).as("auto-creation is off on the shared broker").isEqualTo(1);
        assertThat(produce.err()).startsWith("ledgerline: unknown topic '" + missing + "'").hasLineCount(1);

        int closed = Ports.free();
        Cli.Result unreachable = Cli.run("", "topics", "list", "--bootstrap", "127.0.0.1:" + closed, "--connect-timeout", "2s");
        assertThat(unreachable.exitCode()).isEqualTo(1);
        assertThat(unreachable.err()).startsWith("ledgerline: cannot reach 127.0.0.1:" + closed
                + ": connection refused (nothing listens on port " + closed + ")").hasLineCount(1);

        String topic = Clients.uniqueTopic("cli-errors");
        Clients.createTopic(admin, topic, 1, Map.of());
        Cli.Result noSeparator = cli("a:1\nno separator\nb:2\n", "produce", topic, "--parse-key");
        assertThat(noSeparator.exitCode()).isEqualTo(1);
        assertThat(noSeparator.err()).isEqualTo("sent 1 record to " + topic + ": partition 0 up to offset 0\n"
                + "ledgerline: line 2 has no key separator ':' (--parse-key expects KEY:VALUE)\n");
        Cli.Result noPartition = cli("x\n", "produce", topic, "--partition", "5");
        assertThat(noPartition.exitCode()).isEqualTo(1);
        assertThat(noPartition.err()).isEqualTo("ledgerline: topic '" + topic + "' has no partition 5 (it has 1)\n");

        for (String[] bad : List.of(new String[] {"consume", topic, "--from", "yesterday"},
                new String[] {"consume", topic, "--format", "xml"},
                new String[] {"consume", topic, "--timeout", "10"},
                new String[] {"consume", topic, "--max-records", "0"},
                new String[] {"topics", "create", topic, "--partitions", "0"},
                new String[] {"topics", "create", topic, "--config", "retention.ms"},
                new String[] {"produce", topic, "--acks", "2"},
                new String[] {"produce", topic, "--verbose"},
                new String[] {"topics", "frobnicate"})) {
            Cli.Result r = cli("", bad);
            assertThat(r.exitCode()).as("ledgerline %s: %s", String.join(" ", bad), r).isEqualTo(2);
            assertThat(r.err()).as("ledgerline %s", String.join(" ", bad)).startsWith("ledgerline: ").contains("--help' for usage");
        }
        assertThat(cli("", "consume", topic, "--from", "yesterday").err()).contains("expected beginning, end, offset:N or time:T");
        assertThat(cli("", "topics").exitCode()).as("topics without a subcommand").isEqualTo(2);
    }
}
