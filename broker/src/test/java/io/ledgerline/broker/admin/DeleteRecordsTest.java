package io.ledgerline.broker.admin;

import io.ledgerline.broker.testkit.ClientProps;
import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DeleteRecordsOptions;
import org.apache.kafka.clients.admin.DeleteRecordsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static io.ledgerline.broker.testkit.TestBroker.assertFails;
import static io.ledgerline.broker.testkit.TestBroker.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** DeleteRecords through the official AdminClient, seen by a consumer; the broker-side errors raw. */
class DeleteRecordsTest {
    @TempDir
    static Path dir;
    static TestBroker kafka;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        kafka = TestBroker.start(dir, Map.of());
        admin = kafka.admin();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static long lowWatermark(TopicPartition tp, long beforeOffset) throws Exception {
        DeleteRecordsResult r = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(beforeOffset)));
        return get(r.lowWatermarks().get(tp)).lowWatermark();
    }

    @Test
    void aConsumerFromEarliestStartsAtTheNewLowWatermark() throws Exception {
        kafka.createTopic("dr-consume", 1, Map.of());
        TopicPartition tp = new TopicPartition("dr-consume", 0);
        Properties p = ClientProps.producer(kafka.bootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 100; i++) producer.send(new ProducerRecord<>("dr-consume", 0, "k" + i, "v" + i));
            producer.flush();
        }
        assertThat(lowWatermark(tp, 40)).isEqualTo(40);
        assertThat(get(admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp)).offset()).isEqualTo(40);

        Properties c = ClientProps.consumer(kafka.bootstrap(), Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            await().atMost(20, TimeUnit.SECONDS).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
                return seen.size() >= 60;
            });
        }
        assertThat(seen).hasSize(60);
        assertThat(seen.get(0).offset()).isEqualTo(40);
        assertThat(seen.get(0).value()).isEqualTo("v40");
    }

    @Test
    void minusOneDeletesUpToTheHighWatermarkAndAnOlderOffsetChangesNothing() throws Exception {
        kafka.createTopic("dr-hw", 1, Map.of());
        TopicPartition tp = new TopicPartition("dr-hw", 0);
        kafka.append("dr-hw", 0, 10, 10);
        assertThat(lowWatermark(tp, 4)).isEqualTo(4);
        assertThat(lowWatermark(tp, 2)).isEqualTo(4);
        assertThat(lowWatermark(tp, DeleteRecordsRequest.HIGH_WATERMARK)).isEqualTo(10);
        assertThat(kafka.broker().topics().partition("dr-hw", 0).logStartOffset()).isEqualTo(10);
    }

    @Test
    void anOffsetBeyondTheHighWatermarkIsOffsetOutOfRange() throws Exception {
        kafka.createTopic("dr-beyond", 1, Map.of());
        kafka.append("dr-beyond", 0, 5, 10);
        TopicPartition tp = new TopicPartition("dr-beyond", 0);
        assertFails(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(6))).all(), OffsetOutOfRangeException.class, "");
        assertThat(kafka.broker().topics().partition("dr-beyond", 0).logStartOffset()).isZero();
    }

    @Test
    void aCompactedOnlyTopicRefusesWithPolicyViolation() throws Exception {
        kafka.createTopic("dr-compact", 1, Map.of("cleanup.policy", "compact"));
        TopicPartition tp = new TopicPartition("dr-compact", 0);
        assertFails(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(0))).all(), PolicyViolationException.class, "");
    }

    @Test
    void anUnknownTopicIsRetriedByTheAdminClientUntilItsTimeout() {
        // The AdminClient looks the leader up first and treats an unknown topic as not yet propagated (it does
        // the same against Kafka); the broker's own UNKNOWN_TOPIC_OR_PARTITION answer is checked raw below.
        TopicPartition tp = new TopicPartition("dr-never", 0);
        assertFails(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(0)), new DeleteRecordsOptions().timeoutMs(500)).all(),
                TimeoutException.class, "");
        assertThat(kafka.broker().topics().get("dr-never")).isNull();
    }

    @Test
    void theBrokerAnswersEachPartitionOnItsOwn() throws Exception {
        kafka.createTopic("dr-raw", 1, Map.of());
        kafka.append("dr-raw", 0, 3, 10);
        DeleteRecordsRequestData data = new DeleteRecordsRequestData().setTimeoutMs(10_000);
        DeleteRecordsTopic known = new DeleteRecordsTopic().setName("dr-raw");
        known.partitions().add(new DeleteRecordsPartition().setPartitionIndex(0).setOffset(2));
        known.partitions().add(new DeleteRecordsPartition().setPartitionIndex(7).setOffset(0));
        data.topics().add(known);
        DeleteRecordsTopic unknown = new DeleteRecordsTopic().setName("dr-raw-never");
        unknown.partitions().add(new DeleteRecordsPartition().setPartitionIndex(0).setOffset(0));
        data.topics().add(unknown);
        DeleteRecordsTopic negative = new DeleteRecordsTopic().setName("dr-raw");
        try (RawClient raw = kafka.raw()) {
            for (short v = 0; v <= 2; v++) {
                DeleteRecordsResponse r = raw.call(new DeleteRecordsRequest.Builder(data).build(v));
                DeleteRecordsPartitionResult ok = r.data().topics().find("dr-raw").partitions().find(0);
                assertThat(ok.errorCode()).isEqualTo(Errors.NONE.code());
                assertThat(ok.lowWatermark()).isEqualTo(2);
                DeleteRecordsPartitionResult noPartition = r.data().topics().find("dr-raw").partitions().find(7);
                assertThat(noPartition.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                assertThat(noPartition.lowWatermark()).isEqualTo(-1);
                assertThat(r.data().topics().find("dr-raw-never").partitions().find(0).errorCode())
                        .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            }
            DeleteRecordsRequestData below = new DeleteRecordsRequestData().setTimeoutMs(10_000);
            negative.partitions().add(new DeleteRecordsPartition().setPartitionIndex(0).setOffset(-7));
            below.topics().add(negative);
            DeleteRecordsResponse r = raw.call(new DeleteRecordsRequest.Builder(below).build((short) 2));
            assertThat(r.data().topics().find("dr-raw").partitions().find(0).errorCode()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE.code());
        }
    }
}
