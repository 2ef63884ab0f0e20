package io.ledgerline.it.harness;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The system under test: one broker reachable at {@link #bootstrapServers()}, started from settings
 * whose keys are Ledgerline's (io.ledgerline.broker.config.BrokerConfig), which reuse Apache Kafka's
 * broker config names. Every client-facing test drives its broker through this interface only, so the
 * same test runs unchanged against Ledgerline and against Apache Kafka: system property
 * {@value #TARGET_PROPERTY} = {@code ledgerline} (default) or {@code kafka} (Maven profile {@code kafka}).
 */
public interface BrokerTarget extends AutoCloseable {

    String TARGET_PROPERTY = "ledgerline.it.target";

    /** Human-readable name of the system under test, printed by the harness. */
    String name();

    /** host:port for a client's bootstrap.servers. */
    String bootstrapServers();

    /**
     * Clean stop, then start again on the same data directory. The harness rebinds the same port so that
     * clients created before the restart can reconnect (a test of the same producer across a restart
     * needs it); tests must not rely on anything else surviving in the clients.
     */
    void restart() throws Exception;

    /**
     * Ledgerline's fetch session cache (its metrics: sessions, partitions cached, evictions), for the few tests that
     * also look inside; empty on Apache Kafka, whose tests judge by what the clients see.
     */
    default java.util.Optional<io.ledgerline.broker.fetch.FetchSessionCache> fetchSessions() {
        return java.util.Optional.empty();
    }

    /** Clean stop and removal of the data directory. */
    @Override
    void close();

    /** Starts the target selected by {@value #TARGET_PROPERTY} with the given settings. */
    static BrokerTarget start(Map<String, String> settings) throws Exception {
        BrokerTarget target = switch (selected()) {
            case "ledgerline" -> LedgerlineTarget.start(settings);
            default -> kafka("start", new Class<?>[] {Map.class}, settings);
        };
        System.out.printf("[it] target %s at %s with %s%n", target.name(), target.bootstrapServers(), settings);
        return target;
    }

    /**
     * Starts the selected target on a data directory the caller keeps (it survives {@link #close()}, and a
     * later start on it is a restart, after a crash too), at a fixed client port; Kafka's controller listens on
     * {@code controllerPort}, which must also stay the same across restarts.
     */
    static BrokerTarget startOn(Path dir, int port, int controllerPort, Map<String, String> settings) throws Exception {
        return switch (selected()) {
            case "ledgerline" -> LedgerlineTarget.startOn(dir, port, settings, false);
            default -> kafka("startOn", new Class<?>[] {Path.class, int.class, int.class, Map.class, boolean.class},
                    dir, port, controllerPort, settings, false);
        };
    }

    /** Whether this run's target is Apache Kafka (for the rare test of where Ledgerline does more than Kafka). */
    static boolean isKafka() {
        return selected().equals("kafka");
    }

    private static String selected() {
        String which = System.getProperty(TARGET_PROPERTY, "ledgerline");
        if (!which.equals("ledgerline") && !which.equals("kafka")) {
            throw new IllegalArgumentException(TARGET_PROPERTY + " must be ledgerline or kafka, got " + which);
        }
        return which;
    }

    /** KafkaTarget is compiled only with -Pkafka (it needs kafka_2.13 on the classpath), hence called by name. */
    private static BrokerTarget kafka(String method, Class<?>[] types, Object... args) throws Exception {
        Class<?> type;
        try {
            type = Class.forName("io.ledgerline.it.harness.kafka.KafkaTarget");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the kafka target is compiled only with the Maven profile 'kafka' (-Pkafka)", e);
        }
        try {
            return (BrokerTarget) type.getMethod(method, types).invoke(null, args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
