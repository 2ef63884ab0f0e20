package io.ledgerline.it.client;

import io.ledgerline.client.DeadLetters;
import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.Seeds;
import io.ledgerline.it.harness.SharedBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.ledgerline.it.client.Processors.bytes;
import static io.ledgerline.it.client.Processors.header;
import static io.ledgerline.it.client.Processors.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The processor (a child JVM) is SIGKILLed mid-stream three times, at random amounts of progress, and restarted.
 * Default mode (commit after produce): in the end every input has at least one output or dead letter, never none
 * (the records under way or done since the last commit at a kill may come out twice). Exactly-once mode (one
 * transactional.id across the restarts): read_committed sees exactly one output or dead letter per input.
 */
@ExtendWith(SharedBroker.class)
class ProcessorKilledMidStreamTest {
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 3_000;
    private static final int KILLS = 3;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"at-least-once", "exactly-once"})
    void everyInputYieldsAnOutputOrADeadLetterAfterRepeatedSigkills(String mode, BrokerTarget broker) throws Exception {
        long seed = Seeds.seed("ProcessorKilledMidStreamTest." + mode);
        boolean exactlyOnce = mode.equals("exactly-once");
        Random random = new Random(seed);
        String in = Clients.uniqueTopic("proc-kill-in");
        String out = Clients.uniqueTopic("proc-kill-out");
        String dlq = Clients.uniqueTopic("proc-kill-dlq");
        String group = Clients.uniqueTopic("proc-kill");
        String transactionalId = exactlyOnce ? group + "-0" : null;
        Set<String> inputs = new HashSet<>();
        try (Admin admin = Clients.admin(broker)) {
            Processors.createTopics(admin, in, out, dlq, PARTITIONS);
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
                for (int i = 0; i < RECORDS; i++) {
                    // 2% are refused by the stub model (terminal): they must reach the DLQ
                    String value = (random.nextInt(50) == 0 ? "bad-" : "v-") + i;
                    inputs.add(value);
                    producer.send(new ProducerRecord<>(in, bytes("key" + random.nextInt(100)), bytes(value)));
                }
                producer.flush();
            }
            long progress = 0;
            for (int kill = 1; kill <= KILLS; kill++) {
                long target = progress + 200 + random.nextInt(500);
                try (ChildProcessorApp child = new ChildProcessorApp(broker.bootstrapServers(), group, in, out, dlq,
                        random.nextLong(), transactionalId)) {
                    assertThat(child.awaitAssigned(Clients.PATIENCE)).as("child processor joined").isTrue();
                    await("kill " + kill + ": outputs reach " + target).atMost(Clients.PATIENCE.multipliedBy(2))
                            .until(() -> written(admin, out, dlq) >= target);
                    child.kill9();
                    assertThat(child.failed()).isFalse();
                }
                progress = written(admin, out, dlq);
                System.out.printf("[it] kill %d after %d outputs and dead letters%n", kill, progress);
            }
            try (ChildProcessorApp child = new ChildProcessorApp(broker.bootstrapServers(), group, in, out, dlq, random.nextLong(),
                    transactionalId)) {
                assertThat(child.awaitAssigned(Clients.PATIENCE)).isTrue();
                Processors.awaitCommittedToEnd(admin, group, in, PARTITIONS);
                assertThat(child.failed()).isFalse();
            }
            List<ConsumerRecord<byte[], byte[]>> outputs;
            List<ConsumerRecord<byte[], byte[]>> dead;
            try (KafkaConsumer<byte[], byte[]> reader = Clients.consumer(broker,
                    Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, exactlyOnce ? "read_committed" : "read_uncommitted"))) {
                outputs = Clients.readAll(reader, Clients.partitions(out, PARTITIONS));
                dead = Clients.readAll(reader, List.of(new TopicPartition(dlq, 0)));
            }
            Map<String, Integer> times = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : outputs) {
                String v = string(r.value());
                assertThat(v).startsWith("enriched:v-");
                times.merge(v.substring("enriched:".length()), 1, Integer::sum);
            }
            for (ConsumerRecord<byte[], byte[]> r : dead) {
                String v = string(r.value());
                assertThat(header(r, DeadLetters.TOPIC)).isEqualTo(in);
                if (v.startsWith("bad-")) {
                    assertThat(header(r, DeadLetters.REASON)).isEqualTo("terminal");
                } else {
                    // the stub's 5% random failures can, rarely, fail every attempt: a legitimate dead letter
                    assertThat(v).startsWith("v-");
                    assertThat(header(r, DeadLetters.EXCEPTION_MESSAGE)).isEqualTo("random failure");
                    assertThat(header(r, DeadLetters.REASON)).isIn("attempts-exhausted", "retry-budget-exhausted");
                }
                times.merge(v, 1, Integer::sum);
            }
            Set<String> missing = new HashSet<>(inputs);
            missing.removeAll(times.keySet());
            assertThat(missing).as("inputs without an output or dead letter (seed %d)", seed).isEmpty();
            assertThat(times.keySet()).isEqualTo(inputs);
            long repeated = times.values().stream().filter(n -> n > 1).count();
            System.out.printf("[it] %s: %d inputs, %d outputs + dead letters, %d inputs written more than once%n",
                    mode, inputs.size(), outputs.size() + dead.size(), repeated);
            if (exactlyOnce) {
                // read_uncommitted also sees the records of the transactions the kills left open (aborted since)
                try (KafkaConsumer<byte[], byte[]> reader = Clients.consumer(broker)) {
                    int all = Clients.readAll(reader, Clients.partitions(out, PARTITIONS)).size()
                            + Clients.readAll(reader, List.of(new TopicPartition(dlq, 0))).size();
                    System.out.printf("[it] exactly-once: %d records written, %d of them in aborted transactions%n",
                            all, all - RECORDS);
                }
                assertThat(repeated).as("inputs with more than one committed output or dead letter (seed %d)", seed).isZero();
                assertThat(outputs.size() + dead.size()).isEqualTo(RECORDS);
            }
        }
    }

    private static long written(Admin admin, String out, String dlq) throws Exception {
        long sum = end(admin, new TopicPartition(dlq, 0));
        for (TopicPartition tp : Clients.partitions(out, PARTITIONS)) sum += end(admin, tp);
        return sum;
    }

    private static long end(Admin admin, TopicPartition tp) throws Exception {
        return Clients.offset(admin, tp, OffsetSpec.latest());
    }
}
