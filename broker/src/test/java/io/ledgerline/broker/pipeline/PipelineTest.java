package io.ledgerline.broker.pipeline;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.ApiTable;
import io.ledgerline.broker.protocol.ClientConnection;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.protocol.RequestContext;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.network.ClientInformation;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pipeline without a network or a broker: stage order both ways, stages answering, and each built-in stage. */
class PipelineTest {

    /** A stage that writes down when it sees requests and responses. */
    private record Recording(String name, List<String> log) implements Stage {
        @Override
        public CompletableFuture<AbstractResponse> handle(KafkaRequest request, ApiTable.Entry entry, Next next) {
            log.add(name + " in");
            return next.handle(request);
        }

        @Override
        public void onResponse(KafkaRequest request, AbstractResponse response) {
            log.add(name + " out");
        }
    }

    private static ClientConnection connection(ClientConnection.Control control) {
        return new ClientConnection("c-1", InetAddress.getLoopbackAddress(), Optional.of(5555),
                ListenerName.forSecurityProtocol(SecurityProtocol.PLAINTEXT), SecurityProtocol.PLAINTEXT, control);
    }

    private static KafkaRequest request(AbstractRequest body, ClientConnection connection) {
        return request(body, body.version(), connection);
    }

    /** {@code body} under a header of {@code headerVersion} (an ApiVersions request at a version no one knows). */
    private static KafkaRequest request(AbstractRequest body, short headerVersion, ClientConnection connection) {
        RequestHeader header = new RequestHeader(body.apiKey(), headerVersion, "client-a", 3);
        var wire = new org.apache.kafka.common.requests.RequestContext(header, connection.id(), connection.clientAddress(),
                connection.clientPort(), connection.principal(), connection.listenerName(), connection.securityProtocol(),
                ClientInformation.EMPTY, false);
        return new KafkaRequest(header, wire, body, new RequestContext(connection, header.clientId(), 42L));
    }

    private static KafkaRequest describeCluster() {
        return request(new DescribeClusterRequest.Builder(new DescribeClusterRequestData()).build(), connection(ClientConnection.Control.NONE));
    }

    private static final ApiHandler CLUSTER = r -> ApiHandler.done(new DescribeClusterResponse(new DescribeClusterResponseData()));

    @Test
    void stagesSeeRequestsInOrderAndResponsesInReverseOrder() throws Exception {
        List<String> log = new ArrayList<>();
        ApiTable table = new ApiTable().register(ApiKeys.DESCRIBE_CLUSTER, r -> {
            log.add("handler");
            return CLUSTER.handle(r);
        });
        Pipeline pipeline = new Pipeline(table, List.of(new Recording("a", log), new Recording("b", log)));
        KafkaRequest request = describeCluster();
        AbstractResponse response = pipeline.dispatch(request).get();
        pipeline.respond(request, response);
        assertThat(log).containsExactly("a in", "b in", "handler", "b out", "a out");
    }

    @Test
    void aStageMayAnswerItselfAndTheResponseStillGoesBackThroughEveryStage() throws Exception {
        List<String> log = new ArrayList<>();
        Stage refuseClientA = new Stage() {
            @Override
            public CompletableFuture<AbstractResponse> handle(KafkaRequest request, ApiTable.Entry entry, Next next) {
                if (!"client-a".equals(request.context().clientId())) return next.handle(request);
                return CompletableFuture.completedFuture(request.body().getErrorResponse(0, new PolicyViolationException("no client-a")));
            }
        };
        ApiTable table = new ApiTable().register(ApiKeys.DESCRIBE_CLUSTER, r -> {
            log.add("handler");
            return CLUSTER.handle(r);
        });
        Pipeline pipeline = new Pipeline(table, List.of(new Recording("outer", log), refuseClientA, new Recording("inner", log)));
        KafkaRequest request = describeCluster();
        AbstractResponse response = pipeline.dispatch(request).get();
        pipeline.respond(request, response);
        assertThat(response.errorCounts()).containsOnlyKeys(Errors.POLICY_VIOLATION);
        assertThat(log).containsExactly("outer in", "inner out", "outer out");
    }

    @Test
    void versionStageRefusesWhatTheTableDoesNotServeWithTheSameTextsAsBefore() {
        ApiTable table = new ApiTable().register(ApiKeys.METADATA, r -> {
            throw new AssertionError("not reached");
        }, (short) 4, (short) 9);
        Pipeline pipeline = new Pipeline(table, List.of(new VersionStage()));
        KafkaRequest v3 = request(new MetadataRequest(new MetadataRequestData(), (short) 3), connection(ClientConnection.Control.NONE));
        assertThatThrownBy(() -> pipeline.dispatch(v3)).isInstanceOf(UnsupportedVersionException.class)
                .hasMessage("METADATA version 3 is not supported (advertised 4..9)");
        assertThatThrownBy(() -> pipeline.dispatch(describeCluster())).isInstanceOf(UnsupportedVersionException.class)
                .hasMessage("DESCRIBE_CLUSTER is not supported by Ledgerline");
        // Without a version stage the end of the chain refuses an unknown API all the same.
        assertThatThrownBy(() -> new Pipeline(table, List.of()).dispatch(describeCluster()))
                .isInstanceOf(UnsupportedVersionException.class).hasMessage("DESCRIBE_CLUSTER is not supported by Ledgerline");
    }

    @Test
    void anApiVersionsRequestAtAnUnknownVersionReachesItsHandlerAndIsShapedAsV0() throws Exception {
        ApiTable table = new ApiTable().register(ApiKeys.API_VERSIONS,
                r -> ApiHandler.done(new ApiVersionsResponse(new org.apache.kafka.common.message.ApiVersionsResponseData()
                        .setErrorCode(Errors.UNSUPPORTED_VERSION.code()).setThrottleTimeMs(9))), (short) 0, (short) 3);
        Pipeline pipeline = new Pipeline(table, List.of(new VersionStage()));
        KafkaRequest request = request(new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 0, (short) 99), (short) 99,
                connection(ClientConnection.Control.NONE));
        assertThat(request.version()).isEqualTo((short) 99);
        AbstractResponse response = pipeline.dispatch(request).get();
        pipeline.respond(request, response);
        // v0 has no throttle_time_ms: the shaping reset it, at the version the wire context writes (0).
        assertThat(request.wireContext().apiVersion()).isZero();
        assertThat(response.throttleTimeMs()).isZero();
        assertThat(response.errorCounts()).containsOnlyKeys(Errors.UNSUPPORTED_VERSION);
    }

    @Test
    void authenticateStageGivesTheRequestItsConnectionsPrincipal() throws Exception {
        ApiTable table = new ApiTable().register(ApiKeys.DESCRIBE_CLUSTER, CLUSTER);
        Pipeline pipeline = new Pipeline(table, List.of(new AuthenticateStage()));
        KafkaRequest anonymous = describeCluster();
        pipeline.dispatch(anonymous).get();
        assertThat(anonymous.context().principal()).isEqualTo(KafkaPrincipal.ANONYMOUS);

        ClientConnection alice = connection(ClientConnection.Control.NONE);
        alice.authenticated(new KafkaPrincipal(KafkaPrincipal.USER_TYPE, "alice"));
        KafkaRequest request = request(new DescribeClusterRequest.Builder(new DescribeClusterRequestData()).build(), alice);
        pipeline.dispatch(request).get();
        assertThat(request.context().principal().getName()).isEqualTo("alice");
    }

    @Test
    void offloadStageRunsOnlyBlockingEntriesOnTheExecutor() throws Exception {
        ExecutorService admin = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-admin"));
        try {
            List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
            ApiHandler recordThread = r -> {
                threads.add(r.apiKey() + " on " + Thread.currentThread().getName());
                return CLUSTER.handle(r);
            };
            ApiTable table = new ApiTable().register(ApiKeys.DESCRIBE_CLUSTER, recordThread)
                    .registerBlocking(ApiKeys.METADATA, recordThread);
            Pipeline pipeline = new Pipeline(table, List.of(new OffloadStage(admin)));
            pipeline.dispatch(describeCluster()).get(10, TimeUnit.SECONDS);
            pipeline.dispatch(request(new MetadataRequest(new MetadataRequestData(), (short) 12),
                    connection(ClientConnection.Control.NONE))).get(10, TimeUnit.SECONDS);
            assertThat(threads).containsExactly("DESCRIBE_CLUSTER on " + Thread.currentThread().getName(), "METADATA on test-admin");
            assertThat(table.get(ApiKeys.METADATA).blocking()).isTrue();
            assertThat(table.get(ApiKeys.DESCRIBE_CLUSTER).blocking()).isFalse();
        } finally {
            admin.shutdownNow();
        }
    }

    @Test
    void throttleStageSetsTheTimeOnceAndMutesTheConnectionOnce() throws Exception {
        List<Long> mutes = new ArrayList<>();
        int[] asked = {0};
        QuotaPolicy twoHundred = (request, response) -> {
            asked[0]++;
            return 200;
        };
        ApiTable table = new ApiTable().register(ApiKeys.DESCRIBE_CLUSTER, CLUSTER);
        Pipeline pipeline = new Pipeline(table, List.of(new ThrottleStage(twoHundred)));
        KafkaRequest request = request(new DescribeClusterRequest.Builder(new DescribeClusterRequestData()).build(),
                connection(mutes::add));
        AbstractResponse response = pipeline.dispatch(request).get();
        pipeline.respond(request, response);
        // A replacement response (what the network layer writes when the first cannot be serialised) gets the same time.
        AbstractResponse replacement = request.body().getErrorResponse(0, Errors.UNKNOWN_SERVER_ERROR.exception());
        pipeline.respond(request, replacement);
        assertThat(response.throttleTimeMs()).isEqualTo(200);
        assertThat(replacement.throttleTimeMs()).isEqualTo(200);
        assertThat(request.context().throttleTimeMs()).isEqualTo(200);
        assertThat(asked[0]).isEqualTo(1);
        assertThat(mutes).containsExactly(200L);
    }

    @Test
    void theDefaultPolicyNeverThrottles() throws Exception {
        List<Long> mutes = new ArrayList<>();
        ApiTable table = new ApiTable().register(ApiKeys.DESCRIBE_CLUSTER, CLUSTER);
        Pipeline pipeline = new Pipeline(table, List.of(new ThrottleStage(QuotaPolicy.NONE)));
        KafkaRequest request = request(new DescribeClusterRequest.Builder(new DescribeClusterRequestData()).build(),
                connection(mutes::add));
        AbstractResponse response = pipeline.dispatch(request).get();
        pipeline.respond(request, response);
        assertThat(response.throttleTimeMs()).isZero();
        assertThat(request.context().quotaDecided()).isTrue();
        assertThat(mutes).isEmpty();
    }
}
