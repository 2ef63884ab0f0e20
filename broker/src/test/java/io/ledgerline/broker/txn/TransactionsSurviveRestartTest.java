package io.ledgerline.broker.txn;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.testkit.ClientProps;
import io.ledgerline.broker.testkit.TestBroker;
import io.ledgerline.log.LogManager;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The coordinator's state is its log: after a restart an open transaction is still open (its records hidden
 * from read_committed) until a new producer's InitProducerId or its timeout aborts it, and a transaction whose
 * commit was decided (PrepareCommit) but not completed before the stop is completed by the restarted broker.
 */
class TransactionsSurviveRestartTest {
    @TempDir
    Path dir;
    Broker broker;

    private void start() throws IOException {
        broker = TestBroker.start(dir, Map.of("transaction.abort.timed.out.transaction.cleanup.interval.ms", "200")).broker();
    }

    @AfterEach
    void stop() {
        if (broker != null) broker.close();
    }

    private String bootstrap() {
        return broker.advertisedHost() + ":" + broker.port();
    }

    private KafkaProducer<String, String> producer(String transactionalId, int timeoutMs) {
        Properties p = ClientProps.transactionalProducer(bootstrap(), transactionalId, Map.of(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Integer.toString(timeoutMs),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000"));
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private List<String> readAll(String isolation, List<TopicPartition> tps) {
        Properties p = ClientProps.consumer(bootstrap(), Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation));
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long deadline = System.currentTimeMillis() + 20_000;
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) out.add(r.partition() + ":" + r.value());
            }
        }
        return out;
    }

    private TxnMetadata describe(String transactionalId) {
        return broker.transactions().describe(transactionalId);
    }

    /** Starts a transaction writing to both partitions and leaves it open; returns the topic's partitions. */
    private List<TopicPartition> openTransaction(String topic, String transactionalId, int timeoutMs) throws Exception {
        broker.topics().create(topic, 2, Map.of());
        KafkaProducer<String, String> p = producer(transactionalId, timeoutMs);
        try {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>(topic, 0, "k", "debit")).get(15, TimeUnit.SECONDS);
            p.send(new ProducerRecord<>(topic, 1, "k", "credit")).get(15, TimeUnit.SECONDS);
        } finally {
            p.close(Duration.ZERO); // abandoned, as by a crashed application: no abort is sent
        }
        return List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
    }

    @Test
    void anOpenTransactionStaysHiddenAcrossARestartUntilTheProducersReinitAbortsIt() throws Exception {
        start();
        List<TopicPartition> tps = openTransaction("restart-open", "restart-open-id", 600_000);
        broker.close();
        start();

        assertThat(describe("restart-open-id").state()).isEqualTo(TransactionState.ONGOING);
        assertThat(describe("restart-open-id").partitions()).containsExactlyInAnyOrderElementsOf(tps);
        assertThat(readAll("read_committed", tps)).isEmpty();
        try (KafkaProducer<String, String> p = producer("restart-open-id", 600_000)) {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>("restart-open", 0, "k", "after"));
            p.commitTransaction();
        }
        assertThat(readAll("read_committed", tps)).containsExactly("0:after");
        assertThat(readAll("read_uncommitted", tps)).containsExactlyInAnyOrder("0:debit", "1:credit", "0:after");
    }

    @Test
    void anOpenTransactionIsAbortedByItsTimeoutAfterARestart() throws Exception {
        start();
        List<TopicPartition> tps = openTransaction("restart-timeout", "restart-timeout-id", 1000);
        broker.close();
        start();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> describe("restart-timeout-id").state() == TransactionState.COMPLETE_ABORT);
        assertThat(describe("restart-timeout-id").state()).isEqualTo(TransactionState.COMPLETE_ABORT);
        assertThat(readAll("read_committed", tps)).isEmpty();
        for (TopicPartition tp : tps) {
            assertThat(broker.topics().partition(tp.topic(), tp.partition()).lastStableOffset()).isEqualTo(2); // record + marker
        }
    }

    @Test
    void aDecidedCommitIsCompletedByTheRestartedBroker() throws Exception {
        start();
        List<TopicPartition> tps = openTransaction("restart-prepared", "restart-prepared-id", 600_000);
        broker.close();
        broker = null;
        // What a crash between PrepareCommit and the markers leaves: the decision in the log, no markers.
        try (LogManager logs = new LogManager(new LogManager.Settings(dir, true, 1, 1000, 3_600_000, 0))) {
            var txnLog = TransactionLog.open(logs, () -> 1L);
            TxnMetadata[] last = new TxnMetadata[1];
            txnLog.replay(r -> {
                if (r.transactionalId().equals("restart-prepared-id")) last[0] = r.value();
            });
            assertThat(last[0].state()).isEqualTo(TransactionState.ONGOING);
            txnLog.append(List.of(new TxnRecord("restart-prepared-id", last[0].withState(TransactionState.PREPARE_COMMIT, 1L))))
                    .get(10, TimeUnit.SECONDS);
        }
        start();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> describe("restart-prepared-id").state() == TransactionState.COMPLETE_COMMIT);
        assertThat(describe("restart-prepared-id").state()).isEqualTo(TransactionState.COMPLETE_COMMIT);
        assertThat(readAll("read_committed", tps)).containsExactlyInAnyOrder("0:debit", "1:credit");
    }

    @Test
    void adminClientSeesTheReplayedState() throws Exception {
        start();
        openTransaction("restart-admin", "restart-admin-id", 600_000);
        broker.close();
        start();
        Properties p = ClientProps.admin(bootstrap());
        try (Admin admin = Admin.create(p)) {
            var d = admin.describeTransactions(List.of("restart-admin-id")).all().get().get("restart-admin-id");
            assertThat(d.state()).isEqualTo(org.apache.kafka.clients.admin.TransactionState.ONGOING);
            assertThat(d.topicPartitions()).hasSize(2);
        }
    }
}
