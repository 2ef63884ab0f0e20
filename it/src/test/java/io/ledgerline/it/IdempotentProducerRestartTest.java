package io.ledgerline.it;

import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.Sequenced;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Promise 5 (exactly once): an idempotent producer's records are stored once and in order although the
 * broker restarts (cleanly) under it. Runs on a broker of its own, since it restarts it.
 */
class IdempotentProducerRestartTest {
    private static final int PARTITIONS = 3;

    private static BrokerTarget broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = BrokerTarget.start(Map.of("auto.create.topics.enable", "false"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) broker.close();
    }

    /**
     * 2,000 records acknowledged; then records keep coming, 10 every 20 ms, while the broker stops and
     * starts in another thread, so that some are in flight when connections close and are retried; then
     * 2,000 more. The producer's retries must not store a batch twice, and none may be lost or reordered.
     */
    @Test
    void sameIdempotentProducerKeepsSendingAcrossARestartWithoutDuplicatesGapsOrReordering() throws Exception {
        String topic = createTopic(PARTITIONS);
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        int sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
            send(producer, topic, sent, 2000, errors);
            sent += 2000;
            producer.flush();
            CompletableFuture<Void> restart = CompletableFuture.runAsync(() -> {
                try {
                    broker.restart();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            while (!restarted(restart)) {
                send(producer, topic, sent, 10, errors);
                sent += 10;
            }
            send(producer, topic, sent, 2000, errors);
            sent += 2000;
            producer.flush();
            System.out.printf("[it] %d records sent during the restart, producer retries: %s%n",
                    sent - 4000, metric(producer, "record-retry-total"));
        }

        assertThat(errors).as("send errors").isEmpty();
        Sequenced.assertEachOnceInOrder(readAll(topic, PARTITIONS), sent, 0);
    }

    /** Waits up to 20 ms for the restart to finish; rethrows its failure. */
    private static boolean restarted(CompletableFuture<Void> restart) throws Exception {
        try {
            restart.get(20, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    @Test
    void newProducerAfterARestartAppendsAfterTheRecordsStoredBeforeIt() throws Exception {
        String topic = createTopic(1);
        Uuid idBefore = topicId(topic);
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
            send(producer, topic, 0, 1000, errors);
        }

        broker.restart();

        assertThat(topicId(topic)).as("topic id survives the restart").isEqualTo(idBefore);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
            send(producer, topic, 1000, 1000, errors);
        }
        assertThat(errors).as("send errors").isEmpty();
        Sequenced.assertEachOnceInOrder(readAll(topic, 1), 2000, 0);
    }

    private static Object metric(KafkaProducer<?, ?> producer, String name) {
        return producer.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics"))
                .map(e -> e.getValue().metricValue()).findFirst().orElse("n/a");
    }

    private static String createTopic(int partitions) throws Exception {
        String topic = Clients.uniqueTopic("idempotent-restart");
        try (Admin admin = Clients.admin(broker)) {
            Clients.createTopic(admin, topic, partitions, Map.of());
        }
        return topic;
    }

    private static Uuid topicId(String topic) throws Exception {
        try (Admin admin = Clients.admin(broker)) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).topicId();
        }
    }

    /** Sends sequence numbers first..first+count-1, round robin over the partitions, without waiting. */
    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, int first, int count,
                             ConcurrentLinkedQueue<String> errors) {
        int partitions = producer.partitionsFor(topic).size();
        for (int seq = first; seq < first + count; seq++) {
            int s = seq;
            producer.send(new ProducerRecord<>(topic, seq % partitions, null, null, new byte[100], List.<Header>of(Sequenced.header(seq))),
                    (md, e) -> { if (e != null) errors.add("seq " + s + ": " + e); });
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int partitions) {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker)) {
            return Clients.readAll(consumer, Clients.partitions(topic, partitions));
        }
    }
}
