package io.ledgerline.bench.compare;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One broker in its own JVM, started fresh on 127.0.0.1 with an empty data directory, and what the harness reads
 * of it from /proc: CPU time (utime + stime of the JVM process, all threads) and resident memory (VmRSS).
 *
 * <p>Both systems get the same JVM flags: Kafka's shipped defaults ({@code KAFKA_HEAP_OPTS} and
 * {@code KAFKA_JVM_PERFORMANCE_OPTS} of kafka-server-start.sh), so Kafka runs as users run it and Ledgerline
 * gets the same heap. Every started process is registered for the harness's shutdown hook, and each child also
 * exits by itself when the harness's pipe to it closes ({@link ChildMain}).
 */
final class BrokerProcess implements AutoCloseable {
    static final List<String> JVM_FLAGS = List.of("-Xms1g", "-Xmx1g", "-server", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
            "-Djava.awt.headless=true");

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final long CLK_TCK = 100; // USER_HZ: fixed at 100 on Linux x86-64/arm64 (getconf CLK_TCK)

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : LIVE) p.destroyForcibly();
        }, "bench-kill-brokers"));
    }

    final Target target;
    final Path dataDir;
    final int port;
    final long spawnedNanos;
    private final Process process;

    private BrokerProcess(Target target, Path dataDir, int port, long spawnedNanos, Process process) {
        this.target = target;
        this.dataDir = dataDir;
        this.port = port;
        this.spawnedNanos = spawnedNanos;
        this.process = process;
    }

    /**
     * Prepares (Kafka: writes server.properties and formats the KRaft storage, untimed, as an install step
     * would) and spawns the broker. {@link #spawnedNanos} is taken just before the JVM is forked: start-up
     * time is measured from there to the first acknowledged produce.
     */
    static BrokerProcess start(Target target, Path sessionDir, Classpaths cp, List<String> extraJvmFlags) throws IOException {
        return start(target, sessionDir, cp, extraJvmFlags, Map.of());
    }

    /**
     * As {@link #start(Target, Path, Classpaths, List)}, with broker settings on top of each system's defaults
     * (Kafka's broker config names, which Ledgerline shares): {@code --set KEY=VALUE} for Ledgerline, lines of
     * server.properties for Kafka.
     */
    static BrokerProcess start(Target target, Path sessionDir, Classpaths cp, List<String> extraJvmFlags,
                               Map<String, String> settings) throws IOException {
        Path dataDir = sessionDir.resolve("data");
        Files.createDirectories(dataDir);
        int port = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(extraJvmFlags);
        cmd.add("-cp");
        if (!target.isKafka()) {
            cmd.add(target == Target.BASELINE ? cp.baseline() : cp.ledgerline());
            cmd.add(ChildMain.class.getName());
            cmd.add("io.ledgerline.server.cli.LedgerlineCli");
            cmd.add("start");
            cmd.add("--data-dir");
            cmd.add(dataDir.toString());
            cmd.add("--listen");
            cmd.add("127.0.0.1:" + port);
            cmd.add("--set"); // the broker alone, as the Kafka it is compared with
            cmd.add("registry.enabled=false");
            settings.forEach((k, v) -> {
                cmd.add("--set");
                cmd.add(k + "=" + v);
            });
        } else {
            int controllerPort = freePort();
            Path props = sessionDir.resolve("server.properties");
            StringBuilder text = new StringBuilder(kafkaProperties(dataDir, port, controllerPort, target == Target.KAFKA_FSYNC));
            settings.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            Files.writeString(props, text.toString());
            formatKafkaStorage(props);
            cmd.add(cp.kafka());
            cmd.add(ChildMain.class.getName());
            cmd.add("kafka.Kafka");
            cmd.add(props.toString());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(sessionDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(sessionDir.resolve("broker.out").toFile());
        // stdin stays a pipe from us: ChildMain exits the broker when it closes
        long t0 = System.nanoTime();
        Process p = pb.start();
        LIVE.add(p);
        return new BrokerProcess(target, dataDir, port, t0, p);
    }

    static String kafkaProperties(Path dataDir, int port, int controllerPort, boolean fsyncEveryMessage) {
        StringBuilder s = new StringBuilder();
        s.append("# single-node KRaft broker+controller, as in Kafka's config/server.properties\n");
        s.append("process.roles=broker,controller\n");
        s.append("node.id=1\n");
        s.append("controller.quorum.voters=1@127.0.0.1:").append(controllerPort).append('\n');
        s.append("listeners=PLAINTEXT://127.0.0.1:").append(port).append(",CONTROLLER://127.0.0.1:").append(controllerPort).append('\n');
        s.append("advertised.listeners=PLAINTEXT://127.0.0.1:").append(port).append('\n');
        s.append("controller.listener.names=CONTROLLER\n");
        s.append("inter.broker.listener.name=PLAINTEXT\n");
        s.append("listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT\n");
        s.append("log.dirs=").append(dataDir).append('\n');
        s.append("num.partitions=1\n");
        s.append("offsets.topic.replication.factor=1\n");
        s.append("transaction.state.log.replication.factor=1\n");
        s.append("transaction.state.log.min.isr=1\n");
        s.append("share.coordinator.state.topic.replication.factor=1\n");
        s.append("share.coordinator.state.topic.min.isr=1\n");
        s.append("group.initial.rebalance.delay.ms=0\n");
        s.append("auto.create.topics.enable=true\n");
        if (fsyncEveryMessage) s.append("log.flush.interval.messages=1\n");
        return s.toString();
    }

    /** kafka-storage.sh format, in this JVM (it only writes meta.properties and the bootstrap checkpoint). */
    private static void formatKafkaStorage(Path props) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        int rc;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = kafka.tools.StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", props.toString()}, ps);
        }
        if (rc != 0) throw new IllegalStateException("kafka-storage format failed (" + rc + "): " + out);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** utime + stime of the broker JVM in seconds (/proc/PID/stat fields 14 and 15). */
    double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            // the command name (field 2) may hold spaces: fields are counted after its closing parenthesis
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(f[11]);
            long stime = Long.parseLong(f[12]);
            return (utime + stime) / (double) CLK_TCK;
        } catch (IOException e) {
            throw new UncheckedIOException("broker " + target + " gone? " + e.getMessage(), e);
        }
    }

    /** VmRSS in bytes (/proc/PID/status). */
    long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
                }
            }
            throw new IllegalStateException("no VmRSS in /proc/" + process.pid() + "/status");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes allocated on disk under the data directory (du -s -B1: blocks, so sparse preallocation is not counted). */
    long diskBytes() {
        try {
            Process du = new ProcessBuilder("du", "-s", "-B1", dataDir.toString()).redirectErrorStream(true).start();
            String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (du.waitFor() != 0) throw new IOException("du failed: " + out);
            return Long.parseLong(out.split("\\s+")[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** The tail of the broker's output, for error messages. */
    String outputTail() {
        try {
            List<String> lines = Files.readAllLines(dataDir.getParent().resolve("broker.out"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM (clean shutdown: JFR recordings are dumped), then SIGKILL after a grace period. */
    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(process);
        }
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
