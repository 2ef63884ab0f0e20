package io.ledgerline.it.client;

import io.ledgerline.client.AsyncProcessor;
import io.ledgerline.client.DeadLetters;
import io.ledgerline.client.RetryPolicy;
import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.Seeds;
import io.ledgerline.it.harness.SharedBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.ledgerline.it.client.Processors.bytes;
import static io.ledgerline.it.client.Processors.header;
import static io.ledgerline.it.client.Processors.string;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Terminal failures, exhausted retries and calls that never answer end in the dead-letter topic with the input's
 * raw key, value and headers and Kafka Connect's error headers; a flaky record is retried to success; the rest
 * go through. Nothing stalls: the group commits to the end of the input.
 */
@ExtendWith(SharedBroker.class)
class ProcessorDeadLetterTest {
    @Test
    void failuresReachTheDeadLetterTopicWithRawBytesAndConnectHeaders(BrokerTarget broker) throws Exception {
        long seed = Seeds.seed("ProcessorDeadLetterTest");
        String in = Clients.uniqueTopic("proc-dlq-in");
        String out = Clients.uniqueTopic("proc-dlq-out");
        String dlq = Clients.uniqueTopic("proc-dlq-dlq");
        // the values: bad* is refused (terminal), hang* never answers (timeout, retried, then dead), flaky* fails twice
        // then answers, the binary one is refused by its prefix too and must come back byte for byte
        byte[] binary = new byte[] {'b', 'a', 'd', 0, (byte) 0xff, (byte) 0xfe, 10, 13, (byte) 0x80};
        List<byte[]> values = List.of(bytes("ok-1"), bytes("bad-1"), bytes("hang-1"), bytes("flaky-1"), binary, bytes("ok-2"),
                bytes("hang-2"), bytes("ok-3"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Admin admin = Clients.admin(broker)) {
            Processors.createTopics(admin, in, out, dlq, 1);
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
                for (int i = 0; i < values.size(); i++) {
                    RecordHeaders headers = new RecordHeaders();
                    headers.add("trace", bytes("t" + i));
                    producer.send(new ProducerRecord<>(in, 0, i == 4 ? null : bytes("key-" + i), values.get(i), headers));
                }
                producer.flush();
            }
            String group = Clients.uniqueTopic("proc-dlq");
            try (StubModel model = new StubModel(seed, 2, 0);
                 AsyncProcessor<String, byte[], String> processor = Processors.builder(broker, group, in, out)
                         .deadLetterTopic(dlq).function(model).meterRegistry(meters)
                         .callTimeout(Duration.ofMillis(300))
                         .retryPolicy(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(40), 0.5))
                         .build().start()) {
                List<ConsumerRecord<byte[], byte[]>> dead = Processors.awaitRecords(broker, dlq, 1, 4);
                List<ConsumerRecord<byte[], byte[]>> outputs = Processors.awaitRecords(broker, out, 1, 4);
                Processors.awaitCommittedToEnd(admin, group, in, 1);

                assertThat(outputs).extracting(r -> string(r.value()))
                        .containsExactlyInAnyOrder("enriched:ok-1", "enriched:flaky-1", "enriched:ok-2", "enriched:ok-3");
                assertThat(outputs).allSatisfy(r -> assertThat(header(r, "trace")).isNotNull());
                assertThat(model.callsFor("flaky-1")).isEqualTo(3);

                Map<String, ConsumerRecord<byte[], byte[]>> byOffset = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : dead) byOffset.put(header(r, DeadLetters.OFFSET), r);
                assertThat(byOffset).containsOnlyKeys("1", "2", "4", "6");
                for (ConsumerRecord<byte[], byte[]> r : dead) {
                    int offset = Integer.parseInt(header(r, DeadLetters.OFFSET));
                    assertThat(r.value()).as("raw value of offset %d", offset).isEqualTo(values.get(offset));
                    assertThat(r.key()).isEqualTo(offset == 4 ? null : bytes("key-" + offset));
                    assertThat(header(r, "trace")).isEqualTo("t" + offset);
                    assertThat(header(r, DeadLetters.TOPIC)).isEqualTo(in);
                    assertThat(header(r, DeadLetters.PARTITION)).isEqualTo("0");
                    assertThat(header(r, DeadLetters.CONNECTOR_NAME)).isEqualTo(group);
                    assertThat(header(r, DeadLetters.EXECUTING_CLASS)).isEqualTo(StubModel.class.getName());
                    assertThat(header(r, DeadLetters.EXCEPTION_STACK_TRACE)).contains("\tat ");
                }
                ConsumerRecord<byte[], byte[]> refused = byOffset.get("1");
                assertThat(header(refused, DeadLetters.EXCEPTION)).isEqualTo("io.ledgerline.client.TerminalFailure");
                assertThat(header(refused, DeadLetters.EXCEPTION_MESSAGE)).isEqualTo("the model refused bad-1");
                assertThat(header(refused, DeadLetters.REASON)).isEqualTo("terminal");
                assertThat(header(refused, DeadLetters.ATTEMPTS)).isEqualTo("1");
                for (String hung : List.of("2", "6")) {
                    ConsumerRecord<byte[], byte[]> r = byOffset.get(hung);
                    assertThat(header(r, DeadLetters.EXCEPTION)).isEqualTo("java.util.concurrent.TimeoutException");
                    assertThat(header(r, DeadLetters.EXCEPTION_MESSAGE)).isEqualTo("call 3 did not complete within PT0.3S");
                    assertThat(header(r, DeadLetters.REASON)).isEqualTo("attempts-exhausted");
                    assertThat(header(r, DeadLetters.ATTEMPTS)).isEqualTo("3");
                }
                assertThat(Arrays.equals(byOffset.get("4").value(), binary)).isTrue();

                assertThat(meters.get("ledgerline.processor.dlq").counter().count()).isEqualTo(4);
                assertThat(meters.get("ledgerline.processor.timeouts").counter().count()).isEqualTo(6);
                // flaky-1: 2 retries; hang-1, hang-2: 2 each
                assertThat(meters.get("ledgerline.processor.retries").counter().count()).isEqualTo(6);
                assertThat(meters.get("ledgerline.processor.outputs").counter().count()).isEqualTo(4);
                assertThat(meters.get("ledgerline.processor.call").tag("outcome", "success").timer().count()).isEqualTo(4);
                assertThat(processor.failure()).isEmpty();
            }
        }
    }
}
