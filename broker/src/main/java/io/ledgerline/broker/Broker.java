package io.ledgerline.broker;

import io.ledgerline.broker.config.BrokerConfig;

import java.io.IOException;

/** Placeholder replaced by the real wiring in the next commit. */
public final class Broker implements AutoCloseable {
    public static Broker start(BrokerConfig config) throws IOException {
        throw new IOException("broker not built yet");
    }

    public int port() {
        return -1;
    }

    public String advertisedHost() {
        return "127.0.0.1";
    }

    @Override
    public void close() {}
}
