package io.ledgerline.it;

import io.ledgerline.it.harness.ChildJvm;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBrokerTest;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Promise 7 (Kafka everywhere): Kafka's own command-line tools from kafka-tools, unchanged, against the
 * broker: kafka-producer-perf-test writes, kafka-console-consumer (in a consumer group) reads everything.
 */
class KafkaToolsTest extends SharedBrokerTest {
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 20_000;
    private static final int RECORD_SIZE = 1024;
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);
    /** ProducerPerformance's final summary: "20000 records sent, 9876.5 records/sec (9.65 MB/sec), ...". */
    private static final Pattern PERF_SUMMARY = Pattern.compile("^(\\d+) records sent, .*");


    @Test
    void producerPerfTestSendsEveryRecordWithAcksAll() throws Exception {
        String topic = Clients.uniqueTopic("perf-test");
        Clients.createTopic(admin, topic, PARTITIONS, Map.of());

        ChildJvm.Result perf = ChildJvm.run(TOOL_TIMEOUT, line -> false, "org.apache.kafka.tools.ProducerPerformance",
                "--topic", topic, "--num-records", Integer.toString(RECORDS), "--record-size", Integer.toString(RECORD_SIZE),
                "--throughput", "-1", "--producer-props", "bootstrap.servers=" + broker.bootstrapServers(), "acks=all");

        assertThat(perf.exitCode()).as("kafka-producer-perf-test: %s", perf).isZero();
        Matcher summary = PERF_SUMMARY.matcher(perf.stdoutTail().isEmpty() ? "" : perf.stdoutTail().get(perf.stdoutTail().size() - 1));
        assertThat(summary.matches()).as("last line is the summary: %s", perf).isTrue();
        assertThat(Integer.parseInt(summary.group(1))).as("records sent per the summary").isEqualTo(RECORDS);
        assertThat(storedRecords(topic)).as("sum of end offsets").isEqualTo(RECORDS);
    }

    @Test
    void consoleConsumerInAGroupReadsEveryRecordFromTheBeginningAndCommitsItsOffsets() throws Exception {
        String topic = Clients.uniqueTopic("console-consumer");
        Clients.createTopic(admin, topic, PARTITIONS, Map.of());
        byte[] value = "x".repeat(RECORD_SIZE).getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
            for (int i = 0; i < RECORDS; i++) producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, value));
            producer.flush();
        }
        assertThat(storedRecords(topic)).isEqualTo(RECORDS);

        String group = Clients.uniqueTopic("console-consumer-group");
        ChildJvm.Result console = ChildJvm.run(TOOL_TIMEOUT, line -> line.length() == RECORD_SIZE,
                "org.apache.kafka.tools.consumer.ConsoleConsumer",
                "--bootstrap-server", broker.bootstrapServers(), "--topic", topic, "--group", group,
                "--from-beginning", "--max-messages", Integer.toString(RECORDS), "--timeout-ms", "30000");

        assertThat(console.exitCode()).as("kafka-console-consumer: %s", console).isZero();
        assertThat(console.stderr()).as("kafka-console-consumer stderr").contains("Processed a total of " + RECORDS + " messages");
        assertThat(console.stdoutLines()).as("values printed").isEqualTo(RECORDS);
        assertThat(console.matchingStdoutLines()).as("values of %d bytes printed", RECORD_SIZE).isEqualTo(RECORDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum())
                .as("offsets the console consumer's group committed on close: %s", committed).isEqualTo(RECORDS);
        assertThat(committed.keySet()).containsExactlyInAnyOrderElementsOf(Clients.partitions(topic, PARTITIONS));
    }

    private static long storedRecords(String topic) throws Exception {
        long stored = 0;
        for (TopicPartition tp : Clients.partitions(topic, PARTITIONS)) stored += Clients.offset(admin, tp, OffsetSpec.latest());
        return stored;
    }
}
