package io.ledgerline.broker.txn;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.testkit.ClientProps;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Transactions with the official Java client (kafka-clients 4.4, transaction version 1): a transactional
 * KafkaProducer writes across partitions and commits or aborts; read_committed and read_uncommitted consumers
 * see what Kafka promises; a second producer with the same transactional id fences the first; an abandoned
 * transaction is aborted by its timeout; the admin client lists and describes transactions and producers.
 */
class TransactionsTest {
    @TempDir
    static Path dir;
    static Broker broker;
    static Admin admin;

    @BeforeAll
    static void start() throws IOException {
        broker = TestBroker.start(dir, Map.of("transaction.abort.timed.out.transaction.cleanup.interval.ms", "200")).broker();
        Properties p = ClientProps.admin(bootstrap());
        admin = Admin.create(p);
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    static String bootstrap() {
        return broker.advertisedHost() + ":" + broker.port();
    }

    static KafkaProducer<String, String> producer(String transactionalId, int timeoutMs) {
        Properties p = ClientProps.transactionalProducer(bootstrap(), transactionalId, Map.of(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Integer.toString(timeoutMs),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000",
                ProducerConfig.LINGER_MS_CONFIG, "0"));
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    static KafkaConsumer<String, String> consumer(String isolation) {
        Properties p = ClientProps.consumer(bootstrap(), Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation));
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    /**
     * Everything {@code isolation} shows of the partitions from their start up to their end offsets (for
     * read_committed: the last stable offsets) at the time of the call, as "partition:value".
     */
    static List<String> readAll(String isolation, Collection<TopicPartition> tps) {
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = consumer(isolation)) {
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long deadline = System.currentTimeMillis() + 20_000;
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) out.add(r.partition() + ":" + r.value());
            }
            for (TopicPartition tp : tps) assertThat(c.position(tp)).as("position of " + tp).isEqualTo(end.get(tp));
        }
        return out;
    }

    static List<TopicPartition> createTopic(String name, int partitions) {
        broker.topics().create(name, partitions, Map.of());
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) tps.add(new TopicPartition(name, p));
        return tps;
    }

    @Test
    void aCommittedDebitAndCreditAreBothVisibleToReadCommitted() {
        List<TopicPartition> tps = createTopic("transfers-commit", 2);
        try (KafkaProducer<String, String> p = producer("transfer-1", 60_000)) {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>("transfers-commit", 0, "acct-a", "debit 100"));
            p.send(new ProducerRecord<>("transfers-commit", 1, "acct-b", "credit 100"));
            p.commitTransaction();
        }
        assertThat(readAll("read_committed", tps)).containsExactlyInAnyOrder("0:debit 100", "1:credit 100");
    }

    @Test
    void anAbortedDebitAndCreditAreInvisibleToReadCommittedAndVisibleToReadUncommitted() {
        List<TopicPartition> tps = createTopic("transfers-abort", 2);
        try (KafkaProducer<String, String> p = producer("transfer-2", 60_000)) {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>("transfers-abort", 0, "acct-a", "debit 100"));
            p.send(new ProducerRecord<>("transfers-abort", 1, "acct-b", "credit 100"));
            p.flush();
            p.abortTransaction();
            p.beginTransaction();
            p.send(new ProducerRecord<>("transfers-abort", 0, "acct-a", "debit 5"));
            p.send(new ProducerRecord<>("transfers-abort", 1, "acct-b", "credit 5"));
            p.commitTransaction();
        }
        assertThat(readAll("read_committed", tps)).containsExactlyInAnyOrder("0:debit 5", "1:credit 5");
        assertThat(readAll("read_uncommitted", tps))
                .containsExactlyInAnyOrder("0:debit 100", "1:credit 100", "0:debit 5", "1:credit 5");
    }

    @Test
    void aSecondProducerWithTheSameTransactionalIdFencesTheFirst() throws Exception {
        List<TopicPartition> tps = createTopic("fencing", 2);
        KafkaProducer<String, String> zombie = producer("fenced-id", 60_000);
        try (KafkaProducer<String, String> successor = producer("fenced-id", 60_000)) {
            zombie.initTransactions();
            zombie.beginTransaction();
            zombie.send(new ProducerRecord<>("fencing", 0, "k", "zombie-before")).get(15, TimeUnit.SECONDS);

            successor.initTransactions(); // aborts the zombie's transaction and bumps the epoch
            Throwable fenced = null;
            try {
                zombie.send(new ProducerRecord<>("fencing", 1, "k", "zombie-after")).get(15, TimeUnit.SECONDS);
                zombie.commitTransaction();
            } catch (Exception e) {
                fenced = e;
            }
            assertThat(fenced).as("the zombie cannot go on").isNotNull();
            assertThat(causes(fenced)).anyMatch(t -> t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException);
            try {
                zombie.commitTransaction();
                throw new AssertionError("a fenced producer committed");
            } catch (KafkaException e) {
                assertThat(causes(e)).anyMatch(t -> t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException);
            }

            successor.beginTransaction();
            successor.send(new ProducerRecord<>("fencing", 0, "k", "successor"));
            successor.commitTransaction();
        } finally {
            zombie.close(Duration.ZERO);
        }
        assertThat(readAll("read_committed", tps)).containsExactly("0:successor");
    }

    private static List<Throwable> causes(Throwable t) {
        List<Throwable> out = new ArrayList<>();
        for (Throwable c = t; c != null && !out.contains(c); c = c.getCause()) out.add(c);
        return out;
    }

    @Test
    void interleavedCommitsAndAbortsOfSeveralProducersOnOnePartition() {
        long seed = new Random().nextLong();
        System.out.println("interleaved: seed " + seed);
        Random rnd = new Random(seed);
        List<TopicPartition> tps = createTopic("interleaved", 1);
        List<KafkaProducer<String, String>> producers = new ArrayList<>();
        List<String> committed = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                KafkaProducer<String, String> p = producer("interleaved-" + i, 60_000);
                p.initTransactions();
                producers.add(p);
            }
            Map<Integer, List<String>> open = new HashMap<>();
            for (int step = 0; step < 60; step++) {
                int i = rnd.nextInt(producers.size());
                KafkaProducer<String, String> p = producers.get(i);
                if (!open.containsKey(i)) {
                    p.beginTransaction();
                    open.put(i, new ArrayList<>());
                }
                if (rnd.nextInt(3) > 0 || open.get(i).isEmpty()) {
                    String v = "p" + i + "-" + step;
                    p.send(new ProducerRecord<>("interleaved", 0, "k", v));
                    p.flush(); // written now, so the producers' records interleave in the log
                    open.get(i).add(v);
                } else if (rnd.nextBoolean()) {
                    p.commitTransaction();
                    committed.addAll(open.remove(i));
                } else {
                    p.abortTransaction();
                    open.remove(i);
                }
            }
            for (int i : open.keySet()) {
                producers.get(i).commitTransaction();
                committed.addAll(open.get(i));
            }
        } finally {
            producers.forEach(KafkaProducer::close);
        }
        List<String> got = readAll("read_committed", tps);
        // Exactly the committed records; in offset order, which keeps each producer's own order.
        assertThat(got).as("seed " + seed).containsExactlyInAnyOrderElementsOf(committed.stream().map(v -> "0:" + v).toList());
        for (int i = 0; i < 3; i++) {
            String prefix = "0:p" + i + "-";
            List<Integer> steps = got.stream().filter(v -> v.startsWith(prefix)).map(v -> Integer.parseInt(v.substring(prefix.length()))).toList();
            assertThat(steps).as("seed " + seed + ", producer " + i + " in order").isSorted();
        }
    }

    @Test
    void anAbandonedTransactionIsAbortedByItsTimeout() throws Exception {
        List<TopicPartition> tps = createTopic("abandoned", 1);
        KafkaProducer<String, String> p = producer("abandoned-id", 1000);
        try {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>("abandoned", 0, "k", "never")).get(15, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .until(() -> state("abandoned-id") == TransactionState.COMPLETE_ABORT);
            assertThat(state("abandoned-id")).isEqualTo(TransactionState.COMPLETE_ABORT);
            assertThat(readAll("read_committed", tps)).isEmpty();
            assertThat(readAll("read_uncommitted", tps)).containsExactly("0:never");
        } finally {
            p.close(Duration.ZERO);
        }
    }

    static TransactionState state(String transactionalId) throws Exception {
        return admin.describeTransactions(List.of(transactionalId)).all().get().get(transactionalId).state();
    }

    @Test
    void adminListsAndDescribesTransactionsAndProducers() throws Exception {
        List<TopicPartition> tps = createTopic("described", 2);
        try (KafkaProducer<String, String> p = producer("described-id", 60_000)) {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>("described", 1, "k", "v")).get(15, TimeUnit.SECONDS);

            TransactionDescription d = admin.describeTransactions(List.of("described-id")).all().get().get("described-id");
            assertThat(d.state()).isEqualTo(TransactionState.ONGOING);
            assertThat(d.topicPartitions()).containsExactly(tps.get(1));
            assertThat(d.transactionTimeoutMs()).isEqualTo(60_000);
            Collection<TransactionListing> listed = admin.listTransactions().all().get();
            assertThat(listed).anyMatch(l -> l.transactionalId().equals("described-id") && l.producerId() == d.producerId());

            List<ProducerState> producers = admin.describeProducers(List.of(tps.get(1))).partitionResult(tps.get(1)).get().activeProducers();
            assertThat(producers).hasSize(1);
            assertThat(producers.get(0).producerId()).isEqualTo(d.producerId());
            assertThat(producers.get(0).currentTransactionStartOffset()).hasValue(0L);
            p.commitTransaction();
            producers = admin.describeProducers(List.of(tps.get(1))).partitionResult(tps.get(1)).get().activeProducers();
            assertThat(producers.get(0).currentTransactionStartOffset()).isEmpty();
            assertThat(state("described-id")).isEqualTo(TransactionState.COMPLETE_COMMIT);
        }
        assertThat(Set.copyOf(readAll("read_committed", tps))).containsExactly("1:v");
    }
}
