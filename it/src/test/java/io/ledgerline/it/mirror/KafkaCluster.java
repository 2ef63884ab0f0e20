package io.ledgerline.it.mirror;

import io.ledgerline.it.harness.ChildJvm;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.Ports;
import io.ledgerline.it.harness.TempDirs;
import io.ledgerline.it.harness.kafka.KafkaTarget;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A 3-broker Apache Kafka cluster (the kafka_2.13 of the test classpath), the target of a migration: three
 * KRaft nodes in combined mode (each broker and controller, a 3-voter quorum), every internal topic with 3
 * replicas, as a production cluster has them. The three nodes share one child JVM: one JVM's start-up
 * (class loading, JIT) instead of three on a 2-core machine, and no Kafka thread or static registry in the
 * test JVM, which hosts Ledgerline. The child ({@link #main}) prints "READY bootstrap" once all three brokers
 * serve clients, and stops cleanly when its stdin ends; {@link #close()} kills it (its data is deleted).
 */
public final class KafkaCluster implements AutoCloseable {
    static final int NODES = 3;

    private final Path dir;
    private final Process process;
    private final String bootstrapServers;

    private KafkaCluster(Path dir, Process process, String bootstrapServers) {
        this.dir = dir;
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    public static KafkaCluster start() throws Exception {
        Path dir = Files.createTempDirectory("it-kafka-cluster-");
        List<String> args = new ArrayList<>();
        args.add(dir.toString());
        for (int i = 0; i < 2 * NODES; i++) args.add(Integer.toString(Ports.free()));
        Process p = null;
        try {
            // Three brokers with their replica fetchers and the log cleaner: more than a small tool's heap.
            p = ChildJvm.start(List.of("-Xmx1g", "-XX:+UseSerialGC"), KafkaCluster.class.getName(), args.toArray(String[]::new));
            Process child = p;
            CompletableFuture<String> ready = new CompletableFuture<>();
            ChildJvm.pump(child, "kafka cluster", line -> {
                if (line.startsWith("READY ")) ready.complete(line.substring("READY ".length()));
            });
            child.onExit().thenRun(() -> ready.completeExceptionally(
                    new IllegalStateException("the Kafka cluster exited with " + child.exitValue() + " before it served clients")));
            String bootstrap = ready.get(2 * Clients.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            System.out.printf("[it] Apache Kafka cluster, %d brokers (KRaft, combined mode) at %s%n", NODES, bootstrap);
            return new KafkaCluster(dir, child, bootstrap);
        } catch (Exception | Error e) {
            if (p != null) p.destroyForcibly().waitFor();
            TempDirs.delete(dir);
            throw e;
        }
    }

    /** Every broker's address, as a client's bootstrap.servers. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Clients.PATIENCE.toMillis()));
    }

    @Override
    public void close() throws Exception {
        try {
            process.destroyForcibly(); // its data is deleted next: nothing to keep, no clean stop to wait for
            process.waitFor(Clients.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            TempDirs.delete(dir);
        }
    }

    static void closeQuietly(KafkaCluster cluster) {
        try {
            cluster.close();
        } catch (Exception e) {
            System.out.println("[it] closing the Kafka cluster: " + e);
        }
    }

    /** Args: base dir, then the client port of node 1..3, then the controller port of node 1..3. */
    public static void main(String[] args) throws Exception {
        Path base = Path.of(args[0]);
        int[] clientPorts = IntStream.range(0, NODES).map(i -> Integer.parseInt(args[1 + i])).toArray();
        int[] controllerPorts = IntStream.range(0, NODES).map(i -> Integer.parseInt(args[1 + NODES + i])).toArray();
        String voters = IntStream.range(0, NODES)
                .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts[i]).collect(Collectors.joining(","));
        String bootstrap = IntStream.range(0, NODES)
                .mapToObj(i -> "127.0.0.1:" + clientPorts[i]).collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();

        List<KafkaRaftServer> servers = new ArrayList<>();
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            Path logDir = Files.createDirectories(base.resolve("node-" + (i + 1)));
            KafkaConfig config = new KafkaConfig(nodeProps(i + 1, clientPorts[i], controllerPorts[i], voters, logDir));
            KafkaTarget.format(config, logDir, clusterId);
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            servers.add(server);
            // startup() returns once the broker is registered with the controller quorum, which needs a majority
            // of the voters: the nodes start side by side.
            started.add(CompletableFuture.runAsync(server::startup));
        }
        CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000))) {
            while (admin.describeCluster().nodes().get(60, TimeUnit.SECONDS).size() < NODES) {
                TimeUnit.MILLISECONDS.sleep(100); // a child process's start-up, not a test's wait
            }
        }
        System.out.println("READY " + bootstrap);
        System.out.flush();
        try {
            while (System.in.read() != -1) {
                // until the parent closes our stdin
            }
        } catch (IOException ignored) {
            // the parent is gone: stop as well
        }
        servers.forEach(KafkaRaftServer::shutdown);
        servers.forEach(KafkaRaftServer::awaitShutdown);
        System.exit(0);
    }

    private static Map<String, Object> nodeProps(int nodeId, int clientPort, int controllerPort, String voters, Path logDir) {
        Map<String, Object> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(nodeId));
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("controller.quorum.voters", voters);
        props.put("log.dirs", logDir.toString());
        // Replication as in production (Kafka's defaults: 3 replicas for every internal topic, and for the
        // topics MirrorMaker creates, which it asks for explicitly); fewer partitions than the defaults' 50,
        // which a 2-core machine would spend a minute creating and electing.
        props.put("default.replication.factor", "3");
        props.put("offsets.topic.replication.factor", "3");
        props.put("offsets.topic.num.partitions", "3");
        props.put("transaction.state.log.replication.factor", "3");
        props.put("transaction.state.log.min.isr", "2");
        props.put("transaction.state.log.num.partitions", "3");
        // Test speed, not semantics (as KafkaTarget): no wait before the first rebalance or retention check,
        // fewer threads, and a small dedupe buffer for the log cleaner (128 MiB each by default).
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.initial.task.delay.ms", "0");
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        return props;
    }
}
