package io.ledgerline.broker.admin;

import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.ledgerline.broker.testkit.TestBroker.assertFails;
import static io.ledgerline.broker.testkit.TestBroker.get;
import static org.assertj.core.api.Assertions.assertThat;

/** DeleteTopics by name and by topic id through the official AdminClient, and the malformed cases raw. */
class DeleteTopicsTest {
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

    @Test
    void deleteByNameRemovesTheTopicAndItsLogs() throws Exception {
        kafka.createTopic("dt-name", 2, Map.of());
        kafka.append("dt-name", 0, 5, 10);
        get(admin.deleteTopics(List.of("dt-name")).all());
        assertThat(kafka.broker().topics().get("dt-name")).isNull();
        assertThat(kafka.broker().logs().get(new TopicPartition("dt-name", 0))).isNull();
        assertThat(get(admin.listTopics().names())).doesNotContain("dt-name");
    }

    @Test
    void deleteByIdRemovesTheTopic() throws Exception {
        kafka.createTopic("dt-id", 1, Map.of());
        Uuid id = kafka.broker().topics().get("dt-id").topic().id();
        get(admin.deleteTopics(TopicCollection.ofTopicIds(List.of(id))).all());
        assertThat(kafka.broker().topics().get("dt-id")).isNull();
        assertThat(kafka.broker().topics().get(id)).isNull();
    }

    @Test
    void aDeletedNameCanBeCreatedAgainAsANewEmptyTopic() throws Exception {
        kafka.createTopic("dt-again", 1, Map.of("retention.ms", "5000"));
        Uuid first = kafka.broker().topics().get("dt-again").topic().id();
        kafka.append("dt-again", 0, 7, 10);
        get(admin.deleteTopics(List.of("dt-again")).all());
        kafka.createTopic("dt-again", 1, Map.of());
        assertThat(kafka.broker().topics().get("dt-again").topic().id()).isNotEqualTo(first);
        assertThat(kafka.broker().topics().partition("dt-again", 0).logEndOffset()).isZero();
        assertThat(kafka.topicConfig("dt-again", "retention.ms").value()).isEqualTo("604800000");
    }

    @Test
    void anUnknownNameIsUnknownTopicOrPartition() {
        assertFails(admin.deleteTopics(List.of("dt-never")).all(), UnknownTopicOrPartitionException.class, "dt-never");
    }

    @Test
    void anUnknownIdIsUnknownTopicId() {
        Uuid id = Uuid.randomUuid();
        assertFails(admin.deleteTopics(TopicCollection.ofTopicIds(List.of(id))).all(), UnknownTopicIdException.class, id.toString());
    }

    @Test
    void oneUnknownTopicDoesNotStopTheOthers() throws Exception {
        kafka.createTopic("dt-ok", 1, Map.of());
        var result = admin.deleteTopics(List.of("dt-ok", "dt-missing"));
        get(result.topicNameValues().get("dt-ok"));
        assertFails(result.topicNameValues().get("dt-missing"), UnknownTopicOrPartitionException.class, "dt-missing");
        assertThat(kafka.broker().topics().get("dt-ok")).isNull();
    }

    @Test
    void malformedV6EntriesAndDuplicatesAreInvalidRequest() throws Exception {
        kafka.createTopic("dt-both", 1, Map.of());
        kafka.createTopic("dt-dup", 1, Map.of());
        kafka.createTopic("dt-name-and-id", 1, Map.of());
        Uuid both = kafka.broker().topics().get("dt-both").topic().id();
        Uuid nameAndId = kafka.broker().topics().get("dt-name-and-id").topic().id();
        DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTimeoutMs(10_000);
        data.topics().add(new DeleteTopicState().setName("dt-both").setTopicId(both));
        data.topics().add(new DeleteTopicState().setName(null).setTopicId(Uuid.ZERO_UUID));
        data.topics().add(new DeleteTopicState().setName("dt-dup").setTopicId(Uuid.ZERO_UUID));
        data.topics().add(new DeleteTopicState().setName("dt-dup").setTopicId(Uuid.ZERO_UUID));
        data.topics().add(new DeleteTopicState().setName("dt-name-and-id").setTopicId(Uuid.ZERO_UUID));
        data.topics().add(new DeleteTopicState().setName(null).setTopicId(nameAndId));
        try (RawClient raw = kafka.raw()) {
            DeleteTopicsResponse response = raw.call(new DeleteTopicsRequest.Builder(data).build((short) 6));
            // dt-dup twice is one answer, as in Kafka.
            assertThat(response.data().responses()).hasSize(5).allSatisfy(r -> {
                assertThat(r.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
                assertThat(r.errorMessage()).isNotBlank();
            });
            assertThat(response.data().responses()).extracting(DeletableTopicResult::errorMessage)
                    .contains("You may not specify both topic name and topic id.", "Neither topic name nor id were specified.",
                            "Duplicate topic name.", "The provided topic name maps to an ID that was already supplied.");
        }
        assertThat(kafka.broker().topics().get("dt-both")).isNotNull();
        assertThat(kafka.broker().topics().get("dt-dup")).isNotNull();
        assertThat(kafka.broker().topics().get("dt-name-and-id")).isNotNull();
    }

    @Test
    void oldVersionsDeleteByNameAndAnswerErrorsPerTopic() throws Exception {
        kafka.createTopic("dt-v1", 1, Map.of());
        DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTimeoutMs(10_000).setTopicNames(List.of("dt-v1", "dt-v1-missing"));
        try (RawClient raw = kafka.raw()) {
            DeleteTopicsResponse response = raw.call(new DeleteTopicsRequest.Builder(data).build((short) 1));
            assertThat(response.data().responses().find("dt-v1").errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(response.data().responses().find("dt-v1-missing").errorCode())
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        assertThat(kafka.broker().topics().get("dt-v1")).isNull();
    }
}
