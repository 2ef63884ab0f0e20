package io.ledgerline.it.client;

import io.ledgerline.client.AsyncProcessor;
import io.ledgerline.client.Ordering;
import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.Seeds;
import io.ledgerline.it.harness.SharedBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.ledgerline.it.client.Processors.bytes;
import static io.ledgerline.it.client.Processors.string;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-key order under random latencies: with {@link Ordering#KEY} the outputs of one key come out in the
 * input's order although calls of different keys run at the same time and finish in any order.
 */
@ExtendWith(SharedBroker.class)
class ProcessorKeyOrderTest {
    private static final int PARTITIONS = 4;
    private static final int KEYS = 40;
    private static final int RECORDS = 2_000;

    @Test
    void outputsOfOneKeyKeepTheInputOrderWhileKeysRunConcurrently(BrokerTarget broker) throws Exception {
        long seed = Seeds.seed("ProcessorKeyOrderTest");
        Random random = new Random(seed);
        String in = Clients.uniqueTopic("proc-order-in");
        String out = Clients.uniqueTopic("proc-order-out");
        String dlq = Clients.uniqueTopic("proc-order-dlq");
        Map<String, List<Integer>> sent = new HashMap<>();
        try (Admin admin = Clients.admin(broker)) {
            Processors.createTopics(admin, in, out, dlq, PARTITIONS);
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
                for (int i = 0; i < RECORDS; i++) {
                    String key = "key" + random.nextInt(KEYS);
                    int seq = sent.computeIfAbsent(key, k -> new ArrayList<>()).size();
                    sent.get(key).add(seq);
                    producer.send(new ProducerRecord<>(in, bytes(key), bytes(key + ":" + seq)));
                }
                producer.flush();
            }
            String group = Clients.uniqueTopic("proc-order");
            // mean 5 ms, log-normal: calls finish in an order unrelated to their start
            try (StubModel model = new StubModel(seed, 5, 0);
                 AsyncProcessor<String, byte[], String> processor = Processors.builder(broker, group, in, out)
                         .deadLetterTopic(dlq).function(model).ordering(Ordering.KEY).maxInFlight(32).build().start()) {
                List<ConsumerRecord<byte[], byte[]>> outputs = Processors.awaitRecords(broker, out, PARTITIONS, RECORDS);
                Processors.awaitCommittedToEnd(admin, group, in, PARTITIONS);

                Map<String, List<Integer>> seen = new HashMap<>();
                Set<String> distinct = new HashSet<>();
                for (ConsumerRecord<byte[], byte[]> r : outputs) {
                    String value = string(r.value());
                    assertThat(value).startsWith("enriched:");
                    String[] keySeq = value.substring("enriched:".length()).split(":");
                    assertThat(string(r.key())).isEqualTo(keySeq[0]);
                    distinct.add(value);
                    seen.computeIfAbsent(keySeq[0], k -> new ArrayList<>()).add(Integer.parseInt(keySeq[1]));
                }
                assertThat(outputs).as("one output per input in a run without crash or rebalance").hasSize(RECORDS);
                assertThat(distinct).hasSize(RECORDS);
                // one key is one output partition, read in offset order: the order the processor produced it
                assertThat(seen).as("outputs per key, in output order (seed %d)", seed).isEqualTo(sent);
                assertThat(model.sameKeyOverlaps.get()).as("calls of one key that overlapped").isZero();
                assertThat(model.maxActive.get()).as("calls under way at once (keys concurrent)").isGreaterThan(1)
                        .isLessThanOrEqualTo(32);
                assertThat(processor.failure()).isEmpty();
            }
        }
    }
}
