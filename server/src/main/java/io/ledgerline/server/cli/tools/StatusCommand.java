package io.ledgerline.server.cli.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerline.broker.admin.BrokerConfigs;
import io.ledgerline.server.cli.LedgerlineCli;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code ledgerline status}: is the broker at {@code --bootstrap} up, and what does it hold. Through kafka-clients'
 * Admin only (DescribeCluster, Metadata, DescribeLogDirs, DescribeConfigs), so it works against Apache Kafka too:
 * <pre>
 * reachable:   yes, 127.0.0.1:9092
 * cluster id:  5_RbM7OtTMSefORs6VAGbA
 * broker 0:    127.0.0.1:9092
 * topics:      2 (5 partitions)
 * data:        1.2 MiB (1262417 bytes)
 *   broker 0:   /var/lib/ledgerline/data: 1262417 bytes; disk 40.1 GiB free of 98.3 GiB
 * last start:  broker 0: recovered after an unclean stop: 5 partition(s) checked, ... in 41 ms
 * </pre>
 * "last start" is the broker's start-up recovery, from the read-only broker entries
 * {@code ledgerline.last.start.*} ({@link BrokerConfigs}); a broker without them (Apache Kafka) is "not reported by
 * this broker". Topics and partitions count the topics a client sees (no internal ones); data is every partition
 * the broker reports in DescribeLogDirs, internal ones included: what the data directory holds.
 *
 * <p>A broker that does not answer: one line naming the address and the cause (connection refused, no answer, or a
 * port that accepts connections without a Kafka broker behind it) and exit code 1. {@code --format json} prints the
 * same as one JSON object (also {@code {"reachable":false,...}} then) for scripts and health checks.
 */
@Command(name = "status",
        mixinStandardHelpOptions = true,
        versionProvider = LedgerlineCli.Version.class,
        description = {"Is the broker reachable; its cluster id, brokers, topics, partitions, data size and the last start's recovery.",
                "Exit code 0 when it answered, 1 when not."})
public final class StatusCommand extends ClientCommand {
    static final String NOT_REPORTED = "not reported by this broker";
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Format { text, json }

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text",
            description = "text: one fact a line; json: one JSON object. Default: ${DEFAULT-VALUE}.")
    Format format;

    /** One broker's part of the answer. */
    private record Broker(Node node, List<Dir> dirs, Map<String, String> lastStart) {}

    private record Dir(String path, long bytes, OptionalLong totalBytes, OptionalLong usableBytes, String error) {}

    @Override
    protected int run() throws Exception {
        Admin admin;
        try {
            admin = connect();
        } catch (ToolException e) {
            // A timeout is all kafka-clients says when it cannot connect; any other failure is already its own cause.
            boolean timedOut = e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException
                    || e.getCause() instanceof java.util.concurrent.TimeoutException;
            throw timedOut ? notReachable(e) : e;
        }
        try {
            DescribeClusterResult cluster = admin.describeCluster();
            String clusterId = await(cluster.clusterId(), "describe the cluster");
            List<Node> nodes = new ArrayList<>(await(cluster.nodes(), "describe the cluster"));
            nodes.sort(Comparator.comparingInt(Node::id));
            Set<String> names = await(admin.listTopics().names(), "list topics");
            Map<String, TopicDescription> topics = names.isEmpty() ? Map.of()
                    : await(admin.describeTopics(names).allTopicNames(), "describe topics");
            int partitions = 0;
            for (TopicDescription d : topics.values()) partitions += d.partitions().size();
            Map<Integer, Map<String, LogDirDescription>> dirs = await(
                    admin.describeLogDirs(nodes.stream().map(Node::id).toList()).allDescriptions(), "describe the log directories");
            List<ConfigResource> resources = nodes.stream().map(n -> new ConfigResource(ConfigResource.Type.BROKER, n.idString())).toList();
            Map<ConfigResource, Config> configs = await(admin.describeConfigs(resources).all(), "describe the broker configs");

            List<Broker> brokers = new ArrayList<>();
            for (Node n : nodes) {
                brokers.add(new Broker(n, dirs(dirs.getOrDefault(n.id(), Map.of())),
                        lastStart(configs.get(new ConfigResource(ConfigResource.Type.BROKER, n.idString())))));
            }
            if (format == Format.json) json(clusterId, brokers, topics.size(), partitions);
            else text(clusterId, brokers, topics.size(), partitions);
            return 0;
        } finally {
            close(admin);
        }
    }

    private static List<Dir> dirs(Map<String, LogDirDescription> byPath) {
        List<Dir> out = new ArrayList<>();
        for (Map.Entry<String, LogDirDescription> e : new java.util.TreeMap<>(byPath).entrySet()) {
            LogDirDescription d = e.getValue();
            long bytes = 0;
            for (ReplicaInfo r : d.replicaInfos().values()) bytes += r.size();
            out.add(new Dir(e.getKey(), bytes, d.totalBytes(), d.usableBytes(), d.error() == null ? null : d.error().getMessage()));
        }
        return out;
    }

    /** The {@code ledgerline.last.start.*} entries, or null when the broker has none (Apache Kafka). */
    private static Map<String, String> lastStart(Config config) {
        if (config == null) return null;
        ConfigEntry summary = config.get(BrokerConfigs.LAST_START_RECOVERY);
        if (summary == null) return null;
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (ConfigEntry e : config.entries()) {
            if (e.name().startsWith("ledgerline.last.start.")) m.put(e.name(), e.value());
        }
        return m;
    }

    private static long dataBytes(List<Broker> brokers) {
        long n = 0;
        for (Broker b : brokers) for (Dir d : b.dirs()) n += d.bytes();
        return n;
    }

    private void text(String clusterId, List<Broker> brokers, int topics, int partitions) {
        PrintWriter out = out();
        line(out, "reachable", "yes, " + bootstrap);
        line(out, "cluster id", clusterId);
        for (Broker b : brokers) line(out, "broker " + b.node().id(), b.node().host() + ":" + b.node().port());
        line(out, "topics", topics + " (" + partitions + (partitions == 1 ? " partition)" : " partitions)"));
        long bytes = dataBytes(brokers);
        line(out, "data", bytes < 1024 ? bytes + " bytes" : size(bytes) + " (" + bytes + " bytes)");
        for (Broker b : brokers) {
            for (Dir d : b.dirs()) {
                StringBuilder s = new StringBuilder(d.path()).append(": ");
                if (d.error() != null) s.append("error: ").append(d.error());
                else s.append(d.bytes()).append(" bytes");
                if (d.usableBytes().isPresent() && d.totalBytes().isPresent()) {
                    s.append("; disk ").append(size(d.usableBytes().getAsLong())).append(" free of ")
                            .append(size(d.totalBytes().getAsLong()));
                }
                out.printf("  %-11s %s%n", "broker " + b.node().id() + ":", s);
            }
        }
        for (Broker b : brokers) {
            String recovery = b.lastStart() == null ? NOT_REPORTED : b.lastStart().get(BrokerConfigs.LAST_START_RECOVERY);
            line(out, "last start", (brokers.size() > 1 ? "broker " + b.node().id() + ": " : "") + recovery);
        }
        out.flush();
    }

    private static void line(PrintWriter out, String label, String value) {
        out.printf("%-12s %s%n", label + ":", value);
    }

    private void json(String clusterId, List<Broker> brokers, int topics, int partitions) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("bootstrap", bootstrap);
        o.put("reachable", true);
        o.put("clusterId", clusterId);
        o.put("topics", topics);
        o.put("partitions", partitions);
        o.put("dataBytes", dataBytes(brokers));
        ArrayNode list = o.putArray("brokers");
        for (Broker b : brokers) {
            ObjectNode n = list.addObject();
            n.put("id", b.node().id());
            n.put("host", b.node().host());
            n.put("port", b.node().port());
            ArrayNode dirs = n.putArray("logDirs");
            for (Dir d : b.dirs()) {
                ObjectNode dir = dirs.addObject().put("path", d.path()).put("bytes", d.bytes());
                if (d.totalBytes().isPresent()) dir.put("totalBytes", d.totalBytes().getAsLong());
                if (d.usableBytes().isPresent()) dir.put("usableBytes", d.usableBytes().getAsLong());
                if (d.error() != null) dir.put("error", d.error());
            }
            if (b.lastStart() == null) {
                n.putNull("lastStart");
                n.put("lastStartNote", NOT_REPORTED);
            } else {
                Map<String, String> s = b.lastStart();
                ObjectNode r = n.putObject("lastStart");
                r.put("previousStop", s.get(BrokerConfigs.LAST_START_PREVIOUS_STOP));
                r.put("partitionsChecked", number(s.get(BrokerConfigs.LAST_START_PARTITIONS_CHECKED)));
                r.put("batchesRead", number(s.get(BrokerConfigs.LAST_START_BATCHES_READ)));
                r.put("bytesTruncated", number(s.get(BrokerConfigs.LAST_START_BYTES_TRUNCATED)));
                r.put("recoveryMs", number(s.get(BrokerConfigs.LAST_START_RECOVERY_MS)));
                r.put("summary", s.get(BrokerConfigs.LAST_START_RECOVERY));
            }
        }
        out().println(JSON.writeValueAsString(o));
        out().flush();
    }

    /** A number entry; -1 when the broker left it out (an older Ledgerline), never a parse error. */
    private static long number(String value) {
        try {
            return value == null ? -1 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The broker did not answer: the one line of {@link #unreachableMessage()}, and in JSON an object saying so. */
    private ToolException notReachable(ToolException e) throws IOException {
        String message = unreachableMessage();
        if (format == Format.json) {
            ObjectNode o = JSON.createObjectNode().put("bootstrap", bootstrap).put("reachable", false).put("error", message);
            out().println(JSON.writeValueAsString(o));
            out().flush();
        }
        return new ToolException(message, e);
    }

    /** Bytes in binary units with one decimal: 1.2 MiB. */
    static String size(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
