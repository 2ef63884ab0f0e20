package io.ledgerline.it;

import io.ledgerline.broker.fetch.FetchSessionCache;
import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.FetchSessionLog;
import io.ledgerline.it.harness.SharedBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Incremental fetch sessions (KIP-227) as the official Java consumer uses them, against Ledgerline and (-Pkafka)
 * Apache Kafka 4.4 with the same assertions: a consumer of 256 partitions gets one session and then sends only
 * what changed; consumers evicted from a full cache are told FETCH_SESSION_ID_NOT_FOUND, fall back to full fetches,
 * and still read every record once, in order. What the client does is read from its own fetch-session log
 * ({@link FetchSessionLog}) and network metrics; on Ledgerline the broker's session metrics are checked too.
 */
class FetchSessionsTest {

    /** Partition p's n-th record (the producer is idempotent and alone on its fresh topic, so n is also its offset). */
    static byte[] value(int partition, long n) {
        return ("p" + partition + "-" + n).getBytes(StandardCharsets.UTF_8);
    }

    static final ConcurrentLinkedQueue<String> PROBLEMS = new ConcurrentLinkedQueue<>();

    /**
     * A producer: first one record to every partition, all acknowledged, then a thread sending to every partition in
     * turn, one record each {@code pauseMs}, until stopped.
     */
    static final class Trickle implements AutoCloseable {
        final AtomicLongArray sent;
        final AtomicLongArray acked;
        final ConcurrentLinkedQueue<String> problems = PROBLEMS;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final KafkaProducer<byte[], byte[]> producer;
        private final Thread thread;

        Trickle(BrokerTarget broker, String topic, int partitions, long pauseMs) {
            sent = new AtomicLongArray(partitions);
            acked = new AtomicLongArray(partitions);
            PROBLEMS.clear();
            producer = Clients.producer(broker);
            // the first record of every partition acknowledged before the rest: a new topic's partitions all take writes
            List<java.util.concurrent.Future<?>> first = new ArrayList<>();
            for (int p = 0; p < partitions; p++) first.add(producer.send(new ProducerRecord<>(topic, p, null, value(p, sent.getAndIncrement(p)))));
            for (int p = 0; p < partitions; p++) {
                try {
                    first.get(p).get(Clients.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                    acked.incrementAndGet(p);
                } catch (Exception e) {
                    throw new IllegalStateException("first record of partition " + p + " not acknowledged", e);
                }
            }
            thread = new Thread(() -> {
                for (long i = 0; running.get(); i++) {
                    int p = (int) (i % partitions);
                    long n = sent.getAndIncrement(p);
                    producer.send(new ProducerRecord<>(topic, p, null, value(p, n)), (md, e) -> {
                        if (e != null) problems.add("send " + p + "/" + n + ": " + e);
                        else if (md.offset() != n) problems.add("partition " + p + ": record " + n + " acknowledged at offset " + md.offset());
                        else acked.incrementAndGet(p);
                    });
                    try {
                        Thread.sleep(pauseMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "fetch-sessions-producer");
            thread.start();
        }

        /** Stops sending and waits for every acknowledgement. */
        void stop() throws InterruptedException {
            running.set(false);
            thread.join(TimeUnit.SECONDS.toMillis(30));
            producer.flush();
            assertThat(problems).as("producer").isEmpty();
            for (int p = 0; p < sent.length(); p++) assertThat(acked.get(p)).as("acknowledged in partition " + p).isEqualTo(sent.get(p));
        }

        @Override
        public void close() {
            running.set(false);
            producer.close(Duration.ofSeconds(10));
        }
    }

    /** A consumer of every partition of a topic that checks each record is the next one of its partition, byte for byte. */
    static final class Reader implements AutoCloseable {
        final String clientId;
        final KafkaConsumer<byte[], byte[]> consumer;
        final long[] next;
        long records;

        Reader(BrokerTarget broker, String clientId, String topic, int partitions) {
            this.clientId = clientId;
            this.consumer = Clients.consumer(broker, Map.of(ConsumerConfig.CLIENT_ID_CONFIG, clientId));
            this.next = new long[partitions];
            consumer.assign(Clients.partitions(topic, partitions));
        }

        void poll(Duration timeout) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
                int p = r.partition();
                if (r.offset() != next[p]) {
                    fail("%s: partition %d gave offset %d, expected %d (a gap or a duplicate)", clientId, p, r.offset(), next[p]);
                }
                if (!Arrays.equals(r.value(), value(p, r.offset()))) {
                    fail("%s: partition %d offset %d holds %s (producer: %s)", clientId, p, r.offset(),
                            new String(r.value(), StandardCharsets.UTF_8), PROBLEMS);
                }
                next[p]++;
                records++;
            }
        }

        /** Whether it has read every record the producer sent. */
        boolean caughtUp(Trickle t) {
            for (int p = 0; p < next.length; p++) if (next[p] != t.sent.get(p)) return false;
            return true;
        }

        /** The consumer's requests, request bytes, responses, response bytes so far (consumer-node-metrics, all connections). */
        long[] traffic() {
            long[] out = new long[4];
            List<String> names = List.of("request-total", "outgoing-byte-total", "response-total", "incoming-byte-total");
            consumer.metrics().forEach((name, m) -> {
                int i = names.indexOf(name.name());
                if (name.group().equals("consumer-node-metrics") && i >= 0) out[i] += ((Number) m.metricValue()).longValue();
            });
            return out;
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Polls {@code readers} in turn until {@code done}, failing after {@code patience}. */
    static void pollUntil(List<Reader> readers, Duration patience, String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("not within %s: %s", patience, what);
            for (Reader r : readers) r.poll(Duration.ofMillis(20));
        }
    }

    /** The size of a Fetch request naming every partition of a topic (a full fetch), at the newest version. */
    static int fullFetchRequestBytes(int partitions) {
        FetchRequestData.FetchTopic t = new FetchRequestData.FetchTopic().setTopicId(Uuid.randomUuid());
        for (int p = 0; p < partitions; p++) t.partitions().add(new FetchRequestData.FetchPartition().setPartition(p).setFetchOffset(1000));
        FetchRequestData d = new FetchRequestData().setReplicaId(-1).setTopics(new ArrayList<>(List.of(t)));
        short v = ApiKeys.FETCH.latestVersion();
        // as the client's outgoing-byte-total counts it: size prefix, header, body
        return 4 + new FetchRequest(d, v).serializeWithHeader(new RequestHeader(ApiKeys.FETCH, v, "consumer-x", 1)).remaining();
    }

    /** The size of a Fetch response listing every partition of a topic without records, at the newest version. */
    static int emptyFullFetchResponseBytes(int partitions) {
        LinkedHashMap<TopicIdPartition, FetchResponseData.PartitionData> parts = new LinkedHashMap<>();
        Uuid id = Uuid.randomUuid();
        for (int p = 0; p < partitions; p++) {
            parts.put(new TopicIdPartition(id, p, "t"), new FetchResponseData.PartitionData().setPartitionIndex(p)
                    .setHighWatermark(1000).setLastStableOffset(1000).setLogStartOffset(0).setRecords(MemoryRecords.EMPTY));
        }
        short v = ApiKeys.FETCH.latestVersion();
        FetchResponse r = FetchResponse.of(Errors.NONE, 0, 0, parts, List.of());
        // size prefix, response header v1 (correlation id, no tagged fields), body
        return 4 + 5 + r.data().size(new ObjectSerializationCache(), v);
    }

    /**
     * One consumer of 256 partitions while records keep arriving in all of them (250 a second, about 1 per partition
     * per second, the workload of issue #9): its first fetch creates a session
     * (the client logs it), then it only sends incremental requests, whose average size is a small part of a full
     * request naming 256 partitions; every record produced while it reads arrives once, in order.
     */
    @Test
    @ExtendWith(SharedBroker.class)
    void aConsumerOf256PartitionsFetchesIncrementallyAndReadsEveryRecordOnceInOrder(BrokerTarget broker) throws Exception {
        int partitions = 256;
        String topic = Clients.uniqueTopic("fetch-sessions-256");
        try (Admin admin = Clients.admin(broker)) {
            Clients.createTopic(admin, topic, partitions, Map.of());
        }
        String id = "sessions-256-" + Integer.toHexString(topic.hashCode());
        try (FetchSessionLog log = FetchSessionLog.capture();
             Trickle producer = new Trickle(broker, topic, partitions, 4);
             Reader reader = new Reader(broker, id, topic, partitions)) {
            List<Reader> one = List.of(reader);
            pollUntil(one, Clients.PATIENCE, "a first session", () -> log.count(id, FetchSessionLog.CREATED) > 0);
            pollUntil(one, Clients.PATIENCE, "records from the session", () -> reader.records > 0);
            long[] before = reader.traffic();
            long t0 = System.nanoTime();
            pollUntil(one, Clients.PATIENCE, "6 s of reading", () -> System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(6));
            long[] after = reader.traffic();
            producer.stop();
            pollUntil(one, Clients.PATIENCE, "every record produced", () -> reader.caughtUp(producer));

            long requests = after[0] - before[0];
            double bytesPerRequest = (after[1] - before[1]) / (double) requests;
            double bytesPerResponse = (after[3] - before[3]) / (double) (after[2] - before[2]);
            int full = fullFetchRequestBytes(partitions);
            int fullResponse = emptyFullFetchResponseBytes(partitions);
            System.out.printf("[it] %s: %d requests in 6 s, %.0f bytes each on average (a full request of %d partitions: %d bytes), "
                            + "responses %.0f bytes on average (a full one without records: %d bytes); "
                            + "%d records read; client log: %d sessions created, %d incremental responses%n",
                    broker.name(), requests, bytesPerRequest, partitions, full, bytesPerResponse, fullResponse, reader.records,
                    log.count(id, FetchSessionLog.CREATED), log.count(id, FetchSessionLog.INCREMENTAL));
            assertThat(log.count(id, FetchSessionLog.CREATED)).as("sessions the client created").isEqualTo(1);
            assertThat(log.count(id, FetchSessionLog.FULL_WITHOUT_SESSION)).as("full responses (the one that created the session)")
                    .isEqualTo(1);
            assertThat(log.count(id, FetchSessionLog.INCREMENTAL)).as("incremental responses").isGreaterThan(requests / 2);
            assertThat(log.count(id, "FETCH_SESSION_ID_NOT_FOUND") + log.count(id, "INVALID_FETCH_SESSION_EPOCH")).isZero();
            assertThat(requests).as("fetches in the window").isGreaterThan(10);
            assertThat(bytesPerRequest).as("average request size against a full fetch of %d bytes", full).isLessThan(full / 4.0);
            assertThat(bytesPerResponse).as("average response size (only partitions with news) against a full one of %d bytes "
                    + "without records", fullResponse).isLessThan(fullResponse / 4.0);
            long total = 0;
            for (int p = 0; p < partitions; p++) total += producer.sent.get(p);
            assertThat(reader.records).isEqualTo(total);
            broker.fetchSessions().ifPresent(cache -> {
                assertThat(cache.sessions()).as("Ledgerline's sessions").isPositive();
                assertThat(cache.partitionsCached()).as("Ledgerline's cached partitions").isGreaterThanOrEqualTo(partitions);
            });
        } finally {
            try (Admin admin = Clients.admin(broker)) {
                admin.deleteTopics(List.of(topic)).all().get(); // 256 partitions less for the shared broker's later tests
            }
        }
    }

    /** Ledgerline's eviction time in the eviction test; Kafka's is fixed at 120 s (its constant, not a setting). */
    static final long LEDGERLINE_EVICTION_MS = 2_000;

    /**
     * More consumers than cache slots: 8 slots (one per shard, on both brokers) and 8 consumers holding them. They
     * stop fetching (paused) for longer than the eviction time; 8 new consumers then take their slots (a full shard
     * evicts a session unused for longer than that). When the first 8 resume, each is told FETCH_SESSION_ID_NOT_FOUND,
     * falls back to a full fetch (without a session: the cache is full of sessions that are not stale), and all 16
     * read every record, produced throughout, once and in order. On Kafka this waits out its fixed 120 s.
     */
    @Test
    void consumersEvictedFromAFullCacheFallBackToFullFetchesAndStillReadEverythingOnce() throws Exception {
        long evictionMs = BrokerTarget.isKafka() ? 120_000 : LEDGERLINE_EVICTION_MS;
        int partitions = 16;
        String topic = "evicted";
        try (BrokerTarget broker = BrokerTarget.start(Map.of(
                "max.incremental.fetch.session.cache.slots", "8",
                "min.incremental.fetch.session.eviction.ms", String.valueOf(LEDGERLINE_EVICTION_MS)));
             Admin admin = Clients.admin(broker)) {
            Clients.createTopic(admin, topic, partitions, Map.of());
            List<Reader> first = new ArrayList<>();
            List<Reader> second = new ArrayList<>();
            List<Reader> all = new ArrayList<>();
            try (FetchSessionLog log = FetchSessionLog.capture(); Trickle producer = new Trickle(broker, topic, partitions, 10)) {
                try {
                    for (int i = 0; i < 8; i++) {
                        Reader r = new Reader(broker, "holder-" + i, topic, partitions);
                        first.add(r);
                        all.add(r);
                        // one at a time: each full fetch goes to the next shard, so each holder gets a shard of its own
                        pollUntil(all, Clients.PATIENCE, r.clientId + "'s session", () -> log.count(r.clientId, FetchSessionLog.CREATED) == 1);
                    }
                    broker.fetchSessions().ifPresent(c -> assertThat(c.sessions()).isEqualTo(8));
                    for (Reader r : first) r.consumer.pause(r.consumer.assignment());
                    long pausedAt = System.nanoTime();
                    pollUntil(all, Duration.ofMillis(evictionMs + 60_000), "the eviction time",
                            () -> System.nanoTime() - pausedAt > TimeUnit.MILLISECONDS.toNanos(evictionMs + 2_000));
                    for (int i = 0; i < 8; i++) {
                        Reader r = new Reader(broker, "newcomer-" + i, topic, partitions);
                        second.add(r);
                        all.add(r);
                        pollUntil(all, Clients.PATIENCE, r.clientId + "'s session", () -> log.count(r.clientId, FetchSessionLog.CREATED) == 1);
                    }
                    broker.fetchSessions().ifPresent(c -> assertThat(c.evictions()).as("Ledgerline's evictions").isEqualTo(8));
                    for (Reader r : first) r.consumer.resume(r.consumer.assignment());
                    pollUntil(all, Clients.PATIENCE, "every holder told its session is gone",
                            () -> first.stream().allMatch(r -> log.count(r.clientId, "FETCH_SESSION_ID_NOT_FOUND") > 0));
                    pollUntil(all, Clients.PATIENCE, "every holder's full fetch after that", () -> first.stream().allMatch(r -> {
                        List<String> lines = log.of(r.clientId);
                        int error = -1;
                        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains("FETCH_SESSION_ID_NOT_FOUND")) error = i;
                        return lines.subList(error + 1, lines.size()).stream().anyMatch(l -> l.contains(FetchSessionLog.FULL_WITHOUT_SESSION));
                    }));
                    producer.stop();
                    pollUntil(all, Clients.PATIENCE, "every consumer has every record", () -> all.stream().allMatch(r -> r.caughtUp(producer)));

                    long total = 0;
                    for (int p = 0; p < partitions; p++) total += producer.sent.get(p);
                    for (Reader r : all) {
                        long created = log.count(r.clientId, FetchSessionLog.CREATED);
                        System.out.printf("[it] %s %s: %d records; client log: %d sessions created, %d full responses without one, "
                                        + "%d incremental responses, %d FETCH_SESSION_ID_NOT_FOUND%n", broker.name(), r.clientId, r.records,
                                created, log.count(r.clientId, FetchSessionLog.FULL_WITHOUT_SESSION) - created,
                                log.count(r.clientId, FetchSessionLog.INCREMENTAL), log.count(r.clientId, "FETCH_SESSION_ID_NOT_FOUND"));
                        assertThat(r.records).as(r.clientId + "'s records").isEqualTo(total);
                        assertThat(log.count(r.clientId, "INVALID_FETCH_SESSION_EPOCH")).isZero();
                    }
                    for (Reader r : second) {
                        assertThat(log.count(r.clientId, "FETCH_SESSION_ID_NOT_FOUND")).as(r.clientId + " keeps its session").isZero();
                    }
                    assertThat(total).as("records produced").isGreaterThan(100);
                    broker.fetchSessions().map(FetchSessionCache::sessions).ifPresent(n -> assertThat(n).isLessThanOrEqualTo(8));
                } finally {
                    for (Reader r : all) r.close();
                }
            }
        }
    }
}
