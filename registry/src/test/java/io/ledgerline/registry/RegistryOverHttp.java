package io.ledgerline.registry;

import io.ledgerline.registry.store.InMemoryRecordLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The set-up of the REST tests: a registry over an in-memory record log behind its HTTP listener on an
 * ephemeral port, and a client for it; one per test method (JUnit's default lifecycle, so not shared between
 * threads).
 */
abstract class RegistryOverHttp {
    InMemoryRecordLog log;
    Registry registry;
    RegistryServer server;
    RestClient rest;

    @BeforeEach
    void start() throws Exception {
        log = new InMemoryRecordLog();
        registry = Registry.start(log);
        server = RegistryServer.start(registry, "127.0.0.1", 0);
        rest = new RestClient("http://127.0.0.1:" + server.port());
    }

    @AfterEach
    void stop() {
        server.close();
        registry.close();
    }
}
