package io.ledgerline.broker.admin;

import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.EndpointType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.ledgerline.broker.testkit.TestBroker.get;
import static org.assertj.core.api.Assertions.assertThat;

/** DescribeCluster through the official AdminClient, the endpoint-type errors raw, and what ApiVersions advertises. */
class DescribeClusterTest {
    @TempDir
    static Path dir;
    static TestBroker kafka;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        kafka = TestBroker.start(dir, Map.of());
        admin = kafka.admin();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static String metadataClusterId() {
        try (RawClient raw = kafka.raw()) {
            MetadataResponse m = raw.call(new MetadataRequest.Builder(new MetadataRequestData().setTopics(List.of())).build((short) 12));
            return m.clusterId();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theClusterIsThisOneBrokerWhichIsAlsoTheController() throws Exception {
        DescribeClusterResult r = admin.describeCluster();
        Node self = new Node(0, kafka.broker().advertisedHost(), kafka.broker().port());
        assertThat(get(r.nodes())).containsExactly(self);
        assertThat(get(r.controller())).isEqualTo(self);
        assertThat(get(r.clusterId())).isNotBlank().isEqualTo(metadataClusterId());
        assertThat(get(r.authorizedOperations())).isNull();
    }

    @Test
    void authorizedOperationsAreNotProvidedEvenWhenAsked() throws Exception {
        DescribeClusterResult r = admin.describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true));
        assertThat(get(r.authorizedOperations())).isNull();
    }

    @Test
    void includingFencedBrokersStillShowsTheOneUnfencedBroker() throws Exception {
        List<Node> nodes = List.copyOf(get(admin.describeCluster(new DescribeClusterOptions().includeFencedBrokers(true)).nodes()));
        assertThat(nodes).hasSize(1);
        assertThat(nodes.get(0).id()).isZero();
        assertThat(nodes.get(0).isFenced()).isFalse();
    }

    @Test
    void everyVersionAnswersAndControllerOrUnknownEndpointTypesAreErrors() throws Exception {
        try (RawClient raw = kafka.raw()) {
            for (short v = 0; v <= 2; v++) {
                DescribeClusterResponse ok = raw.call(new DescribeClusterRequest.Builder(new DescribeClusterRequestData()).build(v));
                assertThat(ok.data().errorCode()).isEqualTo(Errors.NONE.code());
                assertThat(ok.data().brokers()).hasSize(1);
                assertThat(ok.data().controllerId()).isZero();
                assertThat(ok.data().clusterId()).isEqualTo(metadataClusterId());
                if (v >= 1) assertThat(ok.data().endpointType()).isEqualTo(EndpointType.BROKER.id());
            }
            DescribeClusterResponse controller = raw.call(new DescribeClusterRequest.Builder(
                    new DescribeClusterRequestData().setEndpointType(EndpointType.CONTROLLER.id())).build((short) 1));
            assertThat(controller.data().errorCode()).isEqualTo(Errors.MISMATCHED_ENDPOINT_TYPE.code());
            assertThat(controller.data().errorMessage()).contains("CONTROLLER");
            DescribeClusterResponse unknown = raw.call(new DescribeClusterRequest.Builder(
                    new DescribeClusterRequestData().setEndpointType((byte) 9)).build((short) 2));
            assertThat(unknown.data().errorCode()).isEqualTo(Errors.UNSUPPORTED_ENDPOINT_TYPE.code());
        }
    }

    @Test
    void apiVersionsAdvertisesEveryAdminApiAtItsStableRange() throws Exception {
        try (RawClient raw = kafka.raw()) {
            ApiVersionsResponse r = raw.call(new ApiVersionsRequest.Builder().build((short) 3));
            for (ApiKeys key : List.of(ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS, ApiKeys.CREATE_PARTITIONS,
                    ApiKeys.DESCRIBE_CONFIGS, ApiKeys.ALTER_CONFIGS, ApiKeys.INCREMENTAL_ALTER_CONFIGS,
                    ApiKeys.DESCRIBE_CLUSTER, ApiKeys.DELETE_RECORDS)) {
                ApiVersion v = r.data().apiKeys().find(key.id);
                assertThat(v).as(key.name).isNotNull();
                assertThat(v.minVersion()).as(key.name).isEqualTo(key.oldestVersion());
                assertThat(v.maxVersion()).as(key.name).isEqualTo(key.latestVersion(false));
            }
        }
    }
}
