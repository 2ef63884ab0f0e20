package io.ledgerline.broker.txn;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.config.BrokerConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Consume-transform-produce with sendOffsetsToTransaction (official clients): the output records and the
 * input offsets commit together, so an application that dies mid-transaction and is restarted — with the broker
 * restarted too — produces every input exactly once; and a consumer whose group metadata is stale cannot
 * commit offsets in a transaction.
 */
class ConsumeTransformProduceTest {
    private static final int INPUT = 120;

    @TempDir
    Path dir;
    Broker broker;

    private void start() throws IOException {
        broker = Broker.start(BrokerConfig.of(Map.of("data.dir", dir.toString(), "listen", "127.0.0.1:0",
                "group.initial.rebalance.delay.ms", "0")));
    }

    @AfterEach
    void stop() {
        if (broker != null) broker.close();
    }

    private String bootstrap() {
        return broker.advertisedHost() + ":" + broker.port();
    }

    private KafkaProducer<String, String> producer(String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        if (transactionalId != null) p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private KafkaConsumer<String, String> consumer(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "7");
        // A killed member leaves no LeaveGroup: the next run's join waits for its session to expire.
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    /**
     * One application run: consumes "in", writes "out-" + value to "out" and the consumed offsets in one
     * transaction per poll. Stops after {@code transactions} commits, or — when {@code dieAfter} is reached — in
     * the middle of a transaction whose records and offsets were sent but not committed, as a crash would.
     * A run without a planned death stops once it has committed the whole input.
     */
    private void run(int transactions, boolean dieMidTransaction) {
        KafkaProducer<String, String> producer = producer("ctp-app");
        KafkaConsumer<String, String> consumer = consumer("ctp");
        boolean clean = false;
        try {
            producer.initTransactions();
            consumer.subscribe(List.of("in"));
            int done = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            while (done < transactions && System.currentTimeMillis() < deadline) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) continue;
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                for (ConsumerRecord<String, String> r : records) {
                    producer.send(new ProducerRecord<>("out", r.partition(), r.key(), "out-" + r.value()));
                    next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
                if (dieMidTransaction && done == transactions - 1) {
                    producer.flush();
                    return; // killed: no commit, no abort, no LeaveGroup
                }
                producer.commitTransaction();
                done++;
                if (!dieMidTransaction && drained(consumer)) break;
            }
            clean = true;
        } finally {
            producer.close(clean ? Duration.ofSeconds(5) : Duration.ZERO);
            consumer.close(Duration.ZERO);
        }
    }

    private static boolean drained(KafkaConsumer<String, String> consumer) {
        List<TopicPartition> in = List.of(new TopicPartition("in", 0), new TopicPartition("in", 1));
        return consumer.assignment().containsAll(in) && in.stream().allMatch(tp -> consumer.position(tp) >= INPUT / 2);
    }

    private List<String> readCommitted(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long deadline = System.currentTimeMillis() + 20_000;
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) out.add(r.value());
            }
        }
        return out;
    }

    @Test
    void killedAndRestartedMidStreamTheOutputHasEveryInputExactlyOnce() throws Exception {
        start();
        broker.topics().create("in", 2, Map.of());
        broker.topics().create("out", 2, Map.of());
        List<String> expected = new ArrayList<>();
        try (KafkaProducer<String, String> p = producer(null)) {
            for (int i = 0; i < INPUT; i++) {
                p.send(new ProducerRecord<>("in", i % 2, "k" + i, "v" + i));
                expected.add("out-v" + i);
            }
        }
        run(3, true); // dies inside its third transaction
        broker.close(); // and the broker restarts: pending offsets and the open transaction are replayed
        start();
        run(4, true); // the restart fences and aborts the open transaction, then dies again
        run(Integer.MAX_VALUE, false); // until the input is drained (bounded by its deadline)

        List<String> out = readCommitted("out");
        assertThat(out).hasSize(INPUT).containsExactlyInAnyOrderElementsOf(expected);
        Map<TopicPartition, OffsetAndMetadata> committed;
        try (KafkaConsumer<String, String> c = consumer("ctp")) {
            committed = c.committed(java.util.Set.of(new TopicPartition("in", 0), new TopicPartition("in", 1)));
        }
        assertThat(committed.get(new TopicPartition("in", 0)).offset()).isEqualTo(INPUT / 2);
        assertThat(committed.get(new TopicPartition("in", 1)).offset()).isEqualTo(INPUT / 2);
    }

    @Test
    void staleGroupMetadataCannotCommitOffsetsInATransaction() throws Exception {
        start();
        broker.topics().create("in", 2, Map.of());
        TopicPartition tp = new TopicPartition("in", 0);
        try (KafkaProducer<String, String> p = producer("stale-app")) {
            p.initTransactions();
            p.beginTransaction();
            try (KafkaConsumer<String, String> c = consumer("stale")) {
                c.subscribe(List.of("in"));
                long deadline = System.currentTimeMillis() + 20_000;
                while (c.assignment().isEmpty() && System.currentTimeMillis() < deadline) c.poll(Duration.ofMillis(100));
                ConsumerGroupMetadata real = c.groupMetadata();
                ConsumerGroupMetadata stale = new ConsumerGroupMetadata(real.groupId(), real.generationId() + 5, real.memberId(), Optional.empty());
                assertThatThrownBy(() -> p.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(1)), stale))
                        .isInstanceOf(KafkaException.class);
                p.abortTransaction();
                p.beginTransaction();
                p.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(1)), real);
                p.commitTransaction();
                assertThat(c.committed(java.util.Set.of(tp)).get(tp).offset()).isEqualTo(1);
            }
        }
    }
}
