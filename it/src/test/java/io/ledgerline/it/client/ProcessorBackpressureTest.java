package io.ledgerline.it.client;

import io.ledgerline.client.AsyncProcessor;
import io.ledgerline.client.Ordering;
import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.ledgerline.it.client.Processors.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The processor's bounds: records polled and not done stay within the buffer limit (plus one poll's records)
 * however far the input runs ahead; and while the lowest offset is not done, no record past the commit metadata's
 * window starts, so the metadata always fits the broker's limit.
 */
@ExtendWith(SharedBroker.class)
class ProcessorBackpressureTest {
    private static final int MAX_POLL_RECORDS = 5;

    @Test
    void polledRecordsStayWithinTheBufferLimit(BrokerTarget broker) throws Exception {
        String in = Clients.uniqueTopic("proc-bp-in");
        String out = Clients.uniqueTopic("proc-bp-out");
        String dlq = Clients.uniqueTopic("proc-bp-dlq");
        int records = 500;
        int bufferMax = 10;
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AtomicLong maxBuffered = new AtomicLong();
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        try (Admin admin = Clients.admin(broker)) {
            Processors.createTopics(admin, in, out, dlq, 2);
            produce(broker, in, records);
            String group = Clients.uniqueTopic("proc-bp");
            try (AsyncProcessor<String, byte[], String> processor = Processors.builder(broker, group, in, out)
                    .deadLetterTopic(dlq).meterRegistry(meters).maxInFlight(4).maxBufferedRecords(bufferMax)
                    .consumerConfig(Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS))
                    .function(r -> {
                        maxBuffered.accumulateAndGet((long) meters.get("ledgerline.processor.buffered").gauge().value(), Math::max);
                        CompletableFuture<String> f = new CompletableFuture<>();
                        clock.schedule(() -> f.complete("x"), 2, TimeUnit.MILLISECONDS);
                        return f;
                    }).build().start()) {
                Processors.awaitCommittedToEnd(admin, group, in, 2);
                assertThat(meters.get("ledgerline.processor.outputs").counter().count()).isEqualTo(records);
            }
        } finally {
            clock.shutdownNow();
        }
        // the gauge is set before each poll; one poll adds at most max.poll.records
        assertThat(maxBuffered.get()).isPositive().isLessThanOrEqualTo(bufferMax + MAX_POLL_RECORDS);
    }

    @Test
    void noRecordPastTheMetadataWindowStartsWhileTheLowestIsUnderWay(BrokerTarget broker) throws Exception {
        String in = Clients.uniqueTopic("proc-window-in");
        String out = Clients.uniqueTopic("proc-window-out");
        String dlq = Clients.uniqueTopic("proc-window-dlq");
        // 16 characters of metadata: "llpc1:" and 10 for base64, of which whole 4-character groups carry 2 x 3 bytes
        // = 48 offsets above the committed one
        int metadataMax = 16;
        int window = 48;
        int records = 200;
        CompletableFuture<String> first = new CompletableFuture<>();
        AtomicLong highestStarted = new AtomicLong(-1);
        TopicPartition tp = new TopicPartition(in, 0);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Admin admin = Clients.admin(broker)) {
            Processors.createTopics(admin, in, out, dlq, 1);
            produce(broker, in, records);
            String group = Clients.uniqueTopic("proc-window");
            try (AsyncProcessor<String, byte[], String> processor = Processors.builder(broker, group, in, out)
                    .deadLetterTopic(dlq).meterRegistry(meters).ordering(Ordering.NONE).maxInFlight(100).commitMetadataBytesMax(metadataMax)
                    .commitInterval(Duration.ofMillis(50)).callTimeout(Duration.ofMinutes(5))
                    .function(r -> {
                        highestStarted.accumulateAndGet(r.offset(), Math::max);
                        return r.offset() == 0 ? first : CompletableFuture.completedFuture("x");
                    }).build().start()) {
                await("offsets 1..47 done").atMost(Clients.PATIENCE)
                        .until(() -> meters.get("ledgerline.processor.outputs").counter().count() == window - 1);
                await("offset 0 committed, the done ones in the metadata").atMost(Clients.PATIENCE).untilAsserted(() -> {
                    OffsetAndMetadata c = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp);
                    assertThat(c).isNotNull();
                    assertThat(c.offset()).isZero();
                    assertThat(c.metadata()).startsWith("llpc1:").hasSizeLessThanOrEqualTo(metadataMax);
                });
                assertThat(highestStarted.get()).as("highest offset started while offset 0 is under way").isEqualTo(window - 1);
                first.complete("x");
                Processors.awaitCommittedToEnd(admin, group, in, 1);
                assertThat(highestStarted.get()).isEqualTo(records - 1);
            }
        }
    }

    private static void produce(BrokerTarget broker, String topic, int count) {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
            for (int i = 0; i < count; i++) producer.send(new ProducerRecord<>(topic, bytes("k" + i), bytes("v" + i)));
            producer.flush();
        }
    }
}
