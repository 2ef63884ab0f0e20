package io.ledgerline.broker.net;

import io.ledgerline.broker.Apis;
import io.ledgerline.broker.Broker;
import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.broker.pipeline.AuthenticateStage;
import io.ledgerline.broker.pipeline.OffloadStage;
import io.ledgerline.broker.pipeline.Pipeline;
import io.ledgerline.broker.pipeline.QuotaPolicy;
import io.ledgerline.broker.pipeline.Stage;
import io.ledgerline.broker.pipeline.ThrottleStage;
import io.ledgerline.broker.pipeline.VersionStage;
import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.ApiTable;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.log.io.FileOpener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throttling as KIP-219 has it: a throttled request's response is sent at once and carries {@code throttle_time_ms};
 * the connection is then not read until that time has passed, so the client's next request waits.
 */
class ThrottledConnectionTest {
    private static final int THROTTLE_MS = 300;

    /** Throttles every DescribeCluster request. */
    private static final QuotaPolicy DESCRIBE_CLUSTER_THROTTLED =
            (request, response) -> request.apiKey() == ApiKeys.DESCRIBE_CLUSTER ? THROTTLE_MS : 0;

    @Test
    void theConnectionIsReadAgainExactlyWhenTheThrottleTimeHasPassedOnTheEventLoopsClock() {
        ApiTable table = new ApiTable().register(ApiKeys.DESCRIBE_CLUSTER,
                r -> ApiHandler.done(new DescribeClusterResponse(new DescribeClusterResponseData())));
        Pipeline pipeline = new Pipeline(table, List.of(new AuthenticateStage(), new VersionStage(),
                new ThrottleStage(DESCRIBE_CLUSTER_THROTTLED), new OffloadStage(Runnable::run)));
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
                KafkaServer.initPipeline(c, 1 << 20, pipeline, () -> 0L, new ConnectionStats());
            }
        });
        ch.freezeTime();
        DescribeClusterRequest request = new DescribeClusterRequest.Builder(new DescribeClusterRequestData()).build();
        RequestHeader header = new RequestHeader(ApiKeys.DESCRIBE_CLUSTER, request.version(), "throttled", 1);
        ByteBuffer body = request.serializeWithHeader(header);
        ch.writeInbound(Unpooled.buffer().writeInt(body.remaining()).writeBytes(body));

        AbstractResponse response = AbstractResponse.parseResponse(responseFrame(ch), header);
        assertThat(response.throttleTimeMs()).isEqualTo(THROTTLE_MS);
        assertThat(ch.config().isAutoRead()).as("muted once the response is out").isFalse();
        ch.advanceTimeBy(THROTTLE_MS - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.config().isAutoRead()).as("still muted 1 ms before the throttle time").isFalse();
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.config().isAutoRead()).as("read again at the throttle time").isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void aClientSeesThrottleTimeAndItsNextRequestIsNotReadBeforeTheTimeHasPassed(@TempDir Path dir) throws Exception {
        AtomicLong mutedAtNanos = new AtomicLong();
        AtomicLong nextReadAtNanos = new AtomicLong();
        QuotaPolicy policy = (request, response) -> {
            if (request.apiKey() != ApiKeys.DESCRIBE_CLUSTER) return 0;
            mutedAtNanos.set(System.nanoTime()); // before the stage mutes: the mute can only end later than this + THROTTLE_MS
            return THROTTLE_MS;
        };
        Stage arrivals = new Stage() {
            @Override
            public CompletableFuture<AbstractResponse> handle(KafkaRequest request, ApiTable.Entry entry, Next next) {
                if (request.apiKey() == ApiKeys.API_VERSIONS) nextReadAtNanos.set(System.nanoTime());
                return next.handle(request);
            }
        };
        try (Broker broker = Broker.start(BrokerConfig.of(Map.of("data.dir", dir.toString(), "listen", "127.0.0.1:0")),
                FileOpener.DEFAULT, System::currentTimeMillis, new Apis.Extensions(policy, List.of(arrivals)));
             RawClient client = new RawClient(broker)) {
            AbstractResponse throttled = client.send(new DescribeClusterRequest.Builder(new DescribeClusterRequestData()).build());
            assertThat(throttled.throttleTimeMs()).isEqualTo(THROTTLE_MS);
            // Sent at once, behind the throttled response: the broker reads it only once the mute is over.
            AbstractResponse next = client.send(new ApiVersionsRequest.Builder(new ApiVersionsRequestData(), (short) 3, (short) 3).build());
            assertThat(next.throttleTimeMs()).isZero();
            assertThat(nextReadAtNanos.get() - mutedAtNanos.get()).as("ns between the mute and the next read")
                    .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(THROTTLE_MS));
            // And the request after that is read at once: nothing throttles ApiVersions.
            assertThat(client.send(new MetadataRequest(new MetadataRequestData(), (short) 12)).throttleTimeMs()).isZero();
            assertThat(broker.connectionStats().unexpectedErrors.sum()).isZero();
        }
    }

    /** The response frame the channel wrote (size prefix, header, body as separate buffers), without its size. */
    private static ByteBuffer responseFrame(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) m;
            all.writeBytes(b);
            b.release();
        }
        int size = all.readInt();
        assertThat(all.readableBytes()).isEqualTo(size);
        return all.nioBuffer();
    }
}
