package io.ledgerline.it;

import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBrokerTest;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Promise 6 (bad data stops at the door): what the official clients observe, by exception type, when a
 * request is refused. The shared broker runs with auto.create.topics.enable=false.
 */
class ClientErrorsTest extends SharedBrokerTest {
    private static final String INVALID_TOPIC = "bad name!";


    @Test
    void producingToAnInvalidTopicNameFailsWithInvalidTopicException() {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000))) {
            Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(INVALID_TOPIC, new byte[] {1}));
            assertThatThrownBy(sent::get).isInstanceOf(ExecutionException.class).cause().isInstanceOf(InvalidTopicException.class);
        }
    }

    @Test
    void creatingATopicWithAnInvalidNameFailsWithInvalidTopicException() throws Exception {
        var created = admin.createTopics(List.of(new NewTopic(INVALID_TOPIC, 1, (short) 1))).all();

        assertThatThrownBy(created::get).isInstanceOf(ExecutionException.class).cause().isInstanceOf(InvalidTopicException.class);
        assertThat(admin.listTopics().names().get()).doesNotContain(INVALID_TOPIC);
    }

    /**
     * With auto-creation off, Metadata answers UNKNOWN_TOPIC_OR_PARTITION: the admin client reports it as
     * such, a consumer finds no partitions, and the producer (which retries that error) gives up with a
     * timeout once max.block.ms has passed. The topic is not created by any of them.
     */
    @Test
    void unknownTopicIsReportedAsUnknownTopicOrPartitionAndNotCreated() throws Exception {
        String topic = Clients.uniqueTopic("never-created");

        assertThatThrownBy(() -> admin.describeTopics(List.of(topic)).allTopicNames().get())
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThatThrownBy(() -> Clients.offset(admin, new TopicPartition(topic, 0), OffsetSpec.latest()))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(UnknownTopicOrPartitionException.class);
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker)) {
            assertThat(consumer.partitionsFor(topic)).isEmpty();
        }
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000))) {
            Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(topic, new byte[] {1}));
            assertThatThrownBy(sent::get).isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(TimeoutException.class).hasMessageContaining("not present in metadata");
        }
        assertThat(admin.listTopics().names().get()).doesNotContain(topic);
    }

    @Test
    void recordLargerThanTheTopicsMaxMessageBytesFailsWithRecordTooLargeExceptionAndIsNotStored() throws Exception {
        String topic = Clients.uniqueTopic("small-records");
        Clients.createTopic(admin, topic, 1, Map.of("max.message.bytes", "10240"));
        assertRefusedAndNotStored(new ProducerRecord<>(topic, 0, null, new byte[20 * 1024]), RecordTooLargeException.class,
                new ProducerRecord<>(topic, 0, null, new byte[1024]));
    }

    @Test
    void recordWithoutAKeyOnACompactedTopicFailsWithInvalidRecordExceptionAndIsNotStored() throws Exception {
        String topic = Clients.uniqueTopic("compacted");
        Clients.createTopic(admin, topic, 1, Map.of("cleanup.policy", "compact"));
        assertRefusedAndNotStored(new ProducerRecord<>(topic, 0, null, new byte[] {1}), InvalidRecordException.class,
                new ProducerRecord<>(topic, 0, new byte[] {'k'}, new byte[] {2}));
    }

    /** {@code refused} fails with {@code error}; {@code accepted}, sent next, is the partition's first and only record. */
    private static void assertRefusedAndNotStored(ProducerRecord<byte[], byte[]> refused, Class<? extends Exception> error,
                                                  ProducerRecord<byte[], byte[]> accepted) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
            Future<RecordMetadata> sent = producer.send(refused);
            assertThatThrownBy(sent::get).isInstanceOf(ExecutionException.class).cause().isInstanceOf(error);

            RecordMetadata stored = producer.send(accepted).get();
            assertThat(stored.offset()).as("the refused record took no offset").isZero();
        }
        assertThat(Clients.offset(admin, new TopicPartition(refused.topic(), refused.partition()), OffsetSpec.latest())).isEqualTo(1);
    }
}
