package io.ledgerline.bench.jmh;

import io.ledgerline.broker.protocol.SendAdapter;
import io.ledgerline.log.LogManager;
import io.ledgerline.log.PartitionLog;
import io.netty.util.ReferenceCountUtil;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.network.ClientInformation;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Fetch response assembly: for each of {@code partitions} partitions a {@code PartitionLog.read} (a FileRecords
 * slice of up to 1 MiB), the FetchResponseData around them, {@code FetchResponse.of}, {@code buildResponseSend}
 * (size prefix, header, serialized body) and Ledgerline's {@link SendAdapter} turning the Send into Netty
 * messages: byte buffers plus file regions for sendfile. No record byte is copied or sent; what is measured is
 * the per-response CPU the broker spends before the socket.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FetchResponseBenchmark {
    @Param({"1", "16"})
    int partitions;

    private Path dir;
    private LogManager logs;
    private final List<PartitionLog> parts = new ArrayList<>();
    private RequestContext ctx;
    private final Uuid topicId = Uuid.randomUuid();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Fixtures.scratch("fetch");
        logs = Fixtures.logManager(dir, false);
        for (int p = 0; p < partitions; p++) {
            PartitionLog log = logs.open(new TopicPartition("t", p), Fixtures.logConfig());
            for (int i = 0; i < 128; i++) log.append(Fixtures.batch(16)); // 2 MiB per partition
            parts.add(log);
        }
        short version = ApiKeys.FETCH.latestVersion(false);
        ctx = new RequestContext(new RequestHeader(ApiKeys.FETCH, version, "consumer-1", 7), "c-1",
                InetAddress.getLoopbackAddress(), Optional.of(50000), KafkaPrincipal.ANONYMOUS,
                ListenerName.forSecurityProtocol(SecurityProtocol.PLAINTEXT), SecurityProtocol.PLAINTEXT,
                ClientInformation.EMPTY, false);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        logs.close();
        Fixtures.delete(dir);
    }

    @Benchmark
    public int assemble() throws Exception {
        FetchResponseData data = new FetchResponseData().setSessionId(0);
        FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse().setTopicId(topicId);
        data.responses().add(topic);
        boolean minOneBatch = true;
        for (int p = 0; p < parts.size(); p++) {
            PartitionLog log = parts.get(p);
            var r = log.read(0, 1 << 20, minOneBatch);
            minOneBatch = false;
            topic.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(p).setPreferredReadReplica(-1)
                    .setHighWatermark(r.highWatermark()).setLastStableOffset(r.highWatermark())
                    .setLogStartOffset(r.logStartOffset()).setRecords(r.records()));
        }
        Send send = ctx.buildResponseSend(FetchResponse.of(data));
        List<Object> messages = SendAdapter.toMessages(send);
        int n = messages.size();
        for (Object m : messages) ReferenceCountUtil.release(m);
        return n;
    }
}
