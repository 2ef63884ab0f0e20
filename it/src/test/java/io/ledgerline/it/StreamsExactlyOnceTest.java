package io.ledgerline.it;

import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.ChildStreamsApp;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBroker;
import io.ledgerline.it.harness.TempDirs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Promise 5 (exactly once) with Kafka Streams, on Ledgerline and Apache Kafka alike: an application with
 * processing.guarantee=exactly_once_v2 keeps per-account balances from a transfers topic (a debit and a credit
 * per transfer). SIGKILLed in the middle of its input, with the broker restarted before a new instance takes
 * over on the same state directory, it ends with exact balances: no transfer counted twice or lost.
 */
class StreamsExactlyOnceTest {
    private static final int ACCOUNTS = 5;
    private static final int TRANSFERS = 600;

    /** Writes transfers [from, to): a debit of one account and a credit of another, one record each. */
    private static void produceTransfers(BrokerTarget broker, Random rnd, int from, int to, Map<String, Long> expected) {
        Map<String, Object> c = new HashMap<>(Map.of("bootstrap.servers", broker.bootstrapServers(), "acks", "all"));
        try (KafkaProducer<String, Long> producer = new KafkaProducer<>(c, new StringSerializer(), new LongSerializer())) {
            for (int i = from; i < to; i++) {
                String debit = "acct-" + rnd.nextInt(ACCOUNTS);
                String credit = "acct-" + rnd.nextInt(ACCOUNTS);
                long amount = 1 + rnd.nextInt(100);
                producer.send(new ProducerRecord<>(ChildStreamsApp.TRANSFERS, debit, -amount));
                producer.send(new ProducerRecord<>(ChildStreamsApp.TRANSFERS, credit, amount));
                expected.merge(debit, -amount, Long::sum);
                expected.merge(credit, amount, Long::sum);
            }
        }
    }

    /** The latest committed balance per account, as a read_committed consumer of the balances topic sees it. */
    private static Map<String, Long> balances(BrokerTarget broker) {
        Map<String, Object> c = new HashMap<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        Map<String, Long> out = new HashMap<>();
        try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new LongDeserializer())) {
            var tps = Clients.partitions(ChildStreamsApp.BALANCES, 2);
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(tps, Clients.PATIENCE);
            long deadline = System.nanoTime() + Clients.PATIENCE.toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("balances read within %s", Clients.PATIENCE).isLessThan(deadline);
                for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(100))) out.put(r.key(), r.value());
            }
        }
        return out;
    }

    @Test
    void balancesAreExactAfterAKillInTheMiddle() throws Exception {
        long seed = new Random().nextLong();
        System.out.println("StreamsExactlyOnceTest: seed " + seed);
        Random rnd = new Random(seed);
        Path stateDir = Files.createTempDirectory("it-streams-state-");
        try (BrokerTarget broker = BrokerTarget.start(SharedBroker.SETTINGS); Admin admin = Clients.admin(broker)) {
            Clients.createTopic(admin, ChildStreamsApp.TRANSFERS, 2, Map.of());
            Clients.createTopic(admin, ChildStreamsApp.BALANCES, 2, Map.of());
            Map<String, Long> expected = new HashMap<>();
            produceTransfers(broker, rnd, 0, TRANSFERS / 2, expected);

            try (ChildStreamsApp first = new ChildStreamsApp(broker, stateDir)) {
                Map<String, Long> half = new HashMap<>(expected);
                await("the first half is processed").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
                        .until(() -> balances(broker).equals(half));
                produceTransfers(broker, rnd, TRANSFERS / 2, 3 * TRANSFERS / 4, expected);
                Thread.sleep(rnd.nextInt(400)); // the kill lands while the third quarter is being processed
                first.kill9();
            }
            broker.restart();
            produceTransfers(broker, rnd, 3 * TRANSFERS / 4, TRANSFERS, expected);
            try (ChildStreamsApp second = new ChildStreamsApp(broker, stateDir)) {
                await("the balances are exact").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                        .until(() -> balances(broker).equals(expected));
            }
            assertThat(balances(broker)).as("seed %d", seed).isEqualTo(expected);

            ConfigResource changelog = new ConfigResource(ConfigResource.Type.TOPIC, ChildStreamsApp.CHANGELOG);
            Config config = admin.describeConfigs(List.of(changelog)).all().get().get(changelog);
            assertThat(config.get("cleanup.policy").value()).as("the changelog topic is a compact one").isEqualTo("compact");
        } finally {
            TempDirs.delete(stateDir);
        }
    }
}
