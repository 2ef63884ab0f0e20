package io.ledgerline.broker.group;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.config.BrokerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A broker for group tests with short group timers (session timeouts of seconds, a short initial rebalance
 * delay), plus factories for the official clients pointed at it.
 */
final class GroupTestBroker implements AutoCloseable {
    static final int SESSION_TIMEOUT_MS = 3000;
    static final int HEARTBEAT_INTERVAL_MS = 500;
    static final long TIMEOUT_S = 30;

    private final Map<String, String> settings;
    private Broker broker;
    private Admin admin;

    private GroupTestBroker(Map<String, String> settings) throws IOException {
        this.settings = settings;
        open();
    }

    static GroupTestBroker start(Path dir, Map<String, String> extra) throws IOException {
        Map<String, String> s = new HashMap<>();
        s.put("data.dir", dir.toString());
        s.put("listen", "127.0.0.1:0");
        s.put("group.initial.rebalance.delay.ms", "200");
        s.put("group.min.session.timeout.ms", "1000");
        s.putAll(extra);
        return new GroupTestBroker(Map.copyOf(s));
    }

    private void open() throws IOException {
        broker = Broker.start(BrokerConfig.of(settings));
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        admin = Admin.create(p);
    }

    /** Clean stop and start over the same data directory (the port changes). */
    void restart() throws IOException {
        close();
        open();
    }

    Broker broker() {
        return broker;
    }

    Admin admin() {
        return admin;
    }

    String bootstrap() {
        return broker.advertisedHost() + ":" + broker.port();
    }

    void createTopic(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    /** Produces values "v0".."v(count-1)" round-robin over the partitions, keyed by value; waits for every ack. */
    void produce(String topic, int partitions, int from, int count) throws Exception {
        produce(bootstrap(), topic, partitions, from, count);
    }

    static void produce(String bootstrap, String topic, int partitions, int from, int count) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < from + count; i++) producer.send(new ProducerRecord<>(topic, i % partitions, "k" + i, "v" + i));
            producer.flush();
        }
    }

    KafkaConsumer<String, String> consumer(String group, Map<String, Object> extra) {
        return consumer(bootstrap(), group, extra);
    }

    static KafkaConsumer<String, String> consumer(String bootstrap, String group, Map<String, Object> extra) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.toString(SESSION_TIMEOUT_MS));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Integer.toString(HEARTBEAT_INTERVAL_MS));
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "20000");
        p.putAll(extra);
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    @Override
    public void close() {
        if (admin != null) admin.close();
        if (broker != null) broker.close();
        admin = null;
        broker = null;
    }
}
