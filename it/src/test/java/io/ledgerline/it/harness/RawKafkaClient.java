package io.ledgerline.it.harness;

import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * One connection that sends single requests built with kafka-clients' own request classes, for APIs the
 * 4.4 Java clients no longer expose (the legacy AlterConfigs, removed from Admin in Kafka 4.0 but still
 * served by brokers for older clients). Negotiates versions with ApiVersions like a real client.
 */
public final class RawKafkaClient implements AutoCloseable {
    private static final short API_VERSIONS_VERSION = 3;

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final ApiVersionsResponse apiVersions;
    private int correlationId;

    private RawKafkaClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
        this.apiVersions = exchange(new ApiVersionsRequest.Builder().build(API_VERSIONS_VERSION));
        if (apiVersions.data().errorCode() != Errors.NONE.code()) {
            throw new IOException("ApiVersions failed: " + Errors.forCode(apiVersions.data().errorCode()));
        }
    }

    public static RawKafkaClient connect(String bootstrapServers) throws IOException {
        String first = bootstrapServers.split(",")[0];
        int colon = first.lastIndexOf(':');
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1))), 10_000);
        socket.setSoTimeout((int) Clients.PATIENCE.toMillis());
        return new RawKafkaClient(socket);
    }

    /** Sends the request at the highest version both this client and the broker support. */
    @SuppressWarnings("unchecked")
    public <R extends AbstractResponse> R send(AbstractRequest.Builder<?> builder) throws IOException {
        ApiKeys key = builder.apiKey();
        ApiVersion broker = apiVersions.apiVersion(key.id);
        if (broker == null) throw new IOException("broker does not advertise " + key);
        short version = (short) Math.min(builder.latestAllowedVersion(), broker.maxVersion());
        if (version < Math.max(builder.oldestAllowedVersion(), broker.minVersion())) {
            throw new IOException("no common version of " + key + ": broker " + broker.minVersion() + "-" + broker.maxVersion());
        }
        return (R) exchange(builder.build(version));
    }

    @SuppressWarnings("unchecked")
    private <R extends AbstractResponse> R exchange(AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "ledgerline-it-raw", ++correlationId);
        ByteBuffer serialized = request.serializeWithHeader(header);
        byte[] bytes = new byte[serialized.remaining()];
        serialized.get(bytes);
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        return (R) AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
