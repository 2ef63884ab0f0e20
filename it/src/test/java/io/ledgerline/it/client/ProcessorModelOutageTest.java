package io.ledgerline.it.client;

import io.ledgerline.client.AsyncProcessor;
import io.ledgerline.client.DeadLetters;
import io.ledgerline.client.RetryBudget;
import io.ledgerline.client.RetryPolicy;
import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.Seeds;
import io.ledgerline.it.harness.SharedBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.ledgerline.it.client.Processors.bytes;
import static io.ledgerline.it.client.Processors.header;
import static io.ledgerline.it.client.Processors.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A model outage (every call hangs) lasting far longer than {@code max.poll.interval.ms}: each record times
 * out, is retried within the retry budget and then goes to the fallback (the input, marked) or the dead-letter
 * topic; the processor keeps polling, so the group never rebalances (same generation, one assignment), and once
 * the model is back the lag drains to zero.
 */
@ExtendWith(SharedBroker.class)
class ProcessorModelOutageTest {
    private static final int HEALTHY = 100;
    private static final int DURING_OUTAGE = 300;
    private static final int MAX_IN_FLIGHT = 20;
    private static final Duration CALL_TIMEOUT = Duration.ofMillis(200);
    /** Far below the outage's length: DURING_OUTAGE calls of CALL_TIMEOUT each, MAX_IN_FLIGHT at a time, is 3 s. */
    private static final int MAX_POLL_INTERVAL_MS = 1500;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fallback", "dead-letter"})
    void anOutageEndsInFallbackOrDeadLettersWithoutARebalanceAndTheLagRecovers(String mode, BrokerTarget broker) throws Exception {
        long seed = Seeds.seed("ProcessorModelOutageTest." + mode);
        boolean fallback = mode.equals("fallback");
        String in = Clients.uniqueTopic("proc-outage-in");
        String out = Clients.uniqueTopic("proc-outage-out");
        String dlq = Clients.uniqueTopic("proc-outage-dlq");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Admin admin = Clients.admin(broker);
             KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
            Processors.createTopics(admin, in, out, dlq, 2);
            String group = Clients.uniqueTopic("proc-outage");
            var builder = Processors.builder(broker, group, in, out)
                    .consumerConfig(Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, MAX_POLL_INTERVAL_MS))
                    .revocationTimeout(Duration.ofMillis(500))
                    .maxInFlight(MAX_IN_FLIGHT)
                    .callTimeout(CALL_TIMEOUT)
                    .retryPolicy(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50), 0.5))
                    .retryBudget(new RetryBudget(0.1, 50))
                    .meterRegistry(meters);
            builder = fallback ? builder.fallback(true) : builder.deadLetterTopic(dlq);
            try (StubModel model = new StubModel(seed, 3, 0);
                 AsyncProcessor<String, byte[], String> processor = builder.function(model).build().start()) {
                produce(producer, in, "before", HEALTHY);
                Processors.awaitRecords(broker, out, 2, HEALTHY);
                int generation = processor.groupGeneration();
                assertThat(generation).isPositive();
                assertThat(processor.assignmentCount()).isEqualTo(1);

                model.outage = StubModel.Outage.HANG;
                produce(producer, in, "during", DURING_OUTAGE);
                List<ConsumerRecord<byte[], byte[]>> ended = fallback
                        ? Processors.awaitRecords(broker, out, 2, HEALTHY + DURING_OUTAGE).stream()
                            .filter(r -> header(r, DeadLetters.FALLBACK_HEADER) != null).toList()
                        : Processors.awaitRecords(broker, dlq, 1, DURING_OUTAGE);
                model.outage = StubModel.Outage.NONE;
                assertThat(ended).hasSize(DURING_OUTAGE);
                for (ConsumerRecord<byte[], byte[]> r : ended) {
                    String value = string(r.value());
                    assertThat(value).as("the raw input, not an output").startsWith("during-");
                    assertThat(string(r.key())).isEqualTo("k-" + value);
                    String reason = header(r, fallback ? DeadLetters.FALLBACK_HEADER : DeadLetters.REASON);
                    assertThat(reason).isIn("attempts-exhausted", "retry-budget-exhausted");
                }
                // every call of the outage hung until its timeout: the outage lasted at least this many call timeouts
                // per slot, which is more than max.poll.interval.ms
                assertThat(model.callsDuringOutage.get()).isGreaterThanOrEqualTo(DURING_OUTAGE);
                assertThat(model.callsDuringOutage.get() * CALL_TIMEOUT.toMillis() / MAX_IN_FLIGHT)
                        .isGreaterThan(MAX_POLL_INTERVAL_MS);
                // the budget held retries to its share: 50 + 10% of the calls, not 2 per record
                double retries = meters.get("ledgerline.processor.retries").counter().count();
                assertThat(retries).isLessThanOrEqualTo(50 + 0.1 * (HEALTHY + DURING_OUTAGE) + 1);
                assertThat(meters.get("ledgerline.processor." + (fallback ? "fallback" : "dlq")).counter().count())
                        .isEqualTo(DURING_OUTAGE);

                produce(producer, in, "after", HEALTHY);
                List<ConsumerRecord<byte[], byte[]>> all = Processors.awaitRecords(broker, out, 2,
                        HEALTHY * 2 + (fallback ? DURING_OUTAGE : 0));
                assertThat(all).filteredOn(r -> string(r.value()).startsWith("enriched:after-")).hasSize(HEALTHY);
                Processors.awaitCommittedToEnd(admin, group, in, 2);
                await("the processor's lag gauge drains").atMost(Clients.PATIENCE)
                        .until(() -> meters.get("ledgerline.processor.lag").gauge().value() == 0);

                assertThat(processor.groupGeneration()).as("no rebalance during the outage").isEqualTo(generation);
                assertThat(processor.assignmentCount()).isEqualTo(1);
                assertThat(processor.failure()).isEmpty();
            }
        }
    }

    private static void produce(KafkaProducer<byte[], byte[]> producer, String topic, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            String value = prefix + "-" + i;
            producer.send(new ProducerRecord<>(topic, bytes("k-" + value), bytes(value)));
        }
        producer.flush();
    }
}
