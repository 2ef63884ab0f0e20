package io.ledgerline.it.client;

import io.ledgerline.client.AsyncProcessor;
import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static io.ledgerline.it.client.Processors.bytes;
import static io.ledgerline.it.client.Processors.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Out-of-order completion and restart: while the records at offsets 0 and 10 are still under way, the processor
 * commits offset 0 and lists the 48 done records above it in the commit metadata; a processor started after it
 * (on the same group) calls the function only for the two that were not done.
 */
@ExtendWith(SharedBroker.class)
class ProcessorRestartSkipsDoneRecordsTest {
    private static final int RECORDS = 50;

    @Test
    void aRestartCallsTheFunctionOnlyForTheRecordsThatWereNotDone(BrokerTarget broker) throws Exception {
        String in = Clients.uniqueTopic("proc-skip-in");
        String out = Clients.uniqueTopic("proc-skip-out");
        String dlq = Clients.uniqueTopic("proc-skip-dlq");
        TopicPartition tp = new TopicPartition(in, 0);
        try (Admin admin = Clients.admin(broker)) {
            Processors.createTopics(admin, in, out, dlq, 1);
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
                for (int i = 0; i < RECORDS; i++) {
                    String value = (i == 0 || i == 10 ? "slow-" : "v-") + i;
                    producer.send(new ProducerRecord<>(in, 0, bytes("k" + i), bytes(value)));
                }
                producer.flush();
            }
            String group = Clients.uniqueTopic("proc-skip");
            AsyncProcessor.AsyncFunction<String, byte[], String> first = r -> string(r.value()).startsWith("slow")
                    ? new CompletableFuture<>() // under way until the close abandons it
                    : CompletableFuture.completedFuture("first:" + string(r.value()));
            try (AsyncProcessor<String, byte[], String> processor = Processors.builder(broker, group, in, out)
                    .deadLetterTopic(dlq).function(first).ordering(io.ledgerline.client.Ordering.NONE)
                    .callTimeout(Duration.ofMinutes(5)).commitInterval(Duration.ofMillis(100)).closeTimeout(Duration.ZERO)
                    .build().start()) {
                Processors.awaitRecords(broker, out, 1, RECORDS - 2);
                await("offset 0 committed with the done offsets above it").atMost(Clients.PATIENCE).untilAsserted(() -> {
                    OffsetAndMetadata c = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp);
                    assertThat(c).isNotNull();
                    assertThat(c.offset()).isZero();
                    assertThat(c.metadata()).startsWith("llpc1:");
                });
            }
            OffsetAndMetadata afterClose = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp);
            assertThat(afterClose.offset()).as("the abandoned offset 0 is not committed past").isZero();

            Set<String> secondCalls = ConcurrentHashMap.newKeySet();
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (AsyncProcessor<String, byte[], String> processor = Processors.builder(broker, group, in, out)
                    .deadLetterTopic(dlq).meterRegistry(meters).function(r -> {
                        secondCalls.add(string(r.value()));
                        return CompletableFuture.completedFuture("second:" + string(r.value()));
                    }).build().start()) {
                Processors.awaitCommittedToEnd(admin, group, in, 1);
                assertThat(secondCalls).containsExactlyInAnyOrder("slow-0", "slow-10");
                assertThat(meters.get("ledgerline.processor.skipped").counter().count()).isEqualTo(RECORDS - 2);
            }
            List<ConsumerRecord<byte[], byte[]>> outputs = Processors.awaitRecords(broker, out, 1, RECORDS);
            assertThat(outputs).hasSize(RECORDS);
            assertThat(outputs).extracting(r -> string(r.value())).filteredOn(v -> v.startsWith("second:"))
                    .containsExactlyInAnyOrder("second:slow-0", "second:slow-10");
            OffsetAndMetadata end = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp);
            assertThat(end.offset()).isEqualTo(RECORDS);
            assertThat(end.metadata()).isEmpty();
        }
    }
}
