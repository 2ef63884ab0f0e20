package io.ledgerline.bench.jmh;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.network.ClientInformation;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Request decode as the connection handler does it (KAFKA-PROTOCOL.md, request path): {@code RequestHeader.parse}
 * of the frame, then {@code RequestContext.parseRequest} of the body, for a Produce v13 (topic id) request of
 * {@code partitions} partitions each carrying one batch of 16 1 KiB records. The records are not copied: they
 * stay views of the frame. {@code decodeAndValidate} adds {@code ProduceRequest.validateRecords} and the
 * batch CRC check the produce handler runs before the log does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ProduceRequestDecodeBenchmark {
    @Param({"1", "16"})
    int partitions;

    private ByteBuffer frame;
    private final InetAddress client = InetAddress.getLoopbackAddress();

    @Setup
    public void setUp() {
        short version = ApiKeys.PRODUCE.latestVersion(false);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setTopicId(Uuid.randomUuid());
        for (int p = 0; p < partitions; p++) {
            topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(p).setRecords(Fixtures.batch(16)));
        }
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
        data.topicData().add(topic);
        RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, version, "producer-1", 42);
        ByteBuffer b = ProduceRequest.builder(data).build(version).serializeWithHeader(header);
        frame = ByteBuffer.allocate(b.remaining()).put(b).flip();
    }

    private AbstractRequest decode() {
        ByteBuffer buf = frame.duplicate();
        RequestHeader header = RequestHeader.parse(buf);
        RequestContext ctx = new RequestContext(header, "c-1", client, Optional.of(50000), KafkaPrincipal.ANONYMOUS,
                ListenerName.forSecurityProtocol(SecurityProtocol.PLAINTEXT), SecurityProtocol.PLAINTEXT,
                ClientInformation.EMPTY, false);
        return ctx.parseRequest(buf).request;
    }

    @Benchmark
    public AbstractRequest decodeOnly() {
        return decode();
    }

    @Benchmark
    public Object decodeAndValidate() {
        ProduceRequest req = (ProduceRequest) decode();
        for (ProduceRequestData.TopicProduceData t : req.data().topicData()) {
            for (ProduceRequestData.PartitionProduceData p : t.partitionData()) {
                org.apache.kafka.common.record.internal.MemoryRecords records =
                        (org.apache.kafka.common.record.internal.MemoryRecords) p.records();
                ProduceRequest.validateRecords(req.version(), records);
                records.batches().forEach(org.apache.kafka.common.record.internal.MutableRecordBatch::ensureValid);
            }
        }
        return req;
    }
}
