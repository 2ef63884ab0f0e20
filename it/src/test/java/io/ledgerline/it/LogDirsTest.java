package io.ledgerline.it;

import io.ledgerline.it.harness.ChildJvm;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBrokerTest;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DescribeLogDirs as tools use it: {@code Admin.describeLogDirs} and Kafka's {@code kafka-log-dirs --describe}
 * (LogDirsCommand) see every partition with its size, and the sizes grow as records are written.
 */
class LogDirsTest extends SharedBrokerTest {
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);
    private static final int RECORDS = 50;
    private static final int VALUE_BYTES = 1000;

    private static int nodeId() throws Exception {
        return admin.describeCluster().nodes().get().iterator().next().id();
    }

    private static Map<TopicPartition, ReplicaInfo> replicas() throws Exception {
        int node = nodeId();
        Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(node)).allDescriptions().get().get(node);
        assertThat(dirs).hasSize(1);
        LogDirDescription d = dirs.values().iterator().next();
        assertThat(d.error()).isNull();
        assertThat(d.totalBytes().orElse(-1)).isPositive();
        assertThat(d.usableBytes().orElse(-1)).isPositive().isLessThanOrEqualTo(d.totalBytes().getAsLong());
        return d.replicaInfos();
    }

    @Test
    void adminAndKafkaLogDirsSeePartitionSizesGrow() throws Exception {
        String topic = Clients.uniqueTopic("dirs");
        Clients.createTopic(admin, topic, 2, Map.of());
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        Map<TopicPartition, ReplicaInfo> before = replicas();
        assertThat(before).containsKeys(p0, p1);
        assertThat(before.get(p0).size()).isZero();
        assertThat(before.get(p0).offsetLag()).isZero();
        assertThat(before.get(p0).isFuture()).isFalse();
        assertThat(toolSizes(topic)).containsExactlyInAnyOrderEntriesOf(Map.of(p0.toString(), 0L, p1.toString(), 0L));

        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
            for (int i = 0; i < RECORDS; i++) producer.send(new ProducerRecord<>(topic, 0, null, new byte[VALUE_BYTES]));
            producer.flush();
        }
        Map<TopicPartition, ReplicaInfo> after = replicas();
        assertThat(after.get(p0).size()).isGreaterThan((long) RECORDS * VALUE_BYTES);
        assertThat(after.get(p1).size()).isZero();
        assertThat(toolSizes(topic)).containsExactlyInAnyOrderEntriesOf(Map.of(p0.toString(), after.get(p0).size(), p1.toString(), 0L));
    }

    /** kafka-log-dirs --describe --topic-list TOPIC: partition name to size, from its JSON line. */
    private static Map<String, Long> toolSizes(String topic) throws Exception {
        Pattern partition = Pattern.compile("\\{\"partition\":\"(" + Pattern.quote(topic) + "-\\d+)\",\"size\":(\\d+),\"offsetLag\":0,\"isFuture\":false}");
        ChildJvm.Result r = ChildJvm.run(TOOL_TIMEOUT, line -> line.startsWith("{"), "org.apache.kafka.tools.LogDirsCommand",
                "--bootstrap-server", broker.bootstrapServers(), "--describe", "--topic-list", topic);
        assertThat(r.exitCode()).as("kafka-log-dirs: %s", r).isZero();
        assertThat(r.matchingStdoutLines()).as("one JSON line: %s", r).isEqualTo(1);
        String json = r.stdoutTail().stream().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
        assertThat(json).as("not cut short by ChildJvm's tail").doesNotEndWith("...").contains("\"error\":null");
        Map<String, Long> sizes = new java.util.HashMap<>();
        for (Matcher m = partition.matcher(json); m.find(); ) sizes.put(m.group(1), Long.parseLong(m.group(2)));
        return sizes;
    }
}
