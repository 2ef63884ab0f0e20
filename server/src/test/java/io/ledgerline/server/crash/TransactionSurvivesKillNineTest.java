package io.ledgerline.server.crash;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broker SIGKILLed in the middle of a transaction (a debit and a credit written and acknowledged, no commit)
 * never shows that transaction half to read_committed after the restart: it stays hidden until the producer's
 * re-init or its timeout aborts it, while the transaction committed before the kill stays whole.
 */
class TransactionSurvivesKillNineTest {
    static final String TOPIC = "ledger";
    static final List<TopicPartition> TPS = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
    static final String[] SETTINGS = {"transaction.abort.timed.out.transaction.cleanup.interval.ms=200"};

    @TempDir
    Path dataDir;

    static KafkaProducer<String, String> producer(String bootstrap, String transactionalId, int timeoutMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Integer.toString(timeoutMs));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Everything {@code isolation} shows up to its end offsets (read_committed: the last stable offsets). */
    static List<String> read(String bootstrap, String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.assign(TPS);
            c.seekToBeginning(TPS);
            Map<TopicPartition, Long> end = c.endOffsets(TPS);
            long deadline = System.currentTimeMillis() + 30_000;
            while (TPS.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) out.add(r.partition() + ":" + r.value());
            }
            for (TopicPartition tp : TPS) assertThat(c.position(tp)).isEqualTo(end.get(tp));
        }
        return out;
    }

    static Map<TopicPartition, Long> endOffsets(String bootstrap, String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            return c.endOffsets(TPS);
        }
    }

    /** Commits transfer 1, writes transfer 2 (acknowledged, uncommitted), then SIGKILLs the broker. */
    private ChildBrokerProcess killMidTransaction(int port, int timeoutMs) throws Exception {
        ChildBrokerProcess broker = ChildBrokerProcess.start(dataDir, port, SETTINGS);
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (Admin admin = Admin.create(a)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        KafkaProducer<String, String> p = producer(broker.bootstrap(), "transfers", timeoutMs);
        try {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>(TOPIC, 0, "a", "debit-1"));
            p.send(new ProducerRecord<>(TOPIC, 1, "b", "credit-1"));
            p.commitTransaction();
            p.beginTransaction();
            p.send(new ProducerRecord<>(TOPIC, 0, "a", "debit-2")).get(30, TimeUnit.SECONDS);
            p.send(new ProducerRecord<>(TOPIC, 1, "b", "credit-2")).get(30, TimeUnit.SECONDS);
            broker.kill9();
        } finally {
            p.close(Duration.ZERO);
        }
        return ChildBrokerProcess.start(dataDir, port, SETTINGS);
    }

    @Test
    void aTransactionOpenAtTheKillIsHiddenUntilTheProducersReinitAbortsIt() throws Exception {
        int port = ChildBrokerProcess.freePort();
        try (ChildBrokerProcess broker = killMidTransaction(port, 600_000)) {
            String bootstrap = broker.bootstrap();
            assertThat(read(bootstrap, "read_committed")).containsExactlyInAnyOrder("0:debit-1", "1:credit-1");
            try (KafkaProducer<String, String> p = producer(bootstrap, "transfers", 600_000)) {
                p.initTransactions(); // fences the killed producer and aborts transfer 2
            }
            assertThat(endOffsets(bootstrap, "read_committed")).isEqualTo(endOffsets(bootstrap, "read_uncommitted"));
            assertThat(read(bootstrap, "read_committed")).containsExactlyInAnyOrder("0:debit-1", "1:credit-1");
            assertThat(read(bootstrap, "read_uncommitted")).containsExactlyInAnyOrder("0:debit-1", "1:credit-1", "0:debit-2", "1:credit-2");
        }
    }

    @Test
    void aTransactionOpenAtTheKillIsAbortedByItsTimeoutAfterTheRestart() throws Exception {
        int port = ChildBrokerProcess.freePort();
        try (ChildBrokerProcess broker = killMidTransaction(port, 3000)) {
            String bootstrap = broker.bootstrap();
            long deadline = System.currentTimeMillis() + 30_000;
            while (!endOffsets(bootstrap, "read_committed").equals(endOffsets(bootstrap, "read_uncommitted"))
                    && System.currentTimeMillis() < deadline) {
                assertThat(read(bootstrap, "read_committed")).as("never half visible").containsExactlyInAnyOrder("0:debit-1", "1:credit-1");
                Thread.sleep(200);
            }
            assertThat(endOffsets(bootstrap, "read_committed")).isEqualTo(endOffsets(bootstrap, "read_uncommitted"));
            assertThat(read(bootstrap, "read_committed")).containsExactlyInAnyOrder("0:debit-1", "1:credit-1");
        }
    }
}
