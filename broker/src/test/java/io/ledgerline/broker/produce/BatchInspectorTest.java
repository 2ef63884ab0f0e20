package io.ledgerline.broker.produce;

import io.ledgerline.broker.Apis;
import io.ledgerline.broker.Broker;
import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.broker.group.FindCoordinatorHandler;
import io.ledgerline.broker.metadata.ClusterInfo;
import io.ledgerline.broker.metadata.MetadataHandler;
import io.ledgerline.broker.net.KafkaServer;
import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.ApiTable;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.network.ClientInformation;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A batch inspector is one class registered in one place: the list given to {@link ProduceHandler}. Here the
 * broker's dispatch table is served a second time, on its own listener, with a Produce handler given three test
 * inspectors (a recorder of where inspection runs, one that rejects records with a {@code poison} header, one
 * that reroutes records with a {@code dlq} header to topic {@code dlq}), over the same topics and coordinators.
 */
class BatchInspectorTest {
    @TempDir
    static Path dir;
    static Broker broker;
    static ExecutorService inspection;
    static KafkaServer server;

    /** True on a thread while it is inside the transaction coordinator's check (which holds the id's monitor). */
    static final ThreadLocal<Boolean> IN_VERIFIER = ThreadLocal.withInitial(() -> false);
    static final AtomicInteger appendsInVerifier = new AtomicInteger();

    /** Where one inspection ran. */
    record Seen(String topic, String thread, boolean onEventLoop, boolean inVerifier) {}

    static final List<Seen> seen = new CopyOnWriteArrayList<>();

    static boolean inspected(TopicPartition tp) {
        return tp.topic().startsWith("inspected") || tp.topic().equals("routed");
    }

    /** Accepts everything; remembers the thread it ran on. */
    static final class Recorder implements BatchInspector {
        @Override
        public boolean appliesTo(TopicPartition tp) {
            return inspected(tp);
        }

        @Override
        public Verdict inspect(TopicPartition tp, RecordBatch header, List<Record> records) {
            seen.add(new Seen(tp.topic(), Thread.currentThread().getName(),
                    io.netty.util.internal.ThreadExecutorMap.currentExecutor() != null, IN_VERIFIER.get()));
            return Verdict.ACCEPT;
        }
    }

    /** The batch indexes of the records carrying {@code header}. */
    static List<Integer> withHeader(List<Record> records, String header) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (Arrays.stream(records.get(i).headers()).anyMatch(h -> h.key().equals(header))) out.add(i);
        }
        return out;
    }

    /** A test inspector: looks, on the topics {@code topics} accepts, for the records carrying {@code header}. */
    abstract static class HeaderInspector implements BatchInspector {
        private final java.util.function.Predicate<String> topics;
        private final String header;

        HeaderInspector(java.util.function.Predicate<String> topics, String header) {
            this.topics = topics;
            this.header = header;
        }

        @Override
        public boolean appliesTo(TopicPartition tp) {
            return topics.test(tp.topic());
        }

        @Override
        public Verdict inspect(TopicPartition tp, RecordBatch batch, List<Record> records) {
            List<Integer> found = withHeader(records, header);
            return found.isEmpty() ? Verdict.ACCEPT : verdict(found);
        }

        abstract Verdict verdict(List<Integer> batchIndexes);
    }

    /** Rejects every record carrying a {@code poison} header. */
    static final class PoisonRejecter extends HeaderInspector {
        PoisonRejecter() {
            super(t -> t.startsWith("inspected"), "poison");
        }

        @Override
        Verdict verdict(List<Integer> poisoned) {
            return new Reject(poisoned.stream().map(i -> new RecordError(i, "record " + i + " is poisoned")).toList());
        }
    }

    /** Sends every record carrying a {@code dlq} header to dlq-0. */
    static final class DlqRouter extends HeaderInspector {
        DlqRouter() {
            super("routed"::equals, "dlq");
        }

        @Override
        Verdict verdict(List<Integer> dead) {
            return new Reroute("dlq", 0, dead);
        }
    }

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        broker = Broker.start(BrokerConfig.of(Map.of("data.dir", dir.toString(), "listen", "127.0.0.1:0")));
        for (String t : List.of("inspected", "inspected-txn", "plain", "routed", "dlq")) broker.topics().create(t, 2, Map.of());
        inspection = Executors.newFixedThreadPool(2, r -> new Thread(r, "test-inspection"));
        TransactionVerifier verifier = (id, pid, epoch, tp, append) -> {
            IN_VERIFIER.set(true);
            try {
                broker.transactions().appendIfInTransaction(id, pid, epoch, tp, () -> {
                    appendsInVerifier.incrementAndGet();
                    append.run();
                });
            } finally {
                IN_VERIFIER.set(false);
            }
        };
        // The one registration: the inspectors, in order, given to the Produce handler.
        ProduceHandler produce = new ProduceHandler(broker.topics(), verifier,
                List.of(new Recorder(), new PoisonRejecter(), new DlqRouter()), inspection);

        ClusterInfo cluster = new ClusterInfo("inspected-cluster", broker.config().intValue(BrokerConfig.NODE_ID));
        ApiTable table = new ApiTable();
        for (ApiTable.Entry e : broker.apiTable().entries().values()) {
            ApiHandler h = switch (e.key()) {
                case PRODUCE -> produce;
                case METADATA -> new MetadataHandler(broker.topics(), cluster, false, 1, inspection);
                case FIND_COORDINATOR -> new FindCoordinatorHandler(cluster);
                default -> e.handler();
            };
            table.register(e.key(), h, e.minVersion(), e.maxVersion(), e.blocking());
        }
        server = new KafkaServer(KafkaServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                broker.config().intValue(BrokerConfig.SOCKET_REQUEST_MAX_BYTES),
                Apis.pipeline(table, inspection, Apis.Extensions.NONE), System::currentTimeMillis);
        cluster.advertise(InetAddress.getLoopbackAddress().getHostAddress(), server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (inspection != null) inspection.shutdownNow();
        broker.close();
    }

    static PartitionLog log(String topic, int partition) {
        return broker.topics().partition(topic, partition);
    }

    static SimpleRecord record(String value, String... headers) {
        Header[] hs = Arrays.stream(headers).map(h -> new RecordHeader(h, new byte[0])).toArray(Header[]::new);
        return new SimpleRecord(1L, null, value.getBytes(StandardCharsets.UTF_8), hs);
    }

    static ProduceRequestData.TopicProduceData topic(String name, Map<Integer, MemoryRecords> batches) {
        List<ProduceRequestData.PartitionProduceData> parts = new ArrayList<>();
        batches.forEach((p, r) -> parts.add(new ProduceRequestData.PartitionProduceData().setIndex(p).setRecords(r)));
        return new ProduceRequestData.TopicProduceData().setName(name).setPartitionData(parts);
    }

    static ProduceResponseData send(ProduceRequestData.TopicProduceData... topics) throws IOException {
        ProduceRequestData.TopicProduceDataCollection c = new ProduceRequestData.TopicProduceDataCollection();
        for (ProduceRequestData.TopicProduceData t : topics) c.add(t);
        ProduceRequest request = ProduceRequest.builder(new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000)
                .setTopicData(c)).build((short) 12);
        try (RawClient client = new RawClient(InetAddress.getLoopbackAddress().getHostAddress(), server.port())) {
            return ((ProduceResponse) client.send(request)).data();
        }
    }

    static ProduceResponseData.PartitionProduceResponse partition(ProduceResponseData data, String topic, int index) {
        return data.responses().stream().filter(t -> t.name().equals(topic)).findFirst().orElseThrow()
                .partitionResponses().stream().filter(p -> p.index() == index).findFirst().orElseThrow();
    }

    @Test
    void aPoisonedRecordFailsItsBatchWithItsBatchIndexAndTheOtherPartitionsOfTheRequestAreUnaffected() throws IOException {
        long rejectedEnd = log("inspected", 0).logEndOffset();
        long cleanEnd = log("inspected", 1).logEndOffset();
        long plainEnd = log("plain", 0).logEndOffset();

        ProduceResponseData r = send(
                topic("inspected", Map.of(
                        0, MemoryRecords.withRecords(Compression.gzip().build(), record("a"), record("b", "poison"), record("c")),
                        1, MemoryRecords.withRecords(Compression.NONE, record("d"), record("e")))),
                topic("plain", Map.of(0, MemoryRecords.withRecords(Compression.NONE, record("f", "poison")))));

        ProduceResponseData.PartitionProduceResponse rejected = partition(r, "inspected", 0);
        assertThat(Errors.forCode(rejected.errorCode())).isEqualTo(Errors.INVALID_RECORD);
        assertThat(rejected.recordErrors()).singleElement().satisfies(e -> {
            assertThat(e.batchIndex()).isEqualTo(1);
            assertThat(e.batchIndexErrorMessage()).isEqualTo("record 1 is poisoned");
        });
        assertThat(rejected.errorMessage()).isEqualTo("One or more records have been rejected due to 1 record errors in total, "
                + "and only showing the first three errors at most: [RecordError(batchIndex=1, message='record 1 is poisoned')]");
        assertThat(rejected.baseOffset()).isEqualTo(-1);
        assertThat(log("inspected", 0).logEndOffset()).as("nothing of the batch appended").isEqualTo(rejectedEnd);

        ProduceResponseData.PartitionProduceResponse clean = partition(r, "inspected", 1);
        assertThat(Errors.forCode(clean.errorCode())).isEqualTo(Errors.NONE);
        assertThat(clean.baseOffset()).isEqualTo(cleanEnd);
        assertThat(log("inspected", 1).logEndOffset()).isEqualTo(cleanEnd + 2);
        ProduceResponseData.PartitionProduceResponse plain = partition(r, "plain", 0);
        assertThat(Errors.forCode(plain.errorCode())).as("no inspector applies to topic plain").isEqualTo(Errors.NONE);
        assertThat(log("plain", 0).logEndOffset()).isEqualTo(plainEnd + 1);
    }

    @Test
    void aRealProducerGetsInvalidRecordForTheBatchHoldingAPoisonedRecord() throws Exception {
        long end = log("inspected", 1).logEndOffset();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + server.port());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "60000"); // the three records go in one batch, sent by flush()
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ProducerRecord<String, String> rec = new ProducerRecord<>("inspected", 1, "k", "v" + i);
                if (i == 2) rec.headers().add("poison", new byte[0]);
                sent.add(producer.send(rec));
            }
            producer.flush();
            assertThatThrownBy(() -> sent.get(2).get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(InvalidRecordException.class).hasMessageContaining("record 2 is poisoned");
            for (int i = 0; i < 2; i++) {
                // kafka-clients' own words for the records of the batch that the broker named no error for
                assertThatThrownBy(sent.get(i)::get).as("record %d, in the same batch", i).cause()
                        .hasMessage("Failed to append record because it was part of a batch which had one more more invalid records");
            }
            assertThat(log("inspected", 1).logEndOffset()).isEqualTo(end);

            Future<RecordMetadata> clean = producer.send(new ProducerRecord<>("inspected", 1, "k", "clean"));
            producer.flush();
            RecordMetadata ok = clean.get(10, TimeUnit.SECONDS);
            assertThat(ok.offset()).isEqualTo(end);
        }
    }

    @Test
    void reroutedRecordsAreDurableInTheTargetTopicBeforeTheProducerIsToldWhereTheyWent() throws IOException {
        long routedEnd = log("routed", 0).logEndOffset();
        long dlqEnd = log("dlq", 0).logEndOffset();

        ProduceResponseData r = send(topic("routed", Map.of(0, MemoryRecords.withRecords(Compression.lz4().build(),
                record("bad-1", "dlq"), record("good"), record("bad-2", "dlq", "why")))));

        ProduceResponseData.PartitionProduceResponse pr = partition(r, "routed", 0);
        assertThat(Errors.forCode(pr.errorCode())).isEqualTo(Errors.INVALID_RECORD);
        assertThat(pr.recordErrors()).extracting(ProduceResponseData.BatchIndexAndErrorMessage::batchIndex).containsExactly(0, 2);
        assertThat(pr.recordErrors()).extracting(ProduceResponseData.BatchIndexAndErrorMessage::batchIndexErrorMessage)
                .containsExactly("rerouted to dlq-0 at offset " + dlqEnd, "rerouted to dlq-0 at offset " + (dlqEnd + 1));
        assertThat(log("routed", 0).logEndOffset()).as("nothing appended where the batch was sent").isEqualTo(routedEnd);
        // Durable before the answer: in fsync mode the high watermark is the durable end.
        assertThat(log("dlq", 0).highWatermark()).isEqualTo(dlqEnd + 2);

        List<String> values = new ArrayList<>();
        List<List<String>> headers = new ArrayList<>();
        for (RecordBatch b : log("dlq", 0).read(dlqEnd, 1 << 20, true).records().batches()) {
            assertThat(b.isTransactional()).isFalse();
            for (Record rec : b) {
                values.add(StandardCharsets.UTF_8.decode(rec.value()).toString());
                headers.add(Arrays.stream(rec.headers()).map(Header::key).toList());
            }
        }
        assertThat(values).containsExactly("bad-1", "bad-2");
        assertThat(headers).containsExactly(List.of("dlq"), List.of("dlq", "why"));
    }

    @Test
    void inspectionRunsOffTheEventLoopAndOutsideTheTransactionMonitor() throws Exception {
        seen.clear();
        int appendsBefore = appendsInVerifier.get();
        long end = log("inspected-txn", 0).logEndOffset();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + server.port());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "inspected-tx");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("inspected-txn", 0, "k", "in-txn")).get(10, TimeUnit.SECONDS);
            producer.commitTransaction();
        }
        assertThat(log("inspected-txn", 0).logEndOffset()).as("the record and the commit marker").isEqualTo(end + 2);
        assertThat(appendsInVerifier.get()).as("the append ran inside the KIP-890 check").isGreaterThan(appendsBefore);
        assertThat(seen).filteredOn(s -> s.topic().equals("inspected-txn")).isNotEmpty().allSatisfy(s -> {
            assertThat(s.onEventLoop()).as("on an event loop").isFalse();
            assertThat(s.thread()).isEqualTo("test-inspection");
            assertThat(s.inVerifier()).as("under the transaction's monitor").isFalse();
        });
    }

    @Test
    void aRequestNoInspectorAppliesToIsHandledOnTheCallingThreadWithoutTheExecutor() throws Exception {
        BatchInspector never = new BatchInspector() {
            @Override
            public boolean appliesTo(TopicPartition tp) {
                return false;
            }

            @Override
            public Verdict inspect(TopicPartition tp, RecordBatch header, List<Record> records) {
                throw new AssertionError("inspected " + tp);
            }
        };
        ProduceHandler handler = new ProduceHandler(broker.topics(), TransactionVerifier.NONE, List.of(never),
                task -> { throw new AssertionError("the executor was used"); });
        long end = log("plain", 1).logEndOffset();
        ProduceRequestData.TopicProduceDataCollection c = new ProduceRequestData.TopicProduceDataCollection();
        c.add(topic("plain", Map.of(1, MemoryRecords.withRecords(Compression.NONE, record("x")))));
        ProduceRequest body = ProduceRequest.builder(new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5000).setTopicData(c))
                .build((short) 12);
        RequestHeader header = new RequestHeader(body.apiKey(), body.version(), "test", 1);
        RequestContext ctx = new RequestContext(header, "c", InetAddress.getLoopbackAddress(), Optional.empty(), KafkaPrincipal.ANONYMOUS,
                ListenerName.forSecurityProtocol(SecurityProtocol.PLAINTEXT), SecurityProtocol.PLAINTEXT, ClientInformation.EMPTY, false);
        ProduceResponse r = (ProduceResponse) handler.handle(new KafkaRequest(header, ctx, body)).get(10, TimeUnit.SECONDS);
        assertThat(Errors.forCode(partition(r.data(), "plain", 1).errorCode())).isEqualTo(Errors.NONE);
        assertThat(log("plain", 1).logEndOffset()).isEqualTo(end + 1);
    }
}
