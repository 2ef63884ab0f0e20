package io.ledgerline.server;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.broker.config.StartupChecks;
import io.ledgerline.broker.config.StartupException;
import io.ledgerline.registry.Registry;
import io.ledgerline.registry.RegistryServer;
import io.ledgerline.registry.store.KafkaRecordLog;
import io.ledgerline.registry.store.StoreException;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;

/**
 * One running Ledgerline: the broker with its storage, started from a {@link BrokerConfig}, and (with
 * {@code registry.enabled}, the default) the schema registry at {@code registry.listen}, over the broker's own
 * listener. This is the embedding API tests and the CLI use; {@link #close()} is a clean shutdown (the registry
 * first, then the broker: everything flushed, clean-shutdown markers written, so the next start skips recovery).
 */
public final class LedgerlineServer implements AutoCloseable {
    /** How long a registry request waits for the _schemas topic (write and read back), as `ledgerline registry`. */
    private static final Duration REGISTRY_TIMEOUT = Duration.ofSeconds(30);

    private final Broker broker;
    private final Registry registry;
    private final RegistryServer registryServer;

    private LedgerlineServer(Broker broker, Registry registry, RegistryServer registryServer) {
        this.broker = broker;
        this.registry = registry;
        this.registryServer = registryServer;
    }

    public static LedgerlineServer start(BrokerConfig config) throws IOException {
        boolean withRegistry = config.bool(BrokerConfig.REGISTRY_ENABLED);
        if (withRegistry) StartupChecks.registryListener(config); // before anything is created
        Broker broker = Broker.start(config);
        if (!withRegistry) return new LedgerlineServer(broker, null, null);
        String bootstrap = broker.advertisedHost() + ":" + broker.advertisedPort();
        Registry registry;
        try {
            registry = Registry.start(new KafkaRecordLog(bootstrap, KafkaRecordLog.DEFAULT_TOPIC, REGISTRY_TIMEOUT));
        } catch (StoreException | RuntimeException e) {
            broker.close();
            throw new StartupException("the schema registry cannot read its topic " + KafkaRecordLog.DEFAULT_TOPIC
                    + " at " + bootstrap + ": " + e.getMessage() + ". Fix: check the broker's log above, or set "
                    + "--set registry.enabled=false to start without the registry", e);
        }
        BrokerConfig.HostPort listen = config.hostPort(BrokerConfig.REGISTRY_LISTEN);
        try {
            return new LedgerlineServer(broker, registry, RegistryServer.start(registry, listen.host(), listen.port()));
        } catch (Exception e) {
            // Bound by another process since StartupChecks.registryListener released it.
            registry.close();
            broker.close();
            throw new StartupException(e.getMessage() + ". Fix: set another port with --registry-listen HOST:PORT "
                    + "(setting registry.listen), or --set registry.enabled=false", e);
        }
    }

    /** Starts with defaults overlaid by {@code settings} (keys as in {@link BrokerConfig}). */
    public static LedgerlineServer start(Map<String, String> settings) throws IOException {
        return start(BrokerConfig.of(settings));
    }

    /** The bound Kafka listener port (useful with listen=127.0.0.1:0). */
    public int port() {
        return broker.port();
    }

    /** host:port for a client's bootstrap.servers: the advertised address. */
    public String bootstrapServers() {
        return broker.advertisedHost() + ":" + broker.advertisedPort();
    }

    /** The schema registry's bound HTTP port; empty with registry.enabled=false. */
    public OptionalInt registryPort() {
        return registryServer == null ? OptionalInt.empty() : OptionalInt.of(registryServer.port());
    }

    public Broker broker() {
        return broker;
    }

    @Override
    public void close() {
        try {
            if (registryServer != null) registryServer.close();
            if (registry != null) registry.close();
        } finally {
            broker.close();
        }
    }
}
