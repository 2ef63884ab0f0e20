package io.ledgerline.it.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.Ports;
import io.ledgerline.it.harness.SharedBrokerTest;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ledgerline status} against the shared broker (Ledgerline, or Apache Kafka with -Pkafka): every figure it
 * prints is checked against what the official Admin client reads from the same broker; the last start's recovery
 * is Ledgerline's own ("not reported by this broker" on Kafka). An unreachable address is one line naming it and the
 * cause, exit code 1.
 */
class StatusTest extends SharedBrokerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The top-level {@code label: value} lines of the text output. */
    static Map<String, String> fields(Cli.Result r) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : r.lines()) {
            if (line.startsWith(" ")) continue;
            int colon = line.indexOf(": ");
            assertThat(colon).as("a 'label: value' line: %s", line).isPositive();
            m.put(line.substring(0, colon), line.substring(colon + 1).strip());
        }
        return m;
    }

    /** The data size as Admin.describeLogDirs reports it, summed over every broker and log dir. */
    static long dataBytes(org.apache.kafka.clients.admin.Admin admin) throws Exception {
        Collection<Node> nodes = admin.describeCluster().nodes().get();
        long n = 0;
        for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(nodes.stream().map(Node::id).toList()).allDescriptions().get().values()) {
            for (LogDirDescription d : dirs.values()) for (ReplicaInfo r : d.replicaInfos().values()) n += r.size();
        }
        return n;
    }

    /** Runs status until the broker's data size was the same just before and just after it (nothing else writes). */
    private static Cli.Result steadyStatus(long[] bytes, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("status"));
        args.addAll(List.of(extra));
        for (int attempt = 0; ; attempt++) {
            long before = dataBytes(admin);
            Cli.Result r = Cli.against(broker.bootstrapServers(), "", args.toArray(String[]::new));
            long after = dataBytes(admin);
            if (before == after || attempt == 5) {
                assertThat(after).as("data size steady around the status run").isEqualTo(before);
                bytes[0] = after;
                return r;
            }
        }
    }

    @Test
    void statusShowsTheClusterTopicsPartitionsDataAndLastStart() throws Exception {
        String topic = Clients.uniqueTopic("status");
        Clients.createTopic(admin, topic, 3, Map.of());
        try (KafkaProducer<byte[], byte[]> p = Clients.producer(broker)) {
            for (int i = 0; i < 5; i++) p.send(new ProducerRecord<>(topic, 1, null, new byte[100])).get();
        }
        String clusterId = admin.describeCluster().clusterId().get();
        List<Node> nodes = new ArrayList<>(admin.describeCluster().nodes().get());
        Set<String> names = admin.listTopics().names().get();
        int partitions = 0;
        for (TopicDescription d : admin.describeTopics(names).allTopicNames().get().values()) partitions += d.partitions().size();
        assertThat(nodes).hasSize(1);
        Node node = nodes.get(0);
        ConfigResource brokerResource = new ConfigResource(ConfigResource.Type.BROKER, node.idString());
        Config config = admin.describeConfigs(List.of(brokerResource)).all().get().get(brokerResource);
        ConfigEntry recovery = config.get("ledgerline.last.start.recovery");
        if (BrokerTarget.isKafka()) {
            assertThat(recovery).isNull();
        } else {
            assertThat(recovery.value()).isIn("new data directory: nothing to recover", "previous stop was clean: no recovery needed");
        }

        long[] bytes = new long[1];
        Cli.Result text = steadyStatus(bytes);
        System.out.println("[cli] ledgerline status ->\n" + text);
        assertThat(text.exitCode()).as("%s", text).isZero();
        assertThat(text.err()).isEmpty();
        assertThat(bytes[0]).as("the topic's 5 records are on disk").isGreaterThan(500);
        Map<String, String> f = fields(text);
        assertThat(f).containsEntry("reachable", "yes, " + broker.bootstrapServers())
                .containsEntry("cluster id", clusterId)
                .containsEntry("broker " + node.id(), node.host() + ":" + node.port())
                .containsEntry("topics", names.size() + " (" + partitions + " partitions)")
                .containsEntry("last start", BrokerTarget.isKafka() ? "not reported by this broker" : recovery.value());
        assertThat(f.get("data")).matches("(\\d+\\.\\d (KiB|MiB|GiB) \\()?" + bytes[0] + " bytes\\)?");
        assertThat(text.lines()).anySatisfy(l -> assertThat(l).matches("  broker " + node.id() + ": +/.+: " + bytes[0] + " bytes; disk .+ free of .+"));

        Cli.Result json = steadyStatus(bytes, "--format", "json");
        assertThat(json.exitCode()).as("%s", json).isZero();
        assertThat(json.lines()).hasSize(1);
        JsonNode o = JSON.readTree(json.out());
        assertThat(o.get("bootstrap").asText()).isEqualTo(broker.bootstrapServers());
        assertThat(o.get("reachable").asBoolean()).isTrue();
        assertThat(o.get("clusterId").asText()).isEqualTo(clusterId);
        assertThat(o.get("topics").asInt()).isEqualTo(names.size());
        assertThat(o.get("partitions").asInt()).isEqualTo(partitions);
        assertThat(o.get("dataBytes").asLong()).isEqualTo(bytes[0]);
        JsonNode b = o.get("brokers").get(0);
        assertThat(b.get("id").asInt()).isEqualTo(node.id());
        assertThat(b.get("host").asText()).isEqualTo(node.host());
        assertThat(b.get("port").asInt()).isEqualTo(node.port());
        JsonNode dir = b.get("logDirs").get(0);
        assertThat(dir.get("bytes").asLong()).isEqualTo(bytes[0]);
        assertThat(dir.get("usableBytes").asLong()).isPositive().isLessThanOrEqualTo(dir.get("totalBytes").asLong());
        if (BrokerTarget.isKafka()) {
            assertThat(b.get("lastStart").isNull()).isTrue();
            assertThat(b.get("lastStartNote").asText()).isEqualTo("not reported by this broker");
        } else {
            JsonNode s = b.get("lastStart");
            assertThat(s.get("summary").asText()).isEqualTo(recovery.value());
            assertThat(s.get("previousStop").asText()).isIn("new-directory", "clean");
            assertThat(s.get("partitionsChecked").asLong()).isZero();
            assertThat(s.get("bytesTruncated").asLong()).isZero();
            assertThat(s.get("recoveryMs").asLong()).isNotNegative();
        }
    }

    @Test
    void nothingListeningIsOneLineNamingTheAddressAndTheCause() throws Exception {
        int closed = Ports.free();
        String address = "127.0.0.1:" + closed;
        Cli.Result r = Cli.run("", "status", "--bootstrap", address, "--connect-timeout", "2s");
        assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("ledgerline: cannot reach " + address + ": connection refused (nothing listens on port "
                + closed + ") (is `ledgerline start` running? --bootstrap HOST:PORT to use another broker)\n");

        Cli.Result json = Cli.run("", "status", "--bootstrap", address, "--connect-timeout", "2s", "--format", "json");
        assertThat(json.exitCode()).isEqualTo(1);
        JsonNode o = JSON.readTree(json.out());
        assertThat(o.get("reachable").asBoolean()).isFalse();
        assertThat(o.get("bootstrap").asText()).isEqualTo(address);
        assertThat(o.get("error").asText()).startsWith("cannot reach " + address + ": connection refused");
        assertThat(json.err()).isEqualTo("ledgerline: " + o.get("error").asText() + "\n");
    }

    @Test
    void aPortWithoutAKafkaBrokerBehindItIsSaidSo() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            // Accepts connections (the OS backlog does) and never answers a request.
            String address = "127.0.0.1:" + silent.getLocalPort();
            Cli.Result r = Cli.run("", "status", "--bootstrap", address, "--connect-timeout", "2s");
            assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
            assertThat(r.err()).isEqualTo("ledgerline: cannot reach " + address + ": the port accepts connections, but no Kafka "
                    + "broker answered within 2s (is `ledgerline start` running? --bootstrap HOST:PORT to use another broker)\n");
        }
    }
}
