package io.ledgerline.server;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.config.BrokerConfig;

import java.io.IOException;
import java.util.Map;

/**
 * One running Ledgerline: the broker with its storage, started from a {@link BrokerConfig}.
 * This is the embedding API tests and the CLI use; {@link #close()} is a clean shutdown
 * (everything flushed, clean-shutdown markers written, so the next start skips recovery).
 */
public final class LedgerlineServer implements AutoCloseable {
    private final Broker broker;

    private LedgerlineServer(Broker broker) {
        this.broker = broker;
    }

    public static LedgerlineServer start(BrokerConfig config) throws IOException {
        return new LedgerlineServer(Broker.start(config));
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

    public Broker broker() {
        return broker;
    }

    @Override
    public void close() {
        broker.close();
    }
}
