package io.ledgerline.broker.testkit;

import io.ledgerline.broker.Broker;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bare socket speaking Kafka frames, for tests that must send what no well-behaved client sends
 * (corrupt batches, garbage, unadvertised versions). Requests are still built with kafka-clients' classes.
 * One connection, used by one test thread at a time (not thread-safe).
 */
public final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId;

    public RawClient(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(10_000);
        // a frame goes out as two writes (size, body): without this, Nagle holds the body until the broker's delayed
        // ACK of the size (about 40 ms per request on a connection past its first few)
        socket.setTcpNoDelay(true);
        in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
        out = socket.getOutputStream();
    }

    public RawClient(Broker broker) throws IOException {
        this(broker.advertisedHost(), broker.port());
    }

    /** Sends {@code request} at its version and parses the response. */
    public AbstractResponse send(AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-client", ++correlationId);
        writeFrame(request.serializeWithHeader(header));
        byte[] frame = readFrame();
        return AbstractResponse.parseResponse(ByteBuffer.wrap(frame), header);
    }

    /** {@link #send}, typed by the caller: the response to {@code request}, checked to answer its API. */
    @SuppressWarnings("unchecked")
    public <R extends AbstractResponse> R call(AbstractRequest request) throws IOException {
        AbstractResponse response = send(request);
        assertThat(response.apiKey()).isEqualTo(request.apiKey());
        return (R) response;
    }

    /**
     * Produces {@code records} to {@code topic}-{@code partition} (v12, acks=-1: answered once durable) and asserts
     * the partition's answer is NONE.
     */
    public void produce(String topic, int partition, MemoryRecords records) throws IOException {
        ProduceRequestData.TopicProduceDataCollection t = new ProduceRequestData.TopicProduceDataCollection();
        t.add(new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(records))));
        ProduceResponse r = call(ProduceRequest.builder(
                new ProduceRequestData().setAcks((short) -1).setTimeoutMs(5000).setTopicData(t)).build((short) 12));
        assertThat(r.data().responses().iterator().next().partitionResponses().get(0).errorCode()).isZero();
    }

    /** Sends and expects no response (acks=0): returns after writing. */
    public void sendOneWay(AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-client", ++correlationId);
        writeFrame(request.serializeWithHeader(header));
    }

    /** Sends without reading the response; returns the header to parse it with later ({@link #receive}). */
    public RequestHeader sendAsync(AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-client", ++correlationId);
        writeFrame(request.serializeWithHeader(header));
        return header;
    }

    /** Reads the next response frame and parses it as the answer to {@code header}. */
    public AbstractResponse receive(RequestHeader header) throws IOException {
        return AbstractResponse.parseResponse(ByteBuffer.wrap(readFrame()), header);
    }

    /**
     * True when no response byte has arrived yet; never waits. Call it once the broker is known to hold the
     * response back (a fetch parked on the high watermark): it checks that nothing left before the release.
     */
    public boolean noResponseYet() throws IOException {
        return in.available() == 0;
    }

    public void writeFrame(ByteBuffer body) throws IOException {
        byte[] bytes = new byte[body.remaining()];
        body.get(bytes);
        writeRaw(ByteBuffer.allocate(4).putInt(bytes.length).array());
        writeRaw(bytes);
    }

    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public byte[] readFrame() throws IOException {
        int size = in.readInt();
        byte[] frame = new byte[size];
        in.readFully(frame);
        return frame;
    }

    /** True when the broker closed the connection (EOF or reset) within the socket timeout. */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() == -1;
        } catch (EOFException | SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /**
     * A request frame no kafka-clients request object can produce (an unknown API key, a version no library
     * knows, a body under another version's header), still written by kafka-clients' generated classes: the
     * header at {@code headerVersion}, then {@code body} (may be null) at {@code bodyVersion}.
     */
    public static ByteBuffer frame(org.apache.kafka.common.message.RequestHeaderData header, short headerVersion,
                                   org.apache.kafka.common.protocol.Message body, short bodyVersion) {
        ByteBuffer h = org.apache.kafka.common.protocol.MessageUtil.toByteBufferAccessor(header, headerVersion).buffer();
        ByteBuffer b = body == null ? ByteBuffer.allocate(0)
                : org.apache.kafka.common.protocol.MessageUtil.toByteBufferAccessor(body, bodyVersion).buffer();
        return ByteBuffer.allocate(h.remaining() + b.remaining()).put(h).put(b).flip();
    }

    public static RequestHeader header(ApiKeys key, short version, int correlationId) {
        return new RequestHeader(key, version, "raw-client", correlationId);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
