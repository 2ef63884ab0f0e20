package io.ledgerline.it;

import io.ledgerline.it.harness.ChildJvm;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBrokerTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Promise 7 (Kafka everywhere) for transactions: Kafka's own {@code kafka-transactions} tool
 * (org.apache.kafka.tools.TransactionsCommand, in a child JVM) against the broker: it lists and describes an
 * open transaction and the partition's producers, does not take a live transaction for a hanging one, and its
 * {@code abort} ends the transaction on the partition (WriteTxnMarkers): read_committed consumers move past it.
 */
class TransactionsToolTest extends SharedBrokerTest {
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);


    /** Runs kafka-transactions; {@code match} counts stdout lines. Fails unless the tool exits with 0. */
    private static ChildJvm.Result tool(Predicate<String> match, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = broker.bootstrapServers();
        System.arraycopy(args, 0, all, 2, args.length);
        ChildJvm.Result r = ChildJvm.run(TOOL_TIMEOUT, match, "org.apache.kafka.tools.TransactionsCommand", all);
        System.out.println("$ kafka-transactions " + String.join(" ", args) + ": " + r);
        assertThat(r.exitCode()).as("kafka-transactions %s: %s", String.join(" ", args), r).isZero();
        return r;
    }

    private static Map<TopicPartition, Long> endOffsets(TopicPartition tp, String isolation) {
        try (KafkaConsumer<byte[], byte[]> c = Clients.consumer(broker, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation))) {
            return c.endOffsets(List.of(tp), Clients.PATIENCE);
        }
    }

    @Test
    void listDescribeFindHangingAndAbortAnOpenTransaction() throws Exception {
        String topic = Clients.uniqueTopic("tx-tool");
        Clients.createTopic(admin, topic, 1, Map.of());
        TopicPartition tp = new TopicPartition(topic, 0);
        String txId = topic + "-tx";
        try (KafkaProducer<byte[], byte[]> p = Clients.producer(broker, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txId,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Clients.PATIENCE.toMillis()))) {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>(topic, 0, null, "open".getBytes(StandardCharsets.UTF_8)))
                    .get(Clients.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);

            assertThat(tool(l -> l.contains(txId) && l.contains("Ongoing"), "list").matchingStdoutLines())
                    .as("list shows the transaction, ongoing").isEqualTo(1);
            assertThat(tool(l -> l.contains(txId) && l.contains("Ongoing") && l.contains(topic + "-0"),
                    "describe", "--transactional-id", txId).matchingStdoutLines())
                    .as("describe shows it ongoing, on the partition").isEqualTo(1);
            // Columns: ProducerId ProducerEpoch LatestCoordinatorEpoch LastSequence LastTimestamp CurrentTransactionStartOffset
            assertThat(tool(l -> l.trim().matches("\\d+\\s+\\d+\\s+-?\\d+\\s+\\d+\\s+\\d+\\s+0"),
                    "describe-producers", "--topic", topic, "--partition", "0").matchingStdoutLines())
                    .as("describe-producers shows one producer with a transaction open at offset 0").isEqualTo(1);
            assertThat(tool(l -> l.contains(topic), "find-hanging", "--topic", topic).matchingStdoutLines())
                    .as("a transaction its coordinator knows is not hanging").isZero();
            assertThat(endOffsets(tp, "read_committed").get(tp)).as("the open transaction holds read_committed").isZero();

            tool(l -> false, "abort", "--topic", topic, "--partition", "0", "--start-offset", "0");
            assertThat(endOffsets(tp, "read_committed")).as("read_committed moves past the aborted transaction")
                    .isEqualTo(endOffsets(tp, "read_uncommitted"));
            try (KafkaConsumer<byte[], byte[]> c = Clients.consumer(broker, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
                assertThat(Clients.readAll(c, List.of(tp))).as("the aborted record is not read").isEmpty();
            }
        }
    }
}
