package io.ledgerline.broker.produce;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.broker.testkit.ClientProps;
import io.ledgerline.broker.testkit.TestBroker;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * producer.id.expiration.ms with the official client: an idempotent producer idle past the expiry is no longer
 * listed by DescribeProducers (Admin.describeProducers, as {@code kafka-transactions describe-producers} calls
 * it) and is removed from the partition's state by the periodic check; when it sends again its batches are
 * accepted as an unknown producer's, each stored once.
 */
class IdleProducerExpiresTest {
    private static final long EXPIRATION_MS = 3000;

    @TempDir
    Path dir;
    Broker broker;

    @AfterEach
    void stop() {
        if (broker != null) broker.close();
    }

    private String bootstrap() {
        return broker.advertisedHost() + ":" + broker.port();
    }

    private List<ProducerState> describeProducers(Admin admin, TopicPartition tp) throws Exception {
        return admin.describeProducers(List.of(tp)).partitionResult(tp).get(10, TimeUnit.SECONDS).activeProducers();
    }

    @Test
    void idleIdempotentProducerIsNoLongerDescribedAndItsNextBatchesAreStoredOnce() throws Exception {
        broker = TestBroker.start(dir, Map.of("producer.id.expiration.ms", Long.toString(EXPIRATION_MS),
                "producer.id.expiration.check.interval.ms", "100")).broker();
        broker.topics().create("idle", 1, Map.of());
        TopicPartition tp = new TopicPartition("idle", 0);
        PartitionLog log = broker.topics().partition("idle", 0);
        Properties pp = ClientProps.producer(bootstrap(), Map.of(ProducerConfig.LINGER_MS_CONFIG, "0")); // idempotent: the client's default
        Properties ap = ClientProps.admin(bootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
             Admin admin = Admin.create(ap)) {
            producer.send(new ProducerRecord<>("idle", 0, "k", "before")).get(15, TimeUnit.SECONDS);
            List<ProducerState> listed = describeProducers(admin, tp);
            assertThat(listed).singleElement().satisfies(s -> assertThat(s.lastSequence()).isZero());
            long pid = listed.get(0).producerId();

            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                    .until(() -> describeProducers(admin, tp).isEmpty());
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                    .until(() -> log.producerEpochs().isEmpty());

            // The producer does not know it was forgotten: it goes on at sequence 1, which the partition takes as
            // an unknown producer's first batch.
            producer.send(new ProducerRecord<>("idle", 0, "k", "after-1")).get(15, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>("idle", 0, "k", "after-2")).get(15, TimeUnit.SECONDS);
            assertThat(describeProducers(admin, tp)).singleElement().satisfies(s -> {
                assertThat(s.producerId()).isEqualTo(pid);
                assertThat(s.lastSequence()).isEqualTo(2);
            });
        }
        assertThat(readAll(tp)).containsExactly("before", "after-1", "after-2");
    }

    @Test
    void settingsAreRefusedBelowOneAndAboveAnInt() {
        for (String key : List.of("producer.id.expiration.ms", "producer.id.expiration.check.interval.ms")) {
            assertThatThrownBy(() -> BrokerConfig.of(Map.of(key, "0"))).hasMessage(key + " must be >= 1");
            assertThatThrownBy(() -> BrokerConfig.of(Map.of(key, "2147483648"))).as("Kafka's type is int")
                    .hasMessage(key + " must be an integer, got '2147483648'");
        }
        assertThat(BrokerConfig.defaults().intValue(BrokerConfig.PRODUCER_ID_EXPIRATION_MS)).isEqualTo(86_400_000);
    }

    private List<String> readAll(TopicPartition tp) {
        Properties p = ClientProps.consumer(bootstrap());
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) out.add(r.value());
                return c.position(tp) >= end;
            });
        }
        return out;
    }
}
