package io.ledgerline.it;

import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBrokerTest;
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
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Promise 5 (exactly once), transactions with the official clients, on Ledgerline and Apache Kafka alike: a
 * debit and a credit in one transaction are both visible to read_committed once committed and neither once
 * aborted (read_uncommitted sees them); a second producer with the same transactional id fences the first;
 * interleaved commits and aborts of several producers on one partition leave read_committed exactly the
 * committed records, in order.
 */
class TransactionsTest extends SharedBrokerTest {

    private static KafkaProducer<byte[], byte[]> producer(String transactionalId) {
        return Clients.producer(broker, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Clients.PATIENCE.toMillis()));
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int partition, String value) {
        return new ProducerRecord<>(topic, partition, null, value.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> read(String isolation, List<TopicPartition> tps) {
        try (KafkaConsumer<byte[], byte[]> c = Clients.consumer(broker, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation))) {
            List<String> out = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : Clients.readAll(c, tps)) {
                out.add(r.partition() + ":" + new String(r.value(), StandardCharsets.UTF_8));
            }
            return out;
        }
    }

    @Test
    void aTransferIsVisibleWholeWhenCommittedAndNotAtAllWhenAborted() throws Exception {
        String topic = Clients.uniqueTopic("transfers");
        Clients.createTopic(admin, topic, 2, Map.of());
        List<TopicPartition> tps = Clients.partitions(topic, 2);
        try (KafkaProducer<byte[], byte[]> p = producer(topic + "-tx")) {
            p.initTransactions();
            p.beginTransaction();
            p.send(record(topic, 0, "debit-1"));
            p.send(record(topic, 1, "credit-1"));
            p.commitTransaction();
            p.beginTransaction();
            p.send(record(topic, 0, "debit-2"));
            p.send(record(topic, 1, "credit-2"));
            p.flush();
            p.abortTransaction();
        }
        assertThat(read("read_committed", tps)).containsExactlyInAnyOrder("0:debit-1", "1:credit-1");
        assertThat(read("read_uncommitted", tps)).containsExactlyInAnyOrder("0:debit-1", "1:credit-1", "0:debit-2", "1:credit-2");
    }

    @Test
    void theOlderOfTwoProducersWithOneTransactionalIdIsFenced() throws Exception {
        String topic = Clients.uniqueTopic("fencing");
        Clients.createTopic(admin, topic, 1, Map.of());
        KafkaProducer<byte[], byte[]> zombie = producer(topic + "-tx");
        try (KafkaProducer<byte[], byte[]> successor = producer(topic + "-tx")) {
            zombie.initTransactions();
            zombie.beginTransaction();
            zombie.send(record(topic, 0, "zombie-1")).get(60, TimeUnit.SECONDS);
            successor.initTransactions();
            Exception fenced = null;
            try {
                zombie.send(record(topic, 0, "zombie-2")).get(60, TimeUnit.SECONDS);
                zombie.commitTransaction();
            } catch (KafkaException | java.util.concurrent.ExecutionException e) {
                fenced = e;
            }
            assertThat(fenced).isNotNull();
            List<Throwable> causes = new ArrayList<>();
            for (Throwable t = fenced; t != null && !causes.contains(t); t = t.getCause()) causes.add(t);
            assertThat(causes).anyMatch(t -> t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException);
            successor.beginTransaction();
            successor.send(record(topic, 0, "successor"));
            successor.commitTransaction();
        } finally {
            zombie.close(java.time.Duration.ZERO);
        }
        assertThat(read("read_committed", Clients.partitions(topic, 1))).containsExactly("0:successor");
    }

    @Test
    void interleavedCommitsAndAbortsLeaveExactlyTheCommittedRecordsInOrder() throws Exception {
        String topic = Clients.uniqueTopic("interleaved");
        Clients.createTopic(admin, topic, 1, Map.of());
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        List<KafkaProducer<byte[], byte[]>> producers = new ArrayList<>();
        List<String> committed = new ArrayList<>();
        Map<Integer, List<String>> open = new HashMap<>();
        try {
            for (int i = 0; i < 3; i++) {
                KafkaProducer<byte[], byte[]> p = producer(topic + "-tx-" + i);
                p.initTransactions();
                producers.add(p);
            }
            for (int step = 0; step < 45; step++) {
                int i = rnd.nextInt(producers.size());
                KafkaProducer<byte[], byte[]> p = producers.get(i);
                if (!open.containsKey(i)) {
                    p.beginTransaction();
                    open.put(i, new ArrayList<>());
                }
                if (rnd.nextInt(3) > 0 || open.get(i).isEmpty()) {
                    String v = "p" + i + "-" + step;
                    p.send(record(topic, 0, v)).get(60, TimeUnit.SECONDS);
                    open.get(i).add("0:" + v);
                } else if (rnd.nextBoolean()) {
                    p.commitTransaction();
                    committed.addAll(open.remove(i));
                } else {
                    p.abortTransaction();
                    open.remove(i);
                }
            }
            for (Map.Entry<Integer, List<String>> e : open.entrySet()) {
                producers.get(e.getKey()).commitTransaction();
                committed.addAll(e.getValue());
            }
        } finally {
            producers.forEach(KafkaProducer::close);
        }
        List<String> got = read("read_committed", Clients.partitions(topic, 1));
        assertThat(got).as("seed " + seed).containsExactlyInAnyOrderElementsOf(committed);
        for (int i = 0; i < 3; i++) {
            String prefix = "0:p" + i + "-";
            List<Integer> steps = got.stream().filter(v -> v.startsWith(prefix)).map(v -> Integer.parseInt(v.substring(prefix.length()))).toList();
            assertThat(steps).as("seed " + seed + ", producer " + i + " in order").isSorted();
        }
    }
}
