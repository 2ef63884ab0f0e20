package io.ledgerline.broker.testkit;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.log.PartitionLog;
import io.ledgerline.log.io.FileOpener;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The broker tests' one broker fixture: a {@link Broker} on a free port of 127.0.0.1 over a test's directory, with
 * optional settings, file layer and clock; an AdminClient connected to it (made on first use), a raw protocol
 * client, and the few helpers many tests share. {@link #restart()} stops cleanly and starts over the same
 * directory with the same settings. A test that needs only the {@link Broker} may keep
 * {@code TestBroker.start(dir).broker()} and close that: the AdminClient is made only on first use.
 * Used from the test's thread; the broker itself is thread-safe.
 */
public final class TestBroker implements AutoCloseable {
    /** How long a test waits for any one client call or future, in seconds. */
    public static final long TIMEOUT_S = 30;

    private final BrokerConfig config;
    private final FileOpener opener;
    private final LongSupplier clockMs;
    private Broker broker;
    private Admin admin;

    private TestBroker(Builder b) throws IOException {
        this.config = BrokerConfig.of(Map.copyOf(b.settings));
        this.opener = b.opener;
        this.clockMs = b.clockMs;
        open();
    }

    /** A broker over {@code dir} with no settings of the test's. */
    public static TestBroker start(Path dir) throws IOException {
        return over(dir).start();
    }

    /** A broker over {@code dir} with {@code settings} (they win over the fixture's). */
    public static TestBroker start(Path dir, Map<String, String> settings) throws IOException {
        return over(dir).settings(settings).start();
    }

    /** A builder for a broker over {@code dir}: listening on 127.0.0.1, port 0, the real disk and clock. */
    public static Builder over(Path dir) {
        return new Builder(dir);
    }

    /** What to start: settings, file layer and clock. Not thread-safe; used once. */
    public static final class Builder {
        private final Map<String, String> settings = new HashMap<>();
        private FileOpener opener = FileOpener.DEFAULT;
        private LongSupplier clockMs = System::currentTimeMillis;

        private Builder(Path dir) {
            settings.put("data.dir", dir.toString());
            settings.put("listen", "127.0.0.1:0");
        }

        /** Broker settings ({@code BrokerConfig} keys); later ones win. */
        public Builder settings(Map<String, String> extra) {
            settings.putAll(extra);
            return this;
        }

        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /**
         * Group timers short enough for tests: a 200 ms initial rebalance delay and session timeouts down to 1 s
         * (the clients' side: {@link ClientProps#groupConsumer}).
         */
        public Builder groupTimers() {
            settings.put("group.initial.rebalance.delay.ms", "200");
            settings.put("group.min.session.timeout.ms", "1000");
            return this;
        }

        /** The file layer the storage engine opens files through (tests inject faults with it). */
        public Builder opener(FileOpener fileOpener) {
            this.opener = fileOpener;
            return this;
        }

        /** The broker's clock (the storage engine's and the coordinators'; clients keep theirs). */
        public Builder clock(LongSupplier clock) {
            this.clockMs = clock;
            return this;
        }

        public TestBroker start() throws IOException {
            return new TestBroker(this);
        }
    }

    private void open() throws IOException {
        broker = Broker.start(config, opener, clockMs);
    }

    /** Clean stop and start over the same data directory with the same settings (port 0: the port changes). */
    public void restart() throws IOException {
        close();
        open();
    }

    public Broker broker() {
        return broker;
    }

    public BrokerConfig config() {
        return config;
    }

    /** host:port to give a client. */
    public String bootstrap() {
        return broker.advertisedHost() + ":" + broker.port();
    }

    /** The AdminClient on this broker, made on first use and closed with the broker. */
    public Admin admin() {
        if (admin == null) {
            admin = Admin.create(ClientProps.admin(bootstrap(), Map.of(
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000",
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000")));
        }
        return admin;
    }

    /** A new raw protocol connection; the caller closes it. */
    public RawClient raw() throws IOException {
        return new RawClient(broker);
    }

    public void createTopic(String name, int partitions) throws Exception {
        createTopic(name, partitions, Map.of());
    }

    public void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
        get(admin().createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all());
    }

    public Config describeTopicConfig(String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return get(admin().describeConfigs(List.of(r)).all()).get(r);
    }

    public ConfigEntry topicConfig(String topic, String key) throws Exception {
        return describeTopicConfig(topic).get(key);
    }

    /** Appends {@code count} small records straight to the partition log and waits until they are readable. */
    public long append(String topic, int partition, int count, int valueBytes) throws Exception {
        PartitionLog log = broker.topics().partition(topic, partition);
        long last = -1;
        for (int i = 0; i < count; i++) {
            MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord(System.currentTimeMillis(), ("k" + i).getBytes(StandardCharsets.UTF_8), new byte[valueBytes]));
            last = log.append(records).lastOffset();
        }
        log.durable(last).get(TIMEOUT_S, TimeUnit.SECONDS);
        return last;
    }

    /** Produces values "v{from}".."v{from+count-1}" round-robin over the partitions, keyed "k{i}"; waits for every ack. */
    public void produce(String topic, int partitions, int from, int count) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(ClientProps.producer(bootstrap(), Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, "5")), new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < from + count; i++) producer.send(new ProducerRecord<>(topic, i % partitions, "k" + i, "v" + i));
            producer.flush();
        }
    }

    /** A group member of {@code group} ({@link ClientProps#groupConsumer}); the caller closes it. */
    public KafkaConsumer<String, String> consumer(String group, Map<String, Object> extra) {
        return consumer(bootstrap(), group, extra);
    }

    /** A group member of {@code group} on any broker (a child JVM's, one started without this fixture). */
    public static KafkaConsumer<String, String> consumer(String bootstrap, String group, Map<String, Object> extra) {
        return new KafkaConsumer<>(ClientProps.groupConsumer(bootstrap, group, extra), new StringDeserializer(), new StringDeserializer());
    }

    @Override
    public void close() {
        if (admin != null) admin.close();
        if (broker != null) broker.close();
        admin = null;
        broker = null;
    }

    /** Waits for an AdminClient future and asserts it failed with exactly {@code type}, its message containing {@code text}. */
    public static void assertFails(KafkaFuture<?> future, Class<? extends Throwable> type, String text) {
        assertThatThrownBy(() -> future.get(TIMEOUT_S, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isExactlyInstanceOf(type)
                .hasMessageContaining(text);
    }

    /** The future's value, waiting at most {@link #TIMEOUT_S}. */
    public static <T> T get(KafkaFuture<T> future) throws Exception {
        return future.get(TIMEOUT_S, TimeUnit.SECONDS);
    }
}
