package io.ledgerline.broker.testkit;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.Map;
import java.util.Properties;

/**
 * The kafka-clients settings the tests share, built in one place: each factory returns a fresh {@link Properties}
 * pointed at {@code bootstrap}, with {@code extra} put last (so a test's own setting wins). Stateless; any thread.
 */
public final class ClientProps {
    /** A group member's session timeout in group tests: seconds, so that expiry tests finish quickly. */
    public static final int GROUP_SESSION_TIMEOUT_MS = 3000;
    /** A group member's heartbeat interval in group tests: a sixth of the session timeout. */
    public static final int GROUP_HEARTBEAT_INTERVAL_MS = 500;

    private ClientProps() {
    }

    /** An Admin client's settings: the bootstrap and {@code extra}. */
    public static Properties admin(String bootstrap, Map<String, ?> extra) {
        return with(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, extra);
    }

    public static Properties admin(String bootstrap) {
        return admin(bootstrap, Map.of());
    }

    /** A producer's settings: the bootstrap and {@code extra}; everything else is the client's default. */
    public static Properties producer(String bootstrap, Map<String, ?> extra) {
        return with(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, extra);
    }

    public static Properties producer(String bootstrap) {
        return producer(bootstrap, Map.of());
    }

    /** A transactional producer's settings: {@link #producer} with {@code transactionalId}. */
    public static Properties transactionalProducer(String bootstrap, String transactionalId, Map<String, ?> extra) {
        Properties p = producer(bootstrap, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId));
        p.putAll(extra);
        return p;
    }

    public static Properties transactionalProducer(String bootstrap, String transactionalId) {
        return transactionalProducer(bootstrap, transactionalId, Map.of());
    }

    /**
     * A consumer's settings: the bootstrap, no auto commit (a test commits, or assigns without a group) and
     * {@code extra}.
     */
    public static Properties consumer(String bootstrap, Map<String, ?> extra) {
        Properties p = with(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, Map.of());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putAll(extra);
        return p;
    }

    public static Properties consumer(String bootstrap) {
        return consumer(bootstrap, Map.of());
    }

    /**
     * A group member's settings: {@link #consumer} in {@code group}, from the earliest offset, with the group tests'
     * short session timeout and heartbeat (the broker side: {@link TestBroker.Builder#groupTimers()}).
     */
    public static Properties groupConsumer(String bootstrap, String group, Map<String, ?> extra) {
        Properties p = consumer(bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.toString(GROUP_SESSION_TIMEOUT_MS));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Integer.toString(GROUP_HEARTBEAT_INTERVAL_MS));
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "20000");
        p.putAll(extra);
        return p;
    }

    private static Properties with(String bootstrapKey, String bootstrap, Map<String, ?> extra) {
        Properties p = new Properties();
        p.put(bootstrapKey, bootstrap);
        p.putAll(extra);
        return p;
    }
}
