package io.ledgerline.it;

import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBrokerTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** A topic with message.timestamp.type=LogAppendTime stamps records with the broker's clock. */
class LogAppendTimeTest extends SharedBrokerTest {

    @Test
    void logAppendTimeTopicReplacesProducerTimestampsWithTheBrokersAppendTime() throws Exception {
        String topic = Clients.uniqueTopic("log-append-time");
        TopicPartition tp = new TopicPartition(topic, 0);
        Clients.createTopic(admin, topic, 1, Map.of("message.timestamp.type", "LogAppendTime"));
        long producerTimestamp = 1_000_000L; // 1970: nothing a broker clock could produce
        int count = 50;

        long before = System.currentTimeMillis();
        List<RecordMetadata> acked = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, 0, producerTimestamp, null, new byte[] {(byte) i})));
            }
            for (Future<RecordMetadata> f : futures) acked.add(f.get());
        }
        long after = System.currentTimeMillis();

        assertThat(acked).as("the produce response carries the log append time")
                .allSatisfy(md -> assertThat(md.timestamp()).isBetween(before, after));
        List<ConsumerRecord<byte[], byte[]>> read;
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker)) {
            read = Clients.readAll(consumer, List.of(tp));
        }
        assertThat(read).hasSize(count);
        for (ConsumerRecord<byte[], byte[]> r : read) {
            assertThat(r.timestampType()).as("offset %d", r.offset()).isEqualTo(TimestampType.LOG_APPEND_TIME);
            assertThat(r.timestamp()).as("offset %d: broker time, same as acknowledged", r.offset())
                    .isEqualTo(acked.get((int) r.offset()).timestamp());
        }
    }
}
