package io.ledgerline.registry;

import io.ledgerline.registry.http.RegistryHttp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The registry's HTTP listener ({@code registry.listen}, by default {@value #DEFAULT_LISTEN}, the port every
 * Schema Registry client expects). Port 0 binds a free port ({@link #port()} tells which): tests always do.
 */
public final class RegistryServer implements AutoCloseable {
    public static final String DEFAULT_LISTEN = "127.0.0.1:8081";

    private final Vertx vertx;
    private final HttpServer server;

    private RegistryServer(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    /** Listens on {@code host:port} and serves {@code registry}; fails if the address cannot be bound. */
    public static RegistryServer start(Registry registry, String host, int port) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
                    .requestHandler(RegistryHttp.router(vertx, registry))
                    .listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new RegistryServer(vertx, server);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            vertx.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("the registry cannot listen on " + host + ":" + port + ": " + cause, cause);
        }
    }

    /** Parses {@code host:port} (as {@code registry.listen} is written). */
    public static RegistryServer start(Registry registry, String listen) throws Exception {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("registry.listen must be host:port, not " + listen);
        }
        return start(registry, listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing on shutdown: nothing left to do with a failure
        }
    }
}
