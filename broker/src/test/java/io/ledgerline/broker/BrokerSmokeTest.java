package io.ledgerline.broker;

import io.ledgerline.broker.testkit.ClientProps;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The official Java client produces to and consumes from a broker, across a clean restart. */
class BrokerSmokeTest {

    @TempDir
    Path dir;

    @Test
    void producedRecordsAreConsumedInOrderAcrossARestart() throws Exception {
        List<Long> offsets = new ArrayList<>();
        try (Broker broker = TestBroker.start(dir).broker()) {
            String bootstrap = broker.advertisedHost() + ":" + broker.port();
            produce(bootstrap, 0, 1000, offsets);
        }
        try (Broker broker = TestBroker.start(dir).broker()) {
            String bootstrap = broker.advertisedHost() + ":" + broker.port();
            produce(bootstrap, 1000, 2000, offsets);
            assertThat(offsets).hasSize(2000);
            for (int i = 0; i < offsets.size(); i++) assertThat(offsets.get(i)).isEqualTo(i);
            List<String> values = consume(bootstrap, 2000);
            assertThat(values).hasSize(2000);
            for (int i = 0; i < 2000; i++) assertThat(values.get(i)).isEqualTo("v" + i);
        }
    }

    private static void produce(String bootstrap, int from, int to, List<Long> offsets) throws Exception {
        Properties p = ClientProps.producer(bootstrap, Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> fs = new ArrayList<>();
            for (int i = from; i < to; i++) fs.add(producer.send(new ProducerRecord<>("smoke", 0, "k" + i, "v" + i)));
            for (Future<RecordMetadata> f : fs) offsets.add(f.get().offset());
        }
    }

    private static List<String> consume(String bootstrap, int count) {
        Properties p = ClientProps.consumer(bootstrap, Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.assign(List.of(new org.apache.kafka.common.TopicPartition("smoke", 0)));
            c.seekToBeginning(c.assignment());
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.size() < count && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) values.add(r.value());
            }
        }
        return values;
    }
}
