package io.ledgerline.server.crash;

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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The durability promise under the harshest stop a process gets: a broker in a child JVM is killed with
 * SIGKILL while an idempotent acks=all producer is sending, several times. After every restart each
 * acknowledged record is present exactly once, partitions hold dense offsets, and each partition keeps the
 * order in which its acknowledged records were sent.
 *
 * <p>SIGKILL leaves the page cache intact, so this cannot show that an ack waited for fsync; the log module's
 * tests cover that with a file layer that drops unsynced writes. Seeded: rerun with -Dseed=N.
 */
class KillNineUnderLoadTest {
    private static final String TOPIC = "payments";
    private static final int PARTITIONS = 3;

    @TempDir
    Path dataDir;

    @Test
    void everyAcknowledgedRecordSurvivesRepeatedKillNine() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("KillNineUnderLoadTest seed=" + seed);
        Random random = new Random(seed);
        int port = ChildBrokerProcess.freePort();
        int cycles = 4;
        Map<String, Integer> ackedPartition = new ConcurrentHashMap<>();
        Map<Integer, List<String>> ackedOrderPerPartition = new ConcurrentHashMap<>();

        for (int cycle = 0; cycle < cycles; cycle++) {
            try (ChildBrokerProcess broker = ChildBrokerProcess.start(dataDir, port, "num.partitions=" + PARTITIONS)) {
                verify(broker.bootstrap(), ackedPartition, ackedOrderPerPartition);
                produceUntilKilled(broker, cycle, random.nextInt(400, 1500), ackedPartition, ackedOrderPerPartition);
            }
        }
        try (ChildBrokerProcess broker = ChildBrokerProcess.start(dataDir, port)) {
            verify(broker.bootstrap(), ackedPartition, ackedOrderPerPartition);
        }
        assertThat(ackedPartition.size()).as("records acknowledged over all cycles").isGreaterThan(1000);
    }

    private static void produceUntilKilled(ChildBrokerProcess broker, int cycle, int killAfterMs,
                                           Map<String, Integer> acked, Map<Integer, List<String>> order) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "5000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000"); // after the kill, send() must not block the test for a minute
        AtomicBoolean stop = new AtomicBoolean();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            Thread sender = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String value = "c" + cycle + "-" + i;
                    int partition = i % PARTITIONS;
                    // Acks of one partition arrive in send order (one producer, idempotent): record the order seen.
                    try {
                        producer.send(new ProducerRecord<>(TOPIC, partition, "k" + i, value), (md, err) -> {
                        if (err == null) {
                            acked.put(value, md.partition());
                            order.computeIfAbsent(md.partition(), x -> java.util.Collections.synchronizedList(new ArrayList<>())).add(value);
                        }
                    });
                    } catch (org.apache.kafka.common.KafkaException e) {
                        return; // the broker is gone: send() timed out waiting for metadata or buffer space
                    }
                }
            });
            sender.start();
            Thread.sleep(killAfterMs); // the load runs for a seeded time before the kill; not a wait for a condition
            broker.kill9();
            stop.set(true);
            sender.join(30_000);
            producer.close(Duration.ofSeconds(5));
        }
        System.out.println("cycle " + cycle + ": killed after " + killAfterMs + " ms; acknowledged so far " + acked.size());
    }

    private static void verify(String bootstrap, Map<String, Integer> acked, Map<Integer, List<String>> order) {
        if (acked.isEmpty()) return; // first start: the producer creates the topic
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        Map<Integer, List<String>> stored = new HashMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < PARTITIONS; i++) tps.add(new TopicPartition(TOPIC, i));
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            Map<Integer, Long> expectNext = new HashMap<>();
            long deadline = System.currentTimeMillis() + 60_000;
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    long want = expectNext.getOrDefault(r.partition(), 0L);
                    assertThat(r.offset()).as("dense offsets in partition %d", r.partition()).isEqualTo(want);
                    expectNext.put(r.partition(), want + 1);
                    stored.computeIfAbsent(r.partition(), x -> new ArrayList<>()).add(r.value());
                }
            }
            for (TopicPartition tp : tps) assertThat(c.position(tp)).as("read to the end of %s", tp).isEqualTo(end.get(tp));
        }
        Set<String> seen = new HashSet<>();
        for (List<String> values : stored.values()) {
            for (String v : values) assertThat(seen.add(v)).as("record %s stored twice", v).isTrue();
        }
        Map<Integer, Set<String>> storedSets = new HashMap<>();
        stored.forEach((partition, values) -> storedSets.put(partition, new HashSet<>(values)));
        List<String> lost = new ArrayList<>();
        for (Map.Entry<String, Integer> e : acked.entrySet()) {
            if (!storedSets.getOrDefault(e.getValue(), Set.of()).contains(e.getKey())) lost.add(e.getKey());
        }
        assertThat(lost).as("acknowledged records missing after restart").isEmpty();
        for (Map.Entry<Integer, List<String>> e : order.entrySet()) {
            List<String> ackedOrder;
            synchronized (e.getValue()) {
                ackedOrder = new ArrayList<>(e.getValue());
            }
            List<String> storedAcked = stored.getOrDefault(e.getKey(), List.of()).stream().filter(acked::containsKey).toList();
            assertThat(storedAcked).as("partition %d keeps the acknowledged order", e.getKey()).containsExactlyElementsOf(ackedOrder);
        }
    }
}
