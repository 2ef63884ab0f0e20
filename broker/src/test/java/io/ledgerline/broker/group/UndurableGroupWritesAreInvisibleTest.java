package io.ledgerline.broker.group;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.testkit.ClientProps;
import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import io.ledgerline.log.FaultInjectingDisk;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetDeleteResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Committed offsets and group deletions are seen by others only once their records are durable in the offsets log,
 * never when the append's fsync fails: what any client reads is what a restart would replay. Each test holds the
 * offsets log's fsync ({@link FaultInjectingDisk#holdForces}), looks at the group from another client while the
 * write is on its way, then lets the fsync succeed or fail. Writers are the official clients where their retries
 * leave the outcome plain, else a raw request whose error code is checked; readers are always the official Admin.
 */
class UndurableGroupWritesAreInvisibleTest {
    private static final String GROUP = "billing";
    private static final TopicPartition TP0 = new TopicPartition("ledger", 0);
    private static final TopicPartition TP1 = new TopicPartition("ledger", 1);
    private static final long TIMEOUT_S = 20;

    @TempDir
    Path dir;
    FaultInjectingDisk disk;
    Broker broker;
    Admin writer;
    Admin reader;
    FaultInjectingDisk.ForceGate gate;
    /** Clients' calls left waiting in the background, and the clients: a failed test still opens the gate first. */
    final List<CompletableFuture<Void>> background = new ArrayList<>();
    final List<AutoCloseable> clients = new ArrayList<>();


    @BeforeEach
    void start() throws Exception {
        disk = new FaultInjectingDisk(dir);
        open();
        broker.topics().create("ledger", 2, Map.of());
    }

    private void open() throws Exception {
        broker = TestBroker.over(dir).settings(Map.of("group.initial.rebalance.delay.ms", "0", "group.min.session.timeout.ms", "1000"))
                .opener(disk).start().broker();
        writer = admin();
        reader = admin();
    }

    private Admin admin() {
        Properties p = ClientProps.admin(bootstrap(), Map.of(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000"));
        return Admin.create(p);
    }

    @AfterEach
    void stop() throws Exception {
        if (gate != null) gate.release(); // a test that failed with the gate closed: the flusher must not stay held
        for (CompletableFuture<Void> f : background) {
            try {
                f.get(TIMEOUT_S, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // its outcome was the test's business
            }
        }
        for (AutoCloseable c : clients) c.close();
        writer.close();
        reader.close();
        broker.close();
    }

    private String bootstrap() {
        return broker.advertisedHost() + ":" + broker.port();
    }

    private Path offsetsLogDir() {
        return dir.resolve("logs").resolve(OffsetsLog.NAME + "-0");
    }

    /** Closes the gate in front of the offsets log's fsyncs. */
    private void holdOffsetsLogFsync() {
        gate = disk.holdForces(offsetsLogDir());
    }

    private static void awaitHeld(FaultInjectingDisk.ForceGate gate) throws InterruptedException {
        assertThat(gate.awaitHeld(TIMEOUT_S, TimeUnit.SECONDS)).as("the write reached its fsync").isTrue();
    }

    /** The committed offsets of the group as another client reads them (OffsetFetch), offset only. */
    private Map<TopicPartition, Long> committedSeenByAnotherClient() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> m = reader.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata()
                .get(TIMEOUT_S, TimeUnit.SECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        m.forEach((tp, o) -> {
            if (o != null) out.put(tp, o.offset());
        });
        return out;
    }

    private boolean groupListedToAnotherClient() throws Exception {
        return reader.listConsumerGroups().all().get(TIMEOUT_S, TimeUnit.SECONDS).stream()
                .map(ConsumerGroupListing::groupId).anyMatch(GROUP::equals);
    }

    /** Runs a client's blocking call on another thread (the client is used by no other thread meanwhile). */
    private CompletableFuture<Void> inBackground(Runnable call) {
        CompletableFuture<Void> f = CompletableFuture.runAsync(call);
        background.add(f);
        return f;
    }

    private void adminCommit(Map<TopicPartition, Long> offsets) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
        offsets.forEach((tp, o) -> m.put(tp, new OffsetAndMetadata(o)));
        writer.alterConsumerGroupOffsets(GROUP, m).all().get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    @Test
    void commitWaitingForItsFsyncIsInvisibleToOthersUntilDurable() throws Exception {
        adminCommit(Map.of(TP0, 5L));
        holdOffsetsLogFsync();
        CompletableFuture<Void> commit = writer.alterConsumerGroupOffsets(GROUP, Map.of(TP0, new OffsetAndMetadata(9)))
                .all().toCompletionStage().toCompletableFuture();
        awaitHeld(gate);

        assertThat(committedSeenByAnotherClient()).as("written, fsync pending: not visible").isEqualTo(Map.of(TP0, 5L));
        assertThat(commit).as("answered only once durable").isNotDone();

        gate.release();
        commit.get(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(committedSeenByAnotherClient()).as("answered: visible to everyone").isEqualTo(Map.of(TP0, 9L));
    }

    @Test
    void memberCommitWhoseFsyncFailsIsAnErrorAndOthersStillReadThePreviousOffset() throws Exception {
        KafkaConsumer<String, String> consumer = TestBroker.consumer(bootstrap(), GROUP, Map.of());
        clients.add(() -> consumer.close(Duration.ofSeconds(5)));
        consumer.subscribe(List.of("ledger"));
        await().atMost(Duration.ofSeconds(TIMEOUT_S)).until(() -> {
            consumer.poll(Duration.ofMillis(100));
            return consumer.assignment().size() == 2;
        });
        consumer.commitSync(Map.of(TP0, new OffsetAndMetadata(5)));

        holdOffsetsLogFsync();
        CompletableFuture<Void> commit = inBackground(
                () -> consumer.commitSync(Map.of(TP0, new OffsetAndMetadata(9)), Duration.ofSeconds(5)));
        awaitHeld(gate);
        assertThat(committedSeenByAnotherClient()).isEqualTo(Map.of(TP0, 5L));

        gate.fail();
        assertThatThrownBy(() -> commit.get(TIMEOUT_S, TimeUnit.SECONDS)).as("the consumer is told it did not commit")
                .hasCauseInstanceOf(TimeoutException.class);
        assertThat(committedSeenByAnotherClient()).as("the failed commit is never applied").isEqualTo(Map.of(TP0, 5L));
    }

    /**
     * Sends {@code request} (raw: the official clients retry the errors these get), checks while its write waits for
     * the fsync that another client still sees {@code committed}, fails the fsync and returns the answer.
     */
    private AbstractResponse answerWhenTheFsyncFails(AbstractRequest request, Map<TopicPartition, Long> committed) throws Exception {
        holdOffsetsLogFsync();
        try (RawClient raw = new RawClient(broker)) {
            RequestHeader header = raw.sendAsync(request);
            awaitHeld(gate);
            assertThat(committedSeenByAnotherClient()).as("fsync pending").isEqualTo(committed);
            gate.fail();
            return raw.receive(header);
        }
    }

    @Test
    void commitWhoseFsyncFailsIsNotCoordinatorOnTheWireAsFromKafka() throws Exception {
        adminCommit(Map.of(TP0, 5L));
        OffsetCommitRequestData d = new OffsetCommitRequestData().setGroupId(GROUP).setGenerationIdOrMemberEpoch(-1)
                .setTopics(List.of(new OffsetCommitRequestTopic().setName(TP0.topic()).setPartitions(List.of(
                        new OffsetCommitRequestPartition().setPartitionIndex(TP0.partition()).setCommittedOffset(9)))));
        OffsetCommitResponse r = (OffsetCommitResponse) answerWhenTheFsyncFails(OffsetCommitRequest.Builder.forTopicNames(d).build((short) 9),
                Map.of(TP0, 5L));
        assertThat(Errors.forCode(r.data().topics().get(0).partitions().get(0).errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(committedSeenByAnotherClient()).isEqualTo(Map.of(TP0, 5L));
    }

    private KafkaProducer<String, String> transactionalProducer() {
        Properties p = ClientProps.transactionalProducer(bootstrap(), "billing-tx");
        KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        clients.add(() -> producer.close(Duration.ofSeconds(5)));
        return producer;
    }

    /** Begins a transaction with one record and {@code offset} for TP0 sent to it (durable, pending until the end). */
    private static void transactionWithOffset(KafkaProducer<String, String> producer, long offset) {
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("ledger", 1, "k", "v" + offset));
        producer.sendOffsetsToTransaction(Map.of(TP0, new OffsetAndMetadata(offset)), new ConsumerGroupMetadata(GROUP));
    }

    @Test
    void offsetsCommittedByEndTxnAreInvisibleUntilTheirEndIsDurable() throws Exception {
        KafkaProducer<String, String> producer = transactionalProducer();
        producer.initTransactions();
        transactionWithOffset(producer, 7);
        producer.commitTransaction();
        assertThat(committedSeenByAnotherClient()).isEqualTo(Map.of(TP0, 7L));

        transactionWithOffset(producer, 12);
        holdOffsetsLogFsync();
        CompletableFuture<Void> commit = inBackground(producer::commitTransaction);
        awaitHeld(gate); // the end of the transaction's offsets, on its way to disk
        assertThat(committedSeenByAnotherClient()).as("the transaction's offsets, fsync pending: not visible")
                .isEqualTo(Map.of(TP0, 7L));
        assertThat(commit).as("EndTxn waits for the offsets").isNotDone();

        gate.release();
        commit.get(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(committedSeenByAnotherClient()).isEqualTo(Map.of(TP0, 12L));
    }

    @Test
    void offsetsOfACommittedTransactionWhoseEndFailsToSyncStayInvisibleUntilARestartCompletesIt() throws Exception {
        KafkaProducer<String, String> producer = transactionalProducer();
        producer.initTransactions();
        transactionWithOffset(producer, 7);
        producer.commitTransaction();

        transactionWithOffset(producer, 12);
        holdOffsetsLogFsync();
        CompletableFuture<Void> commit = inBackground(producer::commitTransaction);
        awaitHeld(gate);
        gate.fail();
        // The commit decision was durable before the offsets were written: it stands, and the producer is told so
        // (as for a marker that cannot be written yet); completing it is retried.
        commit.get(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(committedSeenByAnotherClient()).as("the end of the offsets was never durable: not applied")
                .isEqualTo(Map.of(TP0, 7L));

        producer.close(Duration.ofSeconds(5));
        writer.close();
        reader.close();
        disk.crash(); // power cut: the failed fsync's pages are gone
        broker.close();
        disk.restart();
        open();
        // The restarted transaction coordinator finds the decided commit and completes it.
        await().atMost(Duration.ofSeconds(TIMEOUT_S)).untilAsserted(() ->
                assertThat(committedSeenByAnotherClient()).isEqualTo(Map.of(TP0, 12L)));
    }

    @Test
    void deleteGroupsWaitingForItsFsyncLeavesTheGroupVisibleUntilDurable() throws Exception {
        adminCommit(Map.of(TP0, 5L));
        holdOffsetsLogFsync();
        CompletableFuture<Void> delete = writer.deleteConsumerGroups(List.of(GROUP)).all().toCompletionStage().toCompletableFuture();
        awaitHeld(gate);
        assertThat(committedSeenByAnotherClient()).isEqualTo(Map.of(TP0, 5L));
        assertThat(groupListedToAnotherClient()).isTrue();

        gate.release();
        delete.get(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(committedSeenByAnotherClient()).isEmpty();
        assertThat(groupListedToAnotherClient()).isFalse();
    }

    @Test
    void deleteGroupsWhoseFsyncFailsLeavesTheGroupAndItsOffsets() throws Exception {
        adminCommit(Map.of(TP0, 5L, TP1, 6L));
        DeleteGroupsResponse r = (DeleteGroupsResponse) answerWhenTheFsyncFails(
                new DeleteGroupsRequest.Builder(new DeleteGroupsRequestData().setGroupsNames(List.of(GROUP))).build((short) 2),
                Map.of(TP0, 5L, TP1, 6L));
        assertThat(r.get(GROUP)).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(committedSeenByAnotherClient()).isEqualTo(Map.of(TP0, 5L, TP1, 6L));
        assertThat(groupListedToAnotherClient()).isTrue();
    }

    @Test
    void offsetDeleteWhoseFsyncFailsLeavesTheOffset() throws Exception {
        adminCommit(Map.of(TP0, 5L, TP1, 6L));
        OffsetDeleteRequestTopicCollection topics = new OffsetDeleteRequestTopicCollection();
        topics.add(new OffsetDeleteRequestTopic().setName(TP0.topic())
                .setPartitions(List.of(new OffsetDeleteRequestPartition().setPartitionIndex(TP0.partition()))));
        OffsetDeleteResponse r = (OffsetDeleteResponse) answerWhenTheFsyncFails(
                new OffsetDeleteRequest.Builder(new OffsetDeleteRequestData().setGroupId(GROUP).setTopics(topics)).build((short) 0),
                Map.of(TP0, 5L, TP1, 6L));
        assertThat(Errors.forCode(r.data().errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(committedSeenByAnotherClient()).isEqualTo(Map.of(TP0, 5L, TP1, 6L));
    }

    @Test
    void offsetDeleteWaitingForItsFsyncIsInvisibleUntilDurable() throws Exception {
        adminCommit(Map.of(TP0, 5L, TP1, 6L));
        holdOffsetsLogFsync();
        CompletableFuture<Void> delete = writer.deleteConsumerGroupOffsets(GROUP, Set.of(TP0)).all()
                .toCompletionStage().toCompletableFuture();
        awaitHeld(gate);
        assertThat(committedSeenByAnotherClient()).isEqualTo(Map.of(TP0, 5L, TP1, 6L));
        gate.release();
        delete.get(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(committedSeenByAnotherClient()).isEqualTo(Map.of(TP1, 6L));
    }
}
