package io.ledgerline.it;

import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.Sequenced;
import io.ledgerline.it.harness.SharedBrokerTest;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Promise 4 (replayable): ListOffsets by position and by time, and DeleteRecords, through the AdminClient. */
class OffsetQueriesTest extends SharedBrokerTest {

    /**
     * Ten records with CreateTime base+0s, +1s, ... +9s, except offset 6 which carries the largest
     * timestamp, base+100s: timestamps are not monotonic, as producers may send them.
     */
    @Test
    void listOffsetsFindsEarliestLatestFirstOffsetAtTimestampAndMaxTimestamp() throws Exception {
        String topic = Clients.uniqueTopic("list-offsets");
        TopicPartition tp = new TopicPartition(topic, 0);
        Clients.createTopic(admin, topic, 1, Map.of());
        long base = System.currentTimeMillis() - 300_000;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
            for (int i = 0; i < 10; i++) {
                long timestamp = i == 6 ? base + 100_000 : base + i * 1000L;
                producer.send(new ProducerRecord<>(topic, 0, timestamp, null, new byte[] {(byte) i}));
            }
            producer.flush();
        }

        assertThat(Clients.offset(admin, tp, OffsetSpec.earliest())).isZero();
        assertThat(Clients.offset(admin, tp, OffsetSpec.latest())).isEqualTo(10);
        assertThat(listOffsets(tp, OffsetSpec.forTimestamp(base + 2500)))
                .as("first record with timestamp >= base+2.5s").extracting(i -> i.offset(), i -> i.timestamp())
                .containsExactly(3L, base + 3000);
        assertThat(listOffsets(tp, OffsetSpec.forTimestamp(base + 7500)))
                .as("first offset whose timestamp is >= base+7.5s is the out-of-order record at offset 6")
                .extracting(i -> i.offset(), i -> i.timestamp())
                .containsExactly(6L, base + 100_000);
        assertThat(listOffsets(tp, OffsetSpec.forTimestamp(base + 100_001)).offset())
                .as("no record at or after the timestamp").isEqualTo(-1L);
        assertThat(listOffsets(tp, OffsetSpec.maxTimestamp()))
                .extracting(i -> i.offset(), i -> i.timestamp())
                .containsExactly(6L, base + 100_000);
    }

    @Test
    void deleteRecordsMovesTheLogStartOffsetAndConsumersStartThere() throws Exception {
        String topic = Clients.uniqueTopic("delete-records");
        TopicPartition tp = new TopicPartition(topic, 0);
        Clients.createTopic(admin, topic, 1, Map.of());
        produceSequenced(topic, 100);

        long lowWatermark = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(40)))
                .lowWatermarks().get(tp).get().lowWatermark();

        assertThat(lowWatermark).isEqualTo(40);
        assertThat(Clients.offset(admin, tp, OffsetSpec.earliest())).isEqualTo(40);
        assertThat(Clients.offset(admin, tp, OffsetSpec.latest())).isEqualTo(100);
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker)) {
            List<ConsumerRecord<byte[], byte[]>> read = Clients.readAll(consumer, List.of(tp));
            assertThat(read).extracting(ConsumerRecord::offset).containsExactlyElementsOf(LongStream.range(40, 100).boxed().toList());
            assertThat(read).extracting(Sequenced::seq).as("the records that were at those offsets")
                    .containsExactlyElementsOf(LongStream.range(40, 100).mapToObj(i -> (int) i).toList());
        }
    }

    @Test
    void fetchingBelowTheLogStartOffsetIsOutOfRange() throws Exception {
        String topic = Clients.uniqueTopic("out-of-range");
        TopicPartition tp = new TopicPartition(topic, 0);
        Clients.createTopic(admin, topic, 1, Map.of());
        produceSequenced(topic, 20);
        admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(10))).all().get();

        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker, Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"))) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 5);
            assertThatThrownBy(() -> pollUntilRecords(consumer))
                    .isInstanceOf(OffsetOutOfRangeException.class)
                    .satisfies(e -> assertThat(((OffsetOutOfRangeException) e).offsetOutOfRangePartitions()).containsEntry(tp, 5L));
        }
    }

    @Test
    void deleteRecordsBeyondTheEndIsRejectedAsOutOfRange() throws Exception {
        String topic = Clients.uniqueTopic("delete-beyond");
        TopicPartition tp = new TopicPartition(topic, 0);
        Clients.createTopic(admin, topic, 1, Map.of());
        produceSequenced(topic, 5);

        var deleted = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(6))).all();

        assertThatThrownBy(deleted::get).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(org.apache.kafka.common.errors.OffsetOutOfRangeException.class);
        assertThat(Clients.offset(admin, tp, OffsetSpec.earliest())).isZero();
    }

    private static ListOffsetsResultInfo listOffsets(TopicPartition tp, OffsetSpec spec) throws Exception {
        return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get();
    }

    private static void produceSequenced(String topic, int count) {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
            for (int seq = 0; seq < count; seq++) {
                producer.send(new ProducerRecord<>(topic, 0, null, null, new byte[] {(byte) seq}, List.<Header>of(Sequenced.header(seq))));
            }
            producer.flush();
        }
    }

    /** Polls until records arrive or {@link Clients#PATIENCE} runs out; returns normally only with records. */
    private static void pollUntilRecords(KafkaConsumer<byte[], byte[]> consumer) {
        long deadline = System.nanoTime() + Clients.PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            if (!consumer.poll(Duration.ofMillis(200)).isEmpty()) return;
        }
    }
}
