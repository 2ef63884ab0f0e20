package io.ledgerline.it.harness;

import io.ledgerline.server.LedgerlineServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Ledgerline embedded in the test JVM through {@link LedgerlineServer}, on a fresh temporary data dir. */
final class LedgerlineTarget implements BrokerTarget {
    private final Map<String, String> settings;
    /** Deleted on {@link #close()}; null when the caller owns the data dir. */
    private final Path dataDir;
    private LedgerlineServer server;

    private LedgerlineTarget(Map<String, String> settings, Path dataDir, LedgerlineServer server) {
        this.settings = settings;
        this.dataDir = dataDir;
        this.server = server;
    }

    static LedgerlineTarget start(Map<String, String> settings) throws Exception {
        Path dataDir = Files.createTempDirectory("ledgerline-it-");
        try {
            return startOn(dataDir, 0, settings, true);
        } catch (Exception | Error e) {
            TempDirs.delete(dataDir);
            throw e;
        }
    }

    /** Starts on {@code dataDir} and {@code port} (0: any); {@code ownsDataDir}: {@link #close()} deletes it. */
    static LedgerlineTarget startOn(Path dataDir, int port, Map<String, String> settings, boolean ownsDataDir) throws Exception {
        Map<String, String> s = new HashMap<>(settings);
        s.put("data.dir", dataDir.toString());
        s.putIfAbsent("listen", "127.0.0.1:" + port);
        // As the Kafka target: no 3 s wait before the first rebalance of a new group (test speed, not semantics).
        s.putIfAbsent("group.initial.rebalance.delay.ms", "0");
        // The Kafka target has no registry: without one here too both answer the same (no _schemas topic). The
        // registry in the broker's process is tested in the server module (RegistryInServerTest).
        s.putIfAbsent("registry.enabled", "false");
        return new LedgerlineTarget(s, ownsDataDir ? dataDir : null, LedgerlineServer.start(s));
    }

    @Override
    public String name() {
        return "Ledgerline";
    }

    @Override
    public String bootstrapServers() {
        return server.bootstrapServers();
    }

    @Override
    public java.util.Optional<io.ledgerline.broker.fetch.FetchSessionCache> fetchSessions() {
        return java.util.Optional.of(server.broker().fetchSessions());
    }

    @Override
    public void restart() throws Exception {
        int port = server.port();
        server.close();
        server = null;
        settings.put("listen", "127.0.0.1:" + port);
        server = LedgerlineServer.start(settings);
    }

    @Override
    public void close() {
        try {
            if (server != null) server.close();
        } finally {
            server = null;
            if (dataDir != null) TempDirs.delete(dataDir);
        }
    }
}
