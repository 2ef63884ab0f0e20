package io.ledgerline.broker.admin;

import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreatePartitionsResponse;
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

/** CreatePartitions through the official AdminClient. */
class CreatePartitionsTest {
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
    void raisingTheCountAddsEmptyPartitionsWithTheTopicsConfigAndKeepsTheOldOnes() throws Exception {
        kafka.createTopic("cp-grow", 1, Map.of("retention.ms", "1234"));
        kafka.append("cp-grow", 0, 3, 10);
        get(admin.createPartitions(Map.of("cp-grow", NewPartitions.increaseTo(3))).all());
        assertThat(get(admin.describeTopics(List.of("cp-grow")).allTopicNames()).get("cp-grow").partitions()).hasSize(3);
        assertThat(kafka.broker().topics().partition("cp-grow", 0).highWatermark()).isEqualTo(3);
        assertThat(kafka.broker().topics().partition("cp-grow", 2).logEndOffset()).isZero();
        assertThat(kafka.broker().topics().partition("cp-grow", 2).config().retentionMs()).isEqualTo(1234);
    }

    @Test
    void assignmentsOntoThisNodeAreAccepted() throws Exception {
        kafka.createTopic("cp-assign", 1, Map.of());
        get(admin.createPartitions(Map.of("cp-assign", NewPartitions.increaseTo(3, List.of(List.of(0), List.of(0))))).all());
        assertThat(kafka.broker().topics().get("cp-assign").partitions()).hasSize(3);
    }

    @Test
    void assignmentsOffThisNodeOrOfTheWrongCountAreInvalidReplicaAssignment() throws Exception {
        kafka.createTopic("cp-badassign", 1, Map.of());
        assertFails(admin.createPartitions(Map.of("cp-badassign", NewPartitions.increaseTo(2, List.of(List.of(1))))).all(),
                InvalidReplicaAssignmentException.class, "broker 1");
        assertFails(admin.createPartitions(Map.of("cp-badassign", NewPartitions.increaseTo(3, List.of(List.of(0))))).all(),
                InvalidReplicaAssignmentException.class, "2 additional partition(s), but only 1 assignment(s)");
        assertFails(admin.createPartitions(Map.of("cp-badassign", NewPartitions.increaseTo(2, List.of(List.of(0, 0))))).all(),
                InvalidReplicaAssignmentException.class, "more than once");
        assertThat(kafka.broker().topics().get("cp-badassign").partitions()).hasSize(1);
    }

    @Test
    void aCountThatIsNotLargerIsInvalidPartitions() throws Exception {
        kafka.createTopic("cp-same", 2, Map.of());
        assertFails(admin.createPartitions(Map.of("cp-same", NewPartitions.increaseTo(2))).all(),
                InvalidPartitionsException.class, "already has 2 partition(s)");
        assertFails(admin.createPartitions(Map.of("cp-same", NewPartitions.increaseTo(1))).all(),
                InvalidPartitionsException.class, "would not be an increase");
        assertFails(admin.createPartitions(Map.of("cp-same", NewPartitions.increaseTo(2_000_000))).all(),
                InvalidPartitionsException.class, "at most");
        assertThat(kafka.broker().topics().get("cp-same").partitions()).hasSize(2);
    }

    @Test
    void anUnknownTopicIsUnknownTopicOrPartition() {
        assertFails(admin.createPartitions(Map.of("cp-never", NewPartitions.increaseTo(2))).all(),
                UnknownTopicOrPartitionException.class, "cp-never");
    }

    @Test
    void validateOnlyChecksWithoutAdding() throws Exception {
        kafka.createTopic("cp-dry", 1, Map.of());
        get(admin.createPartitions(Map.of("cp-dry", NewPartitions.increaseTo(4)), new CreatePartitionsOptions().validateOnly(true)).all());
        assertThat(kafka.broker().topics().get("cp-dry").partitions()).hasSize(1);
        assertFails(admin.createPartitions(Map.of("cp-dry", NewPartitions.increaseTo(1)), new CreatePartitionsOptions().validateOnly(true)).all(),
                InvalidPartitionsException.class, "already has 1");
    }

    @Test
    void aTopicNamedTwiceIsInvalidRequest() throws Exception {
        kafka.createTopic("cp-dup", 1, Map.of());
        CreatePartitionsRequestData data = new CreatePartitionsRequestData().setTimeoutMs(10_000);
        data.topics().add(new CreatePartitionsTopic().setName("cp-dup").setCount(2).setAssignments(null));
        data.topics().add(new CreatePartitionsTopic().setName("cp-dup").setCount(3).setAssignments(null));
        try (RawClient raw = kafka.raw()) {
            CreatePartitionsResponse response = raw.call(new CreatePartitionsRequest.Builder(data).build((short) 3));
            assertThat(response.data().results()).isNotEmpty().allSatisfy(r -> {
                assertThat(r.name()).isEqualTo("cp-dup");
                assertThat(r.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
            });
        }
        assertThat(kafka.broker().topics().get("cp-dup").partitions()).hasSize(1);
    }
}
