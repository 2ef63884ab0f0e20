package io.ledgerline.it.harness;

import java.lang.reflect.InvocationTargetException;
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

    /** Clean stop and removal of the data directory. */
    @Override
    void close();

    /** Starts the target selected by {@value #TARGET_PROPERTY} with the given settings. */
    static BrokerTarget start(Map<String, String> settings) throws Exception {
        String which = System.getProperty(TARGET_PROPERTY, "ledgerline");
        BrokerTarget target = switch (which) {
            case "ledgerline" -> LedgerlineTarget.start(settings);
            // Compiled only with -Pkafka (it needs kafka_2.13 on the classpath), hence loaded by name.
            case "kafka" -> startByName("io.ledgerline.it.harness.kafka.KafkaTarget", settings);
            default -> throw new IllegalArgumentException(TARGET_PROPERTY + " must be ledgerline or kafka, got " + which);
        };
        System.out.printf("[it] target %s at %s with %s%n", target.name(), target.bootstrapServers(), settings);
        return target;
    }

    private static BrokerTarget startByName(String className, Map<String, String> settings) throws Exception {
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the kafka target is compiled only with the Maven profile 'kafka' (-Pkafka)", e);
        }
        try {
            return (BrokerTarget) type.getMethod("start", Map.class).invoke(null, settings);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
