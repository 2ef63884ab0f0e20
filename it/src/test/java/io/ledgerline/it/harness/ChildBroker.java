package io.ledgerline.it.harness;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The selected target ({@link BrokerTarget#TARGET_PROPERTY}: Ledgerline or Apache Kafka) in a child JVM, for
 * tests that kill the broker with SIGKILL: {@link #kill9()} leaves whatever the broker had not made durable
 * (SIGKILL keeps the page cache: it shows what recovery makes of a process death, not of a power cut), and
 * {@link #restart()} starts it again on the same data directory and ports, so that clients reconnect.
 *
 * <p>The child ({@link #main}) prints "READY name" once it serves clients, and stops cleanly when its stdin
 * ends.
 */
public final class ChildBroker implements BrokerTarget {
    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> settings;
    private Process process;
    private String name = "child broker";

    private ChildBroker(Path dir, int port, int controllerPort, Map<String, String> settings) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.settings = Map.copyOf(settings);
    }

    public static ChildBroker start(Map<String, String> settings) throws Exception {
        Path dir = Files.createTempDirectory("it-child-broker-");
        ChildBroker broker = new ChildBroker(dir, Ports.free(), Ports.free(), settings);
        try {
            broker.launch();
        } catch (Exception | Error e) {
            TempDirs.delete(dir);
            throw e;
        }
        System.out.printf("[it] target %s in a child JVM at %s with %s%n", broker.name, broker.bootstrapServers(), settings);
        return broker;
    }

    private void launch() throws Exception {
        List<String> args = new ArrayList<>(List.of(dir.toString(), Integer.toString(port), Integer.toString(controllerPort)));
        settings.forEach((k, v) -> args.add(k + "=" + v));
        Process p = ChildJvm.start(List.of("-ea", "-Xmx512m", "-XX:+UseSerialGC",
                        "-D" + TARGET_PROPERTY + "=" + (BrokerTarget.isKafka() ? "kafka" : "ledgerline")),
                ChildBroker.class.getName(), args.toArray(String[]::new));
        CompletableFuture<String> ready = new CompletableFuture<>();
        ChildJvm.pump(p, "child broker", line -> {
            if (line.startsWith("READY ")) ready.complete(line.substring("READY ".length()));
        });
        p.onExit().thenRun(() -> ready.completeExceptionally(
                new IllegalStateException("the child broker exited with " + p.exitValue() + " before it served clients")));
        try {
            name = ready.get(Clients.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            p.destroyForcibly().waitFor();
            throw e;
        }
        process = p;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The data directory the child runs on (kept across {@link #kill9()} and {@link #restart()}). */
    public Path dataDir() {
        return dir;
    }

    /** SIGKILL: no shutdown hook runs, nothing more is written or flushed. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(Clients.PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the child broker survived SIGKILL for " + Clients.PATIENCE);
        }
    }

    /** Starts the broker again on the same data: after {@link #kill9()}, or after a clean stop if it is running. */
    @Override
    public void restart() throws Exception {
        if (process.isAlive()) stopCleanly();
        launch();
    }

    private void stopCleanly() throws Exception {
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.flush();
        }
        if (!process.waitFor(Clients.PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the child broker did not stop within " + Clients.PATIENCE + " of its clean stop");
        }
    }

    @Override
    public void close() {
        try {
            if (process != null && process.isAlive()) kill9(); // its data is deleted next: nothing to keep
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            TempDirs.delete(dir);
        }
    }

    /** Args: data dir, client port, controller port (Kafka), then key=value settings. */
    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new HashMap<>();
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        BrokerTarget broker = BrokerTarget.startOn(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]), settings);
        System.out.println("READY " + broker.name());
        System.out.flush();
        try {
            while (System.in.read() != -1) {
                // until the parent closes our stdin
            }
        } catch (IOException ignored) {
            // the parent is gone: stop as well
        }
        broker.close();
        System.exit(0); // a broker may leave non-daemon threads behind
    }
}
