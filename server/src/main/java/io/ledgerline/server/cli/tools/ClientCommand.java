package io.ledgerline.server.cli.tools;

import io.ledgerline.server.cli.LedgerlineCli;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Base of the commands that talk to a broker as a client ({@code topics}, {@code produce}, {@code consume}):
 * the shared options, the kafka-clients configuration, and the translation of client failures into one line a
 * newcomer can act on. They use only kafka-clients' Admin, producer and consumer, so they work against any
 * Kafka-protocol broker, Apache Kafka included.
 *
 * <p>Every command first asks the cluster for its id ({@link #connect()}): a broker that does not answer
 * within {@code --connect-timeout} is reported as such, rather than as whatever operation timed out later.
 * kafka-clients' own log lines (a refused connection is logged again and again) are switched off while a
 * command runs, since stdout carries the command's output.
 */
public abstract class ClientCommand implements Callable<Integer> {
    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    @Spec
    protected CommandSpec spec;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = DEFAULT_BOOTSTRAP,
            description = "Broker to connect to (any Kafka-protocol broker). Default: ${DEFAULT-VALUE}.")
    protected String bootstrap;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long to wait for the broker to answer (connecting, and each request). Default: ${DEFAULT-VALUE}.")
    protected Duration connectTimeout;

    @Override
    public final Integer call() throws Exception {
        ch.qos.logback.classic.Logger clientLogs = logbackLogger("org.apache.kafka");
        ch.qos.logback.classic.Level previous = clientLogs == null ? null : clientLogs.getLevel();
        if (clientLogs != null) clientLogs.setLevel(ch.qos.logback.classic.Level.OFF);
        try {
            return run();
        } finally {
            if (clientLogs != null) clientLogs.setLevel(previous);
        }
    }

    /** The command's work; its return value is the exit code. */
    protected abstract int run() throws Exception;

    private static ch.qos.logback.classic.Logger logbackLogger(String name) {
        return LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l ? l : null;
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Settings every client of a command starts from. */
    protected Map<String, Object> clientConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(CommonClientConfigs.CLIENT_ID_CONFIG, "ledgerline-cli");
        c.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) millis());
        c.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) millis());
        return c;
    }

    protected long millis() {
        return Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
    }

    /** An Admin client on {@code --bootstrap} that has reached the broker; the caller closes it. */
    protected Admin connect() throws ToolException {
        Admin admin = client(() -> Admin.create(clientConfig()));
        try {
            DescribeClusterResult cluster = admin.describeCluster();
            await(cluster.clusterId(), "describe the cluster");
            return admin;
        } catch (ToolException | RuntimeException e) {
            close(admin);
            throw e;
        }
    }

    /** Creates a client; a bad {@code --bootstrap} (not HOST:PORT, or no such host) is a usage error. */
    protected <T> T client(java.util.function.Supplier<T> create) {
        try {
            return create.get();
        } catch (org.apache.kafka.common.KafkaException e) {
            // The producer and consumer wrap it: "Failed to construct kafka producer", caused by the ConfigException.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ConfigException) {
                    throw new ParameterException(spec.commandLine(), "invalid --bootstrap '" + bootstrap + "': " + t.getMessage());
                }
            }
            throw e;
        }
    }

    protected void close(AutoCloseable client) {
        if (client == null) return;
        try {
            if (client instanceof Admin a) a.close(connectTimeout);
            else client.close();
        } catch (Exception e) {
            // closing after a failure: the failure is what the user needs to see
        }
    }

    /** Waits for an Admin future; a failure becomes a {@link ToolException} saying what could not be done. */
    protected <T> T await(KafkaFuture<T> future, String what) throws ToolException {
        try {
            return future.get(millis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(e.getCause(), what);
        } catch (java.util.concurrent.TimeoutException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("interrupted while waiting to " + what, e);
        }
    }

    /** One line for a client failure while doing {@code what}. */
    protected ToolException failure(Throwable cause, String what) {
        if (cause instanceof TimeoutException) return unreachable(cause);
        if (cause instanceof UnknownTopicOrPartitionException) return new ToolException("cannot " + what + ": unknown topic", cause);
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new ToolException("cannot " + what + ": " + message, cause);
    }

    protected ToolException unreachable(Throwable cause) {
        return new ToolException(unreachableMessage(), cause);
    }

    /**
     * The broker did not answer within {@code --connect-timeout}: why, found with a plain TCP connection to each
     * bootstrap address (kafka-clients only reports a timeout), in one line.
     */
    protected String unreachableMessage() {
        java.util.List<String> causes = new java.util.ArrayList<>();
        for (String address : bootstrap.split(",")) causes.add(address.strip() + ": " + probe(address.strip()));
        return "cannot reach " + String.join("; ", causes)
                + " (is `ledgerline start` running? --bootstrap HOST:PORT to use another broker)";
    }

    private String probe(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) return "not HOST:PORT";
        String host = address.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException ex) {
            return "not HOST:PORT";
        }
        int timeout = (int) Math.min(millis(), 5_000);
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(host, port), timeout);
            return "the port accepts connections, but no Kafka broker answered within " + human(connectTimeout);
        } catch (java.net.UnknownHostException ex) {
            return "unknown host " + host;
        } catch (java.net.ConnectException ex) {
            return "connection refused (nothing listens on port " + port + ")";
        } catch (java.net.SocketTimeoutException ex) {
            return "no answer within " + timeout + " ms (a firewall, or a host that is down)";
        } catch (java.io.IOException ex) {
            return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        }
    }

    protected ToolException unknownTopic(String topic) {
        return new ToolException("unknown topic '" + topic + "' (`ledgerline topics list` shows the topics, "
                + "`ledgerline topics create " + topic + "` creates it)");
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** The one command line ({@link LedgerlineCli}) this command belongs to, for usage errors. */
    protected ParameterException usageError(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
