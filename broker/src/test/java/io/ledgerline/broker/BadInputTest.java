package io.ledgerline.broker;

import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.DescribeQuorumRequest;
import org.apache.kafka.common.requests.DescribeQuorumResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of bad input gets a named answer: an error code, or a closed connection when the frame itself
 * cannot be trusted. After each, the log is untouched, the broker still serves a new connection, and no
 * request counted as an unexpected error.
 */
class BadInputTest {
    @TempDir
    static Path dir;
    static Broker broker;

    @BeforeAll
    static void start() throws IOException {
        broker = TestBroker.start(dir, Map.of("socket.request.max.bytes", "1048576")).broker();
        broker.topics().create("small", 1, Map.of("max.message.bytes", "1024"));
        broker.topics().create("plain", 1, Map.of());
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @AfterEach
    void brokerStillServesAndSawNoBug() throws IOException {
        try (RawClient c = new RawClient(broker)) {
            AbstractResponse r = c.send(new ApiVersionsRequest.Builder().build(ApiKeys.API_VERSIONS.latestVersion()));
            assertThat(((ApiVersionsResponse) r).data().errorCode()).isEqualTo(Errors.NONE.code());
        }
        assertThat(broker.connectionStats().unexpectedErrors.sum()).as("unexpected errors").isZero();
    }

    @Test
    void garbageFrameClosesTheConnection() throws IOException {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("BadInputTest.garbageFrameClosesTheConnection seed=" + seed);
        byte[] junk = new byte[64];
        new Random(seed).nextBytes(junk);
        junk[0] = 0x7f; // api key 0x7fxx: no such API
        try (RawClient c = new RawClient(broker)) {
            c.writeFrame(ByteBuffer.wrap(junk));
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void frameLargerThanSocketRequestMaxBytesClosesTheConnection() throws IOException {
        try (RawClient c = new RawClient(broker)) {
            c.writeRaw(ByteBuffer.allocate(4).putInt(200 * 1024 * 1024).array());
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void negativeFrameSizeClosesTheConnection() throws IOException {
        try (RawClient c = new RawClient(broker)) {
            c.writeRaw(ByteBuffer.allocate(4).putInt(-5).array());
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void truncatedRequestBodyClosesTheConnection() throws IOException {
        ByteBuffer full = new MetadataRequest.Builder(List.of("a-topic"), true).build((short) 12)
                .serializeWithHeader(RawClient.header(ApiKeys.METADATA, (short) 12, 1));
        ByteBuffer cut = full.slice(0, full.remaining() - 5);
        try (RawClient c = new RawClient(broker)) {
            c.writeFrame(cut);
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void apiThatLedgerlineDoesNotImplementGetsUnsupportedVersion() throws IOException {
        try (RawClient c = new RawClient(broker)) {
            DescribeQuorumResponse r = (DescribeQuorumResponse) c.send(new DescribeQuorumRequest.Builder(
                    DescribeQuorumRequest.singletonRequest(new TopicPartition("__cluster_metadata", 0))).build((short) 2));
            assertThat(r.data().errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
        }
    }

    @Test
    void apiVersionsNewerThanKnownGetsV0WithUnsupportedVersionAndItsOwnRangeAndTheConnectionStays() throws IOException {
        // A flexible request header v2 (api key, version 99, correlation id, client id, no tagged fields) and a
        // body we cannot know: written by hand because no client can build a version that does not exist yet.
        ByteBuffer frame = ByteBuffer.allocate(2 + 2 + 4 + 2 + 1 + 1 + 3);
        frame.putShort(ApiKeys.API_VERSIONS.id).putShort((short) 99).putInt(42).putShort((short) 1).put((byte) 'x')
                .put((byte) 0).put(new byte[] {1, 2, 3}).flip();
        try (RawClient c = new RawClient(broker)) {
            c.writeFrame(frame);
            ByteBuffer resp = ByteBuffer.wrap(c.readFrame());
            ResponseHeader h = ResponseHeader.parse(resp, (short) 0);
            assertThat(h.correlationId()).isEqualTo(42);
            ApiVersionsResponseData d = ApiVersionsResponse.parse(new ByteBufferAccessor(resp), (short) 0).data();
            assertThat(d.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            // As Kafka 4.4: ApiVersions' own range only (UnsupportedRequestsTest in it checks both brokers).
            assertThat(d.apiKeys()).extracting(ApiVersionsResponseData.ApiVersion::apiKey).containsExactly(ApiKeys.API_VERSIONS.id);
            assertThat(d.apiKeys().iterator().next().maxVersion()).isEqualTo(ApiKeys.API_VERSIONS.latestVersion(false));
            // and the connection stays: the client asks again at a version both speak
            ApiVersionsResponse again = (ApiVersionsResponse) c.send(new ApiVersionsRequest.Builder().build((short) 3));
            assertThat(again.data().errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(again.data().apiKeys().size()).isEqualTo(broker.apiTable().entries().size());
        }
    }

    @Test
    void unknownApiKeyClosesTheConnectionAsKafkaDoes() throws IOException {
        // Nobody can read an answer to an API no one defined (not even its response header version): Kafka 4.4
        // closes the connection too (it/UnsupportedRequestsTest). The header is kafka-clients' generated class.
        long before = broker.connectionStats().malformedRequests.sum();
        try (RawClient c = new RawClient(broker)) {
            c.writeFrame(RawClient.frame(new RequestHeaderData().setRequestApiKey((short) 9999).setRequestApiVersion((short) 0)
                    .setCorrelationId(3).setClientId("bad"), (short) 2, null, (short) 0));
            assertThat(c.closedByPeer()).isTrue();
        }
        assertThat(broker.connectionStats().malformedRequests.sum()).isEqualTo(before + 1);
    }

    @Test
    void versionNoLibraryKnowsClosesTheConnectionAsKafkaDoes() throws IOException {
        try (RawClient c = new RawClient(broker)) {
            c.writeFrame(RawClient.frame(new RequestHeaderData().setRequestApiKey(ApiKeys.METADATA.id).setRequestApiVersion((short) 99)
                    .setCorrelationId(4).setClientId("bad"), (short) 2, new MetadataRequestData().setTopics(null), ApiKeys.METADATA.latestVersion()));
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    /**
     * Every version kafka-clients can parse but the table does not advertise (above or below its range) gets the
     * API's error response with UNSUPPORTED_VERSION at that version, and the connection keeps serving. Kafka closes
     * the connection for a version it does not enable; an error code is clearer. The versions come from the table:
     * one that has no request here fails the test, naming it.
     */
    @Test
    void everyParseableVersionOutsideTheAdvertisedRangeGetsUnsupportedVersionAndTheConnectionStays() throws IOException {
        java.util.Set<String> outside = new java.util.TreeSet<>();
        for (io.ledgerline.broker.protocol.ApiTable.Entry e : broker.apiTable().entries().values()) {
            for (short v = e.key().oldestVersion(); v <= e.key().latestVersion(true); v++) {
                if (v < e.minVersion() || v > e.maxVersion()) outside.add(e.key() + " v" + v);
            }
        }
        Map<String, AbstractRequest> requests = Map.of(
                "END_TXN v5", new EndTxnRequest.Builder(new EndTxnRequestData().setTransactionalId("t").setProducerId(1)
                        .setProducerEpoch((short) 0).setCommitted(true), true).build((short) 5),
                "TXN_OFFSET_COMMIT v5", txnOffsetCommit((short) 5),
                "TXN_OFFSET_COMMIT v6", txnOffsetCommit((short) 6),
                "INIT_PRODUCER_ID v6", AbstractRequest.parseRequest(ApiKeys.INIT_PRODUCER_ID, (short) 6,
                        MessageUtil.toByteBufferAccessor(new InitProducerIdRequestData().setTransactionalId(null)
                                .setTransactionTimeoutMs(60_000), (short) 6)).request);
        assertThat(requests.keySet()).as("a request for every parseable version outside the advertised ranges").isEqualTo(outside);
        try (RawClient c = new RawClient(broker)) {
            for (Map.Entry<String, AbstractRequest> e : new java.util.TreeMap<>(requests).entrySet()) {
                AbstractResponse r = c.send(e.getValue());
                assertThat(r.errorCounts()).as(e.getKey()).containsOnlyKeys(Errors.UNSUPPORTED_VERSION);
            }
            ApiVersionsResponse again = (ApiVersionsResponse) c.send(new ApiVersionsRequest.Builder().build((short) 3));
            assertThat(again.data().errorCode()).isEqualTo(Errors.NONE.code());
        }
    }

    private static AbstractRequest txnOffsetCommit(short v) {
        return TxnOffsetCommitRequest.Builder.forTopicIdsOrNames(new TxnOffsetCommitRequestData().setTransactionalId("t").setGroupId("g")
                .setProducerId(1).setProducerEpoch((short) 0).setTopics(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic()
                        .setName("plain").setTopicId(broker.topics().get("plain").topic().id())
                        .setPartitions(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                                .setPartitionIndex(0).setCommittedOffset(0))))), true).build(v);
    }

    @Test
    void batchWithBadCrcGetsCorruptMessageAndTheLogIsUntouched() throws IOException {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(1L, "k".getBytes(), "value".getBytes()));
        ByteBuffer b = records.buffer();
        b.put(b.limit() - 1, (byte) (b.get(b.limit() - 1) ^ 0x55)); // last byte of the value: covered by the CRC
        PartitionLog log = broker.topics().partition("plain", 0);
        long before = log.logEndOffset();
        assertThat(produceError("plain", records)).isEqualTo(Errors.CORRUPT_MESSAGE);
        assertThat(log.logEndOffset()).isEqualTo(before);
    }

    @Test
    void batchLargerThanTheTopicsMaxMessageBytesGetsMessageTooLarge() throws IOException {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(1L, null, new byte[4096]));
        PartitionLog log = broker.topics().partition("small", 0);
        long before = log.logEndOffset();
        assertThat(produceError("small", records)).isEqualTo(Errors.MESSAGE_TOO_LARGE);
        assertThat(log.logEndOffset()).isEqualTo(before);
    }

    @Test
    void produceToAnUnknownTopicGetsUnknownTopicOrPartition() throws IOException {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(1L, null, "v".getBytes()));
        assertThat(produceError("never-created", records)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    @Test
    void invalidRequiredAcksGetsInvalidRequiredAcks() throws IOException {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(1L, null, "v".getBytes()));
        assertThat(produce("plain", records, (short) 2).errorCode()).isEqualTo(Errors.INVALID_REQUIRED_ACKS.code());
    }

    @Test
    void metadataForAnInvalidTopicNameGetsInvalidTopicException() throws IOException {
        try (RawClient c = new RawClient(broker)) {
            MetadataResponse r = (MetadataResponse) c.send(new MetadataRequest.Builder(List.of("bad name!"), true).build((short) 12));
            MetadataResponseData.MetadataResponseTopic t = r.data().topics().iterator().next();
            assertThat(t.errorCode()).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION.code());
            assertThat(broker.topics().get("bad name!")).isNull();
        }
    }

    @Test
    void acksZeroGetsNoResponseAndTheNextResponseKeepsItsCorrelationId() throws IOException {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(1L, null, "v".getBytes()));
        PartitionLog log = broker.topics().partition("plain", 0);
        long before = log.logEndOffset();
        try (RawClient c = new RawClient(broker)) {
            c.sendOneWay(produceRequest("plain", records, (short) 0));
            ApiVersionsResponse r = (ApiVersionsResponse) c.send(new ApiVersionsRequest.Builder().build((short) 3));
            assertThat(r.data().errorCode()).isEqualTo(Errors.NONE.code()); // parsed with its own correlation id
        }
        assertThat(log.logEndOffset()).isEqualTo(before + 1);
    }

    private static Errors produceError(String topic, MemoryRecords records) throws IOException {
        return Errors.forCode(produce(topic, records, (short) -1).errorCode());
    }

    private static ProduceResponseData.PartitionProduceResponse produce(String topic, MemoryRecords records, short acks) throws IOException {
        try (RawClient c = new RawClient(broker)) {
            ProduceResponse r = (ProduceResponse) c.send(produceRequest(topic, records, acks));
            return r.data().responses().iterator().next().partitionResponses().get(0);
        }
    }

    static ProduceRequest produceRequest(String topic, MemoryRecords records, short acks) {
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(topic)
                .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records))));
        return ProduceRequest.builder(new ProduceRequestData().setAcks(acks).setTimeoutMs(5000).setTopicData(topics))
                .build((short) 12);
    }
}
