package io.ledgerline.server.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Starts {@link ChildBroker} in a child JVM with the test classpath, and kills it with SIGKILL. */
final class ChildBrokerProcess implements AutoCloseable {
    private final Process process;
    final int port;

    private ChildBrokerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static ChildBrokerProcess start(Path dataDir, int port, String... settings) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-ea", "-Xmx512m", "-cp", System.getProperty("java.class.path"), ChildBroker.class.getName(),
                dataDir.toString(), Integer.toString(port)));
        cmd.addAll(List.of(settings));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("READY ")) ready.complete(null);
                    if (line.contains("ERROR") || line.contains("WARN") || line.startsWith("READY")) System.out.println("[child] " + line);
                }
            } catch (IOException ignored) {
                // the child died: its output ends here
            }
            ready.completeExceptionally(new IllegalStateException("child broker exited before it was ready"));
        }, "child-broker-output");
        pump.setDaemon(true);
        pump.start();
        ready.get(60, TimeUnit.SECONDS);
        return new ChildBrokerProcess(p, port);
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed, the page cache survives. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the clean shutdown path. */
    int terminate() throws InterruptedException {
        process.destroy();
        process.waitFor(30, TimeUnit.SECONDS);
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill9();
    }
}
