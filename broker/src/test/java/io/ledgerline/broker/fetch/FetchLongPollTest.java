package io.ledgerline.broker.fetch;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fetch long polls: a fetch without enough data waits (up to max wait) and is answered when a produce brings
 * min bytes; an empty one is answered at max wait; and a waiting fetch holds back the responses queued behind
 * it on its connection, which leave in request order.
 */
class FetchLongPollTest {
    @TempDir
    static Path dir;
    static Broker broker;

    @BeforeAll
    static void start() throws IOException {
        broker = TestBroker.start(dir).broker();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void waitingFetchIsAnsweredByTheProduceThatBringsData() throws IOException {
        broker.topics().create("poll-a", 1, Map.of());
        try (RawClient consumer = new RawClient(broker)) {
            RequestHeader h = consumer.sendAsync(fetch("poll-a", 0, 30_000, 1));
            awaitWaiting("poll-a");
            assertThat(consumer.noResponseYet()).as("no data yet: the fetch waits").isTrue();
            produce("poll-a", 100);
            FetchResponseData.PartitionData p = partition((FetchResponse) consumer.receive(h));
            assertThat(values(p)).hasSize(1);
        }
    }

    @Test
    void fetchWaitsUntilMinBytesHaveArrived() throws Exception {
        broker.topics().create("poll-b", 1, Map.of());
        try (RawClient consumer = new RawClient(broker)) {
            RequestHeader h = consumer.sendAsync(fetch("poll-b", 0, 30_000, 3000));
            awaitWaiting("poll-b");
            produceAndAwaitWake("poll-b", 100);
            assertThat(consumer.noResponseYet()).as("100 bytes are fewer than min bytes").isTrue();
            produce("poll-b", 4000);
            // An answer at the first produce would hold its one record only.
            assertThat(values(partition((FetchResponse) consumer.receive(h)))).hasSize(2);
        }
    }

    @Test
    void emptyFetchIsAnsweredAtMaxWaitWithNoRecords() throws IOException {
        broker.topics().create("poll-c", 1, Map.of());
        try (RawClient consumer = new RawClient(broker)) {
            long sent = System.nanoTime();
            FetchResponseData.PartitionData p = partition((FetchResponse) consumer.send(fetch("poll-c", 0, 300, 1)));
            // A lower bound only (never a timing expectation): the broker starts its max wait after the request
            // was sent, so an answer before 300 ms is a fetch that did not wait.
            assertThat(System.nanoTime() - sent).as("answered no earlier than max wait (ns)").isGreaterThanOrEqualTo(300_000_000L);
            assertThat(p.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(p.records().sizeInBytes()).isZero();
        }
    }

    @Test
    void responsesLeaveInRequestOrderBehindAWaitingFetch() throws IOException {
        broker.topics().create("poll-d", 1, Map.of());
        try (RawClient c = new RawClient(broker)) {
            RequestHeader fetchHeader = c.sendAsync(fetch("poll-d", 0, 30_000, 1));
            awaitWaiting("poll-d");
            RequestHeader versionsHeader = c.sendAsync(new ApiVersionsRequest.Builder().build((short) 3));
            assertThat(c.noResponseYet()).as("ApiVersions is ready but must wait for the fetch").isTrue();
            produce("poll-d", 10);
            // receive() checks correlation ids: an ApiVersions answer ahead of the fetch's fails here.
            assertThat(values(partition((FetchResponse) c.receive(fetchHeader)))).hasSize(1);
            assertThat(((ApiVersionsResponse) c.receive(versionsHeader)).data().errorCode()).isEqualTo(Errors.NONE.code());
        }
    }

    /** Waits until the fetch on {@code topic}-0 is parked: it registered on the partition's high watermark. */
    private static void awaitWaiting(String topic) {
        PartitionLog log = broker.topics().partition(topic, 0);
        await().atMost(Duration.ofSeconds(15)).until(() -> log.highWatermarkListenerCount() == 1);
    }

    /**
     * Produces {@code valueBytes} to {@code topic}-0 and waits until the high watermark's listeners have run for it:
     * a parked fetch, registered before this probe, has been woken (its re-read handed to the broker's timer).
     */
    private static void produceAndAwaitWake(String topic, int valueBytes) throws Exception {
        PartitionLog log = broker.topics().partition(topic, 0);
        CountDownLatch ran = new CountDownLatch(1);
        Runnable probe = ran::countDown;
        log.addHighWatermarkListener(probe);
        try {
            produce(topic, valueBytes);
            assertThat(ran.await(15, TimeUnit.SECONDS)).as("high watermark listeners ran").isTrue();
        } finally {
            log.removeHighWatermarkListener(probe);
        }
    }

    private static FetchRequest fetch(String topic, long offset, int maxWaitMs, int minBytes) {
        FetchRequestData d = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(maxWaitMs).setMinBytes(minBytes)
                .setMaxBytes(1 << 20).setTopics(List.of(new FetchRequestData.FetchTopic().setTopic(topic).setPartitions(List.of(
                        new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(offset).setPartitionMaxBytes(1 << 20)))));
        return new FetchRequest(d, (short) 12);
    }

    private static void produce(String topic, int valueBytes) throws IOException {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(1L, null, new byte[valueBytes]));
        try (RawClient producer = new RawClient(broker)) {
            producer.produce(topic, 0, records);
        }
    }

    private static FetchResponseData.PartitionData partition(FetchResponse r) {
        return r.data().responses().get(0).partitions().get(0);
    }

    private static List<Record> values(FetchResponseData.PartitionData p) {
        List<Record> out = new ArrayList<>();
        for (RecordBatch b : ((org.apache.kafka.common.record.internal.Records) p.records()).batches()) {
            for (Record r : b) out.add(r);
        }
        return out;
    }
}
