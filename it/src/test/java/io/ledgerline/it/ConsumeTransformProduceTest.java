package io.ledgerline.it;

import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.ChildBroker;
import io.ledgerline.it.harness.ChildTransformApp;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.Groups;
import io.ledgerline.it.harness.SharedBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Promise 5 (exactly once) for consume-transform-produce with sendOffsetsToTransaction, on Ledgerline and
 * Apache Kafka alike: the output records and the consumed offsets commit together, so an application SIGKILLed
 * mid-stream (and the broker SIGKILLed with it once) and restarted produces every input exactly once; and a
 * consumer whose group metadata is stale cannot commit offsets in a transaction.
 */
class ConsumeTransformProduceTest {
    private static final int INPUT = 600;
    private static final String GROUP = "ctp";

    /** The output as read_committed sees it, partition by partition in offset order. */
    private static Map<Integer, List<String>> readCommitted(BrokerTarget broker, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = Clients.consumer(broker, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            Map<Integer, List<String>> out = new HashMap<>(Map.of(0, new ArrayList<>(), 1, new ArrayList<>()));
            for (ConsumerRecord<byte[], byte[]> r : Clients.readAll(c, Clients.partitions(topic, 2))) {
                out.get(r.partition()).add(new String(r.value(), StandardCharsets.UTF_8));
            }
            return out;
        }
    }

    /** Runs an application until it has committed {@code commits} more transactions, then SIGKILLs it. */
    private static void runAndKill(BrokerTarget broker, int commits, Random rnd) throws Exception {
        try (ChildTransformApp app = new ChildTransformApp(broker, GROUP, "in", "out", "ctp-app", 5)) {
            await("the application commits " + commits + " transactions").atMost(Clients.PATIENCE)
                    .until(() -> app.commits() >= commits || !app.isAlive());
            assertThat(app.isAlive()).as("the application is running").isTrue();
            Thread.sleep(rnd.nextInt(60)); // lands somewhere in the next transaction (50 ms of work each)
            app.kill9();
        }
    }

    @Test
    void killedMidStreamWithTheBrokerTheOutputHasEveryInputExactlyOnce() throws Exception {
        long seed = new Random().nextLong();
        System.out.println("ConsumeTransformProduceTest: seed " + seed);
        Random rnd = new Random(seed);
        Map<String, String> settings = new HashMap<>(SharedBroker.SETTINGS);
        try (ChildBroker broker = ChildBroker.start(settings); Admin admin = Clients.admin(broker)) {
            Clients.createTopic(admin, "in", 2, Map.of());
            Clients.createTopic(admin, "out", 2, Map.of());
            Groups.produce(broker, "in", 2, 0, INPUT);
            // Input i went to partition i % 2; its output goes to the same partition, in the same order.
            Map<Integer, List<String>> expected = Map.of(
                    0, Groups.values(0, INPUT).stream().filter(v -> Integer.parseInt(v.substring(1)) % 2 == 0).map(v -> "out-" + v).toList(),
                    1, Groups.values(0, INPUT).stream().filter(v -> Integer.parseInt(v.substring(1)) % 2 == 1).map(v -> "out-" + v).toList());

            runAndKill(broker, 3 + rnd.nextInt(5), rnd);
            broker.kill9(); // the broker dies too, with the killed application's transaction open
            broker.restart();
            runAndKill(broker, 3 + rnd.nextInt(5), rnd); // its init fences the first run and aborts that transaction
            try (ChildTransformApp last = new ChildTransformApp(broker, GROUP, "in", "out", "ctp-app", 0)) {
                await("the input is processed").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                        .until(() -> Groups.committed(admin, GROUP).equals(Map.of(0, (long) INPUT / 2, 1, (long) INPUT / 2)));
            }
            try (KafkaConsumer<byte[], byte[]> c = Clients.consumer(broker)) {
                System.out.printf("ConsumeTransformProduceTest: %d output records in the log, %d of them committed%n",
                        Clients.readAll(c, Clients.partitions("out", 2)).size(), INPUT);
            }
            assertThat(readCommitted(broker, "out")).as("every input once, in order (seed %d)", seed).isEqualTo(expected);
        }
    }

    @Test
    @ExtendWith(SharedBroker.class)
    void staleGroupMetadataCannotCommitOffsetsInATransaction(BrokerTarget broker) throws Exception {
        String topic = Clients.uniqueTopic("stale-in");
        String group = topic + "-group";
        try (Admin admin = Clients.admin(broker)) {
            Clients.createTopic(admin, topic, 1, Map.of());
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<byte[], byte[]> p = Clients.producer(broker, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group + "-tx",
                     ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Clients.PATIENCE.toMillis()));
             KafkaConsumer<byte[], byte[]> c = Groups.consumer(broker, group, Map.of())) {
            p.initTransactions();
            c.subscribe(List.of(topic));
            await("the consumer is assigned").atMost(Clients.PATIENCE).until(() -> {
                c.poll(Duration.ofMillis(100));
                return !c.assignment().isEmpty();
            });
            ConsumerGroupMetadata real = c.groupMetadata();
            ConsumerGroupMetadata stale = new ConsumerGroupMetadata(real.groupId(), real.generationId() + 5, real.memberId(), Optional.empty());

            p.beginTransaction();
            assertThatThrownBy(() -> p.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(1)), stale))
                    .isInstanceOf(KafkaException.class);
            p.abortTransaction();
            assertThat(c.committed(java.util.Set.of(tp)).get(tp)).as("nothing committed with the stale generation").isNull();

            p.beginTransaction();
            p.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(1)), real);
            p.commitTransaction();
            assertThat(c.committed(java.util.Set.of(tp)).get(tp).offset()).isEqualTo(1);
        }
    }
}
