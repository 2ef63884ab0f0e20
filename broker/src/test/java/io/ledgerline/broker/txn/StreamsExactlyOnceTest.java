package io.ledgerline.broker.txn;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.config.BrokerConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka Streams with processing.guarantee=exactly_once_v2 keeps per-account balances from a transfers topic
 * (a debit and a credit per transfer); stopped in the middle and restarted (the broker restarted between), it
 * ends with exact balances: no transfer counted twice or lost. Its changelog is a compacted topic.
 */
class StreamsExactlyOnceTest {
    private static final int ACCOUNTS = 5;
    private static final int TRANSFERS = 400;

    @TempDir
    Path dir;
    @TempDir
    Path stateDir;
    Broker broker;

    private void start() throws IOException {
        broker = Broker.start(BrokerConfig.of(Map.of("data.dir", dir.resolve("broker").toString(), "listen", "127.0.0.1:0",
                "group.initial.rebalance.delay.ms", "0")));
    }

    @AfterEach
    void stop() {
        if (broker != null) broker.close();
    }

    private String bootstrap() {
        return broker.advertisedHost() + ":" + broker.port();
    }

    private KafkaStreams streams() {
        StreamsBuilder b = new StreamsBuilder();
        b.stream("transfers", Consumed.with(Serdes.String(), Serdes.Long()))
                .groupByKey()
                .aggregate(() -> 0L, (account, amount, balance) -> balance + amount,
                        Materialized.<String, Long, org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>>as("balances-store")
                                .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                .toStream()
                .to("balances", Produced.with(Serdes.String(), Serdes.Long()));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "balances-app");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 25);
        return new KafkaStreams(b.build(), p);
    }

    /** Writes transfers [from, to): a debit of one account and a credit of another, in one record each. */
    private void produceTransfers(Random rnd, int from, int to, Map<String, Long> expected) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        try (KafkaProducer<String, Long> producer = new KafkaProducer<>(p, new StringSerializer(), new LongSerializer())) {
            for (int i = from; i < to; i++) {
                String debit = "acct-" + rnd.nextInt(ACCOUNTS);
                String credit = "acct-" + rnd.nextInt(ACCOUNTS);
                long amount = 1 + rnd.nextInt(100);
                producer.send(new ProducerRecord<>("transfers", debit, -amount));
                producer.send(new ProducerRecord<>("transfers", credit, amount));
                expected.merge(debit, -amount, Long::sum);
                expected.merge(credit, amount, Long::sum);
            }
        }
    }

    /** The latest committed balance per account, as a read_committed consumer of "balances" sees it. */
    private Map<String, Long> balances() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Long> out = new HashMap<>();
        try (KafkaConsumer<String, Long> c = new KafkaConsumer<>(p, new StringDeserializer(), new LongDeserializer())) {
            List<TopicPartition> tps = List.of(new TopicPartition("balances", 0), new TopicPartition("balances", 1));
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long deadline = System.currentTimeMillis() + 20_000;
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, Long> r : c.poll(Duration.ofMillis(100))) out.put(r.key(), r.value());
            }
        }
        return out;
    }

    private void awaitBalances(Map<String, Long> expected, long timeoutMs) throws InterruptedException {
        try {
            await().atMost(Duration.ofMillis(timeoutMs)).pollInterval(Duration.ofMillis(300)).until(() -> balances().equals(expected));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // the caller asserts the balances and reports the difference
        }
    }

    @Test
    void balancesAreExactAfterAStopAndRestartInTheMiddle() throws Exception {
        long seed = new Random().nextLong();
        System.out.println("streams: seed " + seed);
        Random rnd = new Random(seed);
        start();
        broker.topics().create("transfers", 2, Map.of());
        broker.topics().create("balances", 2, Map.of());
        Map<String, Long> expected = new HashMap<>();
        produceTransfers(rnd, 0, TRANSFERS / 2, expected);

        KafkaStreams first = streams();
        first.start();
        Map<String, Long> half = new HashMap<>(expected);
        awaitBalances(half, 90_000);
        produceTransfers(rnd, TRANSFERS / 2, 3 * TRANSFERS / 4, expected);
        Thread.sleep(300); // stop in the middle of the second part
        first.close(Duration.ofSeconds(30));

        broker.close();
        start();
        produceTransfers(rnd, 3 * TRANSFERS / 4, TRANSFERS, expected);
        try (KafkaStreams second = streams()) {
            second.start();
            awaitBalances(expected, 90_000);
        }
        assertThat(balances()).as("seed " + seed).isEqualTo(expected);
        String changelog = "balances-app-balances-store-changelog";
        assertThat(broker.topics().get(changelog)).as("the changelog topic").isNotNull();
        assertThat(broker.topics().get(changelog).config().compact()).isTrue();
    }
}
