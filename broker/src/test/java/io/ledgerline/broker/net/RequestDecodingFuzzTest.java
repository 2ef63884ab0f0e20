package io.ledgerline.broker.net;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ledgerline.broker.Broker;
import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.broker.protocol.ApiTable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the request path end to end — frame decoder, header and body parsing, every handler — through the
 * real pipeline on an in-memory channel backed by a real broker. The property: whatever the bytes, nothing
 * throws out of the pipeline and no request counts as an unexpected error (a handler bug); bad input only
 * ever closes the connection or gets an error code. Each input is judged alone: it gets a connection and
 * {@link ConnectionStats} of its own, so a failing input fails by itself and the inputs after it are judged on
 * their own errors. (The broker behind them is shared: an input sees the topics and state earlier ones left.)
 * What an input's channel runs before it is finished is judged; a response that completes only after that (a
 * handler still waiting on another thread) is not.
 *
 * <p>Inputs are built three ways: raw bytes; a valid header for an advertised API and version followed by
 * fuzzed body bytes; a valid request of a supported API with some bytes overwritten. Every API of the dispatch
 * table is reached through the second way; the templates of the third are the APIs with the most to check
 * (records, partition lists, markers). A stored input chooses its API by an index into the dispatch table and its
 * template by an index into {@code templates()}: registering an API or adding a template changes what older inputs
 * decode to, so re-point the ones kept for a reason (the crash-* inputs) when doing so. Without JAZZER_FUZZ=1
 * this runs as a regression test over the stored inputs; {@code JAZZER_FUZZ=1 mvn -pl broker test
 * -Dtest=RequestDecodingFuzzTest} fuzzes for maxDuration.
 */
class RequestDecodingFuzzTest {
    private static final int FRAME_MAX_BYTES = 1024 * 1024;
    private static Path dir;
    private static Broker broker;
    private static ApiTable table;
    private static List<ApiTable.Entry> apis;
    private static List<ByteBuffer> templates;

    /** One fuzzed frame body, and what it is, for the failure message. */
    private record Input(String label, ByteBuffer frameBody) {}

    @BeforeAll
    static void start() throws IOException {
        // Millions of closed connections: keep the log readable (the counters are what the test checks).
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ConnectionHandler.class))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        dir = Files.createTempDirectory("ledgerline-fuzz");
        broker = Broker.start(BrokerConfig.of(Map.of("data.dir", dir.toString(), "listen", "127.0.0.1:0",
                "fetch.max.wait.ms.max", "0")));
        broker.topics().create("fuzz", 2, Map.of());
        table = broker.apiTable();
        apis = new ArrayList<>(table.entries().values());
        templates = templates();
    }

    @AfterAll
    static void stop() throws IOException {
        broker.close();
        try (var walk = Files.walk(dir)) {
            walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void noInputCrashesTheBroker(FuzzedDataProvider data) {
        Input input = switch (data.consumeInt(0, 2)) {
            case 0 -> new Input("raw bytes", ByteBuffer.wrap(data.consumeRemainingAsBytes()));
            case 1 -> headerThenFuzz(data);
            default -> mutatedTemplate(data);
        };
        ByteBuffer frameBody = input.frameBody();
        ConnectionStats stats = new ConnectionStats(); // this input's own: its verdict depends on no other input
        EmbeddedChannel ch = new EmbeddedChannel(new io.netty.channel.ChannelInitializer<>() {
            @Override
            protected void initChannel(io.netty.channel.Channel c) {
                KafkaServer.initPipeline(c, FRAME_MAX_BYTES, broker.pipeline(), System::currentTimeMillis, stats);
            }
        });
        ByteBuf frame = Unpooled.buffer(4 + frameBody.remaining());
        frame.writeInt(frameBody.remaining()).writeBytes(frameBody);
        ch.writeInbound(frame);
        ch.runPendingTasks();
        ch.checkException();
        ch.finishAndReleaseAll();
        long unexpected = stats.unexpectedErrors.sum();
        if (unexpected != 0) {
            throw new AssertionError(input.label() + ": " + unexpected + " unexpected error(s) (see the log above)");
        }
    }

    private static Input headerThenFuzz(FuzzedDataProvider data) {
        ApiTable.Entry api = apis.get(data.consumeInt(0, apis.size() - 1));
        short min = (short) Math.max(api.minVersion(), api.key().oldestVersion());
        short version = (short) data.consumeInt(min, api.maxVersion());
        ByteBuffer header = serializeHeader(new RequestHeader(api.key(), version, "fuzz", 7));
        byte[] body = data.consumeRemainingAsBytes();
        return new Input(api.key() + " v" + version + " header, fuzzed body",
                ByteBuffer.allocate(header.remaining() + body.length).put(header).put(body).flip());
    }

    private static Input mutatedTemplate(FuzzedDataProvider data) {
        int index = data.consumeInt(0, templates.size() - 1);
        ByteBuffer t = templates.get(index);
        byte[] bytes = new byte[t.remaining()];
        t.duplicate().get(bytes);
        int edits = data.consumeInt(1, 8);
        for (int i = 0; i < edits && data.remainingBytes() > 0; i++) {
            bytes[data.consumeInt(0, bytes.length - 1)] = data.consumeByte();
        }
        return new Input("template " + index + " with bytes overwritten", ByteBuffer.wrap(bytes));
    }

    private static ByteBuffer serializeHeader(RequestHeader h) {
        RequestHeaderData d = h.data();
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer buf = ByteBuffer.allocate(d.size(cache, h.headerVersion()));
        d.write(new ByteBufferAccessor(buf), cache, h.headerVersion());
        return buf.flip();
    }

    private static List<ByteBuffer> templates() {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(1L, "k".getBytes(), "v".getBytes()));
        ProduceRequestData.TopicProduceDataCollection pt = new ProduceRequestData.TopicProduceDataCollection();
        pt.add(new ProduceRequestData.TopicProduceData().setName("fuzz")
                .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(1).setRecords(records))));
        FetchRequestData fetch = new FetchRequestData().setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20)
                .setTopics(List.of(new FetchRequestData.FetchTopic().setTopic("fuzz").setPartitions(List.of(
                        new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 20)))));
        ListOffsetsRequestData lo = new ListOffsetsRequestData().setTopics(List.of(new ListOffsetsRequestData.ListOffsetsTopic()
                .setName("fuzz").setPartitions(List.of(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1)))));
        List<AbstractRequest> requests = List.of(
                new ApiVersionsRequest.Builder().build((short) 3),
                new MetadataRequest.Builder(List.of("fuzz", "other"), false).build((short) 12),
                ProduceRequest.builder(new ProduceRequestData().setAcks((short) -1).setTimeoutMs(1000).setTopicData(pt)).build((short) 12),
                new FetchRequest(fetch, (short) 12),
                ListOffsetsRequest.Builder.forConsumer(false, org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED)
                        .setTargetTimes(lo.topics()).build((short) 10),
                new InitProducerIdRequest.Builder(new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(1000)).build((short) 4),
                new WriteTxnMarkersRequest.Builder(new WriteTxnMarkersRequestData().setMarkers(List.of(
                        new WriteTxnMarkersRequestData.WritableTxnMarker().setProducerId(4242).setProducerEpoch((short) 0)
                                .setCoordinatorEpoch(0).setTransactionResult(false).setTopics(List.of(
                                        new WriteTxnMarkersRequestData.WritableTxnMarkerTopic().setName("fuzz")
                                                .setPartitionIndexes(List.of(0, 1))))))).build((short) 2));
        List<ByteBuffer> out = new ArrayList<>();
        int cid = 1;
        for (AbstractRequest r : requests) {
            out.add(r.serializeWithHeader(new RequestHeader(r.apiKey(), r.version(), "fuzz", cid++)));
        }
        return out;
    }
}
