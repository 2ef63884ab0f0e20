package io.ledgerline.it.client;

import io.ledgerline.client.AsyncProcessor;
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

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.ledgerline.it.client.Processors.bytes;
import static io.ledgerline.it.client.Processors.string;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second processor joins the group mid-stream, then the first leaves: on each revocation the revoked
 * partitions' calls under way finish and are committed before the new owner starts, so every input comes out
 * exactly once (a graceful hand-over repeats nothing; only a crash may).
 */
@ExtendWith(SharedBroker.class)
class ProcessorRebalanceTest {
    private static final int PARTITIONS = 4;
    private static final int RECORDS = 2_000;

    @Test
    void aProcessorJoiningAndOneLeavingMidStreamLoseAndRepeatNothing(BrokerTarget broker) throws Exception {
        long seed = Seeds.seed("ProcessorRebalanceTest");
        Random random = new Random(seed);
        String in = Clients.uniqueTopic("proc-rebalance-in");
        String out = Clients.uniqueTopic("proc-rebalance-out");
        String dlq = Clients.uniqueTopic("proc-rebalance-dlq");
        try (Admin admin = Clients.admin(broker)) {
            Processors.createTopics(admin, in, out, dlq, PARTITIONS);
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>(in, bytes("key" + random.nextInt(200)), bytes("v-" + i)));
                }
                producer.flush();
            }
            String group = Clients.uniqueTopic("proc-rebalance");
            // 2,000 calls of 20 ms on average, 8 at a time: several seconds for the first processor alone
            try (StubModel modelA = new StubModel(random.nextLong(), 20, 0);
                 StubModel modelB = new StubModel(random.nextLong(), 20, 0)) {
                AsyncProcessor<String, byte[], String> first = Processors.builder(broker, group, in, out)
                        .deadLetterTopic(dlq).function(modelA).maxInFlight(8).build().start();
                AsyncProcessor<String, byte[], String> second;
                try {
                    Processors.awaitRecords(broker, out, PARTITIONS, 200);
                    second = Processors.builder(broker, group, in, out)
                            .deadLetterTopic(dlq).function(modelB).maxInFlight(8).build().start();
                    Processors.awaitRecords(broker, out, PARTITIONS, 800);
                    assertThat(first.assignmentCount()).as("the first processor went through a rebalance").isGreaterThanOrEqualTo(2);
                    assertThat(modelB.calls.get()).as("the second processor took partitions").isPositive();
                } finally {
                    first.close();
                }
                try {
                    Processors.awaitCommittedToEnd(admin, group, in, PARTITIONS);
                    assertThat(first.failure()).isEmpty();
                    assertThat(second.failure()).isEmpty();
                } finally {
                    second.close();
                }
            }
            List<ConsumerRecord<byte[], byte[]>> outputs = Processors.awaitRecords(broker, out, PARTITIONS, RECORDS);
            Map<String, Integer> times = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : outputs) times.merge(string(r.value()), 1, Integer::sum);
            assertThat(times).hasSize(RECORDS);
            assertThat(times.values()).as("outputs written twice (seed %d)", seed).allMatch(n -> n == 1);
            assertThat(outputs).hasSize(RECORDS);
        }
    }
}
