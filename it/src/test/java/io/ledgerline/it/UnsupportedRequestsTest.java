package io.ledgerline.it;

import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.SharedBrokerTest;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.BrokerHeartbeatRequest;
import org.apache.kafka.common.requests.BrokerHeartbeatResponse;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests for an API or a version the broker does not serve, against both brokers: what Apache Kafka 4.4 does
 * (-Pkafka) is what Ledgerline does, except where Ledgerline answers with an error code where Kafka only closes
 * the connection (docs/compatibility.md, "Bad input"). Requests are written by kafka-clients' generated classes.
 */
class UnsupportedRequestsTest extends SharedBrokerTest {

    private static RawClient connect() throws IOException {
        String[] hp = broker.bootstrapServers().split(":");
        return new RawClient(hp[0], Integer.parseInt(hp[1]));
    }

    /** The same connection still answers: ApiVersions v3 gets NONE. */
    private static void stillServes(RawClient c) throws IOException {
        ApiVersionsResponse r = (ApiVersionsResponse) c.send(new ApiVersionsRequest.Builder().build((short) 3));
        assertThat(r.data().errorCode()).isEqualTo(Errors.NONE.code());
    }

    @Test
    void anUnknownApiKeyClosesTheConnection() throws IOException {
        // No client can know how to read an answer to an API no one defined (not even its response header
        // version), so both brokers close the connection; the broker itself serves on.
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey((short) 9999).setRequestApiVersion((short) 0)
                .setCorrelationId(5).setClientId("it");
        try (RawClient c = connect()) {
            c.writeFrame(RawClient.frame(header, (short) 2, null, (short) 0));
            assertThat(c.closedByPeer()).as("closed after an unknown API key").isTrue();
        }
        try (RawClient c = connect()) {
            stillServes(c);
        }
    }

    @Test
    void aVersionNoLibraryKnowsClosesTheConnection() throws IOException {
        // Metadata v99: no schema to read the body with or to write an answer in.
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(ApiKeys.METADATA.id).setRequestApiVersion((short) 99)
                .setCorrelationId(6).setClientId("it");
        try (RawClient c = connect()) {
            c.writeFrame(RawClient.frame(header, (short) 2, new MetadataRequestData().setTopics(null), ApiKeys.METADATA.latestVersion()));
            assertThat(c.closedByPeer()).as("closed after Metadata v99").isTrue();
        }
    }

    @Test
    void apiVersionsNewerThanKnownGetsV0WithUnsupportedVersionAndItsOwnRangeAndTheConnectionStays() throws IOException {
        // KIP-511: a client newer than the broker asks ApiVersions at its own newest version; the broker answers
        // v0 (whose layout every version can read) with UNSUPPORTED_VERSION and its own range; the client retries.
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(ApiKeys.API_VERSIONS.id).setRequestApiVersion((short) 99)
                .setCorrelationId(42).setClientId("it");
        try (RawClient c = connect()) {
            c.writeFrame(RawClient.frame(header, (short) 2, new ApiVersionsRequestData().setClientSoftwareName("it")
                    .setClientSoftwareVersion("1"), ApiKeys.API_VERSIONS.latestVersion()));
            ByteBuffer resp = ByteBuffer.wrap(c.readFrame());
            assertThat(ResponseHeader.parse(resp, (short) 0).correlationId()).isEqualTo(42);
            ApiVersionsResponseData d = ApiVersionsResponse.parse(new ByteBufferAccessor(resp), (short) 0).data();
            assertThat(d.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            // Only ApiVersions' own range, on both (Kafka: ApiVersionsRequest.getErrorResponse)
            assertThat(d.apiKeys()).extracting(ApiVersionsResponseData.ApiVersion::apiKey).containsExactly(ApiKeys.API_VERSIONS.id);
            ApiVersionsResponseData.ApiVersion av = d.apiKeys().iterator().next();
            assertThat(av.minVersion()).isZero();
            assertThat(av.maxVersion()).isEqualTo(ApiKeys.API_VERSIONS.latestVersion(false));
            stillServes(c);
        }
    }

    @Test
    void anApiThisListenerDoesNotServeIsUnsupportedVersionOnLedgerlineAndClosesTheConnectionOnKafka() throws IOException {
        // BrokerHeartbeat is a controller API: neither broker serves it to clients. Kafka closes the connection;
        // Ledgerline answers the API's own error response with UNSUPPORTED_VERSION and keeps the connection.
        BrokerHeartbeatRequest req = new BrokerHeartbeatRequest.Builder(new BrokerHeartbeatRequestData().setBrokerId(1)).build((short) 0);
        try (RawClient c = connect()) {
            if (BrokerTarget.isKafka()) {
                c.sendAsync(req);
                assertThat(c.closedByPeer()).as("Kafka closes the connection").isTrue();
            } else {
                AbstractResponse r = c.send(req);
                assertThat(((BrokerHeartbeatResponse) r).data().errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
                stillServes(c);
            }
        }
    }
}
