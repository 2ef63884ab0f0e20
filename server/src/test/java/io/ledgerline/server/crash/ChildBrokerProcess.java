package io.ledgerline.server.crash;

import io.ledgerline.server.testkit.ChildJvm;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** {@link ChildBroker} in a child JVM ({@link ChildJvm}) on a port the test keeps across restarts; killed with SIGKILL. */
final class ChildBrokerProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("^READY ");
    private final ChildJvm child;
    final int port;

    private ChildBrokerProcess(ChildJvm child, int port) {
        this.child = child;
        this.port = port;
    }

    /** A port free now, for a broker that must come back on the same port after a kill (its clients reconnect). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static ChildBrokerProcess start(Path dataDir, int port, String... settings) throws Exception {
        List<String> args = new ArrayList<>(List.of(dataDir.toString(), Integer.toString(port)));
        args.addAll(List.of(settings));
        ChildJvm child = ChildJvm.start("child", ChildJvm.java(List.of(), List.of("-Xmx512m"), ChildBroker.class.getName(), args),
                READY, Duration.ofSeconds(60));
        return new ChildBrokerProcess(child, port);
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed, the page cache survives. */
    void kill9() throws InterruptedException {
        child.kill9();
    }

    /** SIGTERM: the clean shutdown path. */
    int terminate() throws Exception {
        return child.terminate();
    }

    @Override
    public void close() throws InterruptedException {
        child.close();
    }
}
