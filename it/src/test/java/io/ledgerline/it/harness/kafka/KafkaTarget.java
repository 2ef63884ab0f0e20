package io.ledgerline.it.harness.kafka;

import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.Ports;
import io.ledgerline.it.harness.TempDirs;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Apache Kafka (the kafka_2.13 jar of the version on the classpath) embedded in the test JVM: one node in
 * KRaft combined mode (broker and controller), on a freshly formatted temporary log dir. Compiled only
 * with the Maven profile {@code kafka}.
 *
 * <p>Settings use Ledgerline's keys, which are Kafka's broker config names; keys that exist only in
 * Ledgerline are dropped, and the few Kafka needs for a single node are fixed here.
 */
public final class KafkaTarget implements BrokerTarget {

    /** Ledgerline settings with no Kafka broker counterpart (Kafka does not fsync per request, etc.). */
    private static final Set<String> LEDGERLINE_ONLY = Set.of(
            "data.dir", "listen", "advertised.listener", "flush.mode", "flush.interval.ms", "flush.threads",
            "fetch.max.wait.ms.max", "min.incremental.fetch.session.eviction.ms");
    /** Ledgerline settings whose Kafka broker name differs. */
    private static final Map<String, String> KAFKA_NAMES = Map.of("file.delete.delay.ms", "log.segment.delete.delay.ms");

    private final Map<String, Object> props;
    /** Deleted on {@link #close()}; null when the caller owns the log dir. */
    private final Path logDir;
    private final int brokerPort;
    private KafkaRaftServer server;

    private KafkaTarget(Map<String, Object> props, Path logDir, int brokerPort) {
        this.props = props;
        this.logDir = logDir;
        this.brokerPort = brokerPort;
    }

    public static BrokerTarget start(Map<String, String> settings) throws Exception {
        Path logDir = Files.createTempDirectory("kafka-it-");
        try {
            // Both ports are fixed before the start: the controller's goes into the static voter set, the
            // broker's must stay the same across restart() so that existing clients reconnect.
            return startOn(logDir, Ports.free(), Ports.free(), settings, true);
        } catch (Exception | Error e) {
            TempDirs.delete(logDir);
            throw e;
        }
    }

    /**
     * Starts on {@code logDir}, formatting it first if it is empty (a restart after a crash finds it formatted);
     * {@code ownsLogDir}: {@link #close()} deletes it.
     */
    public static BrokerTarget startOn(Path logDir, int brokerPort, int controllerPort, Map<String, String> settings,
                                       boolean ownsLogDir) throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        // listen and advertised.listener map to the PLAINTEXT listener's host (its port stays brokerPort) and to
        // advertised.listeners; without either, Kafka's default advertised address is the listener's, as Ledgerline's.
        String listen = settings.get("listen");
        String listenHost = listen == null ? "127.0.0.1" : listen.substring(0, listen.lastIndexOf(':'));
        props.put("listeners", "PLAINTEXT://" + listenHost + ":" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        String advertised = settings.get("advertised.listener");
        if (advertised != null && !advertised.isEmpty()) props.put("advertised.listeners", "PLAINTEXT://" + advertised);
        else if (listen == null) props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("log.dirs", logDir.toString());
        // A single node: every internal topic has one replica.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // Test speed, not semantics: no 3 s wait before the first rebalance, no 30 s wait before the
        // first retention check (Ledgerline has neither delay).
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.initial.task.delay.ms", "0");
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        for (Map.Entry<String, String> e : settings.entrySet()) {
            if (LEDGERLINE_ONLY.contains(e.getKey())) continue;
            props.put(KAFKA_NAMES.getOrDefault(e.getKey(), e.getKey()), e.getValue());
        }
        if (!Files.exists(logDir.resolve("meta.properties"))) format(new KafkaConfig(props), logDir, Uuid.randomUuid().toString());
        KafkaTarget target = new KafkaTarget(props, ownsLogDir ? logDir : null, brokerPort);
        target.startServer();
        return target;
    }

    /** Formats {@code logDir} for the node of {@code config}, as kafka-storage format does; every node of one cluster gets the same {@code clusterId}. */
    public static void format(KafkaConfig config, Path logDir, String clusterId) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Formatter()
                .setPrintStream(new PrintStream(out, true, StandardCharsets.UTF_8))
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setClusterId(clusterId)
                .setNodeId(config.nodeId())
                .setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(logDir.toString())
                .setDirectories(List.of(logDir.toString()))
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .run();
    }

    private void startServer() throws Exception {
        server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
        server.startup();
        awaitBrokerServing();
    }

    /** startup() returns once the broker is registered; wait until it also answers clients. */
    private void awaitBrokerServing() throws Exception {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000))) {
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
        }
    }

    @Override
    public String name() {
        return "Apache Kafka " + AppInfoParser.getVersion() + " (KRaft, combined mode)";
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    @Override
    public void restart() throws Exception {
        stopServer();
        startServer();
    }

    private void stopServer() {
        if (server == null) return;
        server.shutdown();
        server.awaitShutdown();
        server = null;
    }

    @Override
    public void close() {
        try {
            stopServer();
        } finally {
            if (logDir != null) TempDirs.delete(logDir);
        }
    }
}
