package io.ledgerline.broker.protocol;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One parsed request: header, kafka-clients' request context ({@link #wireContext()}: it knows how to frame the
 * response), the typed body, and Ledgerline's {@link RequestContext} ({@link #context()}: connection, principal,
 * client, arrival time, quota state). Handlers see only this; nothing outside {@code io.ledgerline.broker.protocol},
 * the pipeline and the handlers touches kafka-clients' request classes.
 *
 * <p>Threads: built on the connection's event loop; immutable but for the context's stage-filled fields.
 */
public record KafkaRequest(RequestHeader header, org.apache.kafka.common.requests.RequestContext wireContext,
                           AbstractRequest body, RequestContext context) {

    /**
     * A request with no network layer behind it (a handler driven directly by a test): its connection is the wire
     * context's, it cannot be muted, its principal is the wire context's, its arrival time is the system clock's.
     */
    public KafkaRequest(RequestHeader header, org.apache.kafka.common.requests.RequestContext wireContext, AbstractRequest body) {
        this(header, wireContext, body, detached(header, wireContext));
    }

    private static RequestContext detached(RequestHeader header, org.apache.kafka.common.requests.RequestContext wire) {
        ClientConnection c = new ClientConnection(wire.connectionId, wire.clientAddress, wire.clientPort, wire.listenerName,
                wire.securityProtocol, ClientConnection.Control.NONE);
        c.clientInformation(wire.clientInformation);
        RequestContext context = new RequestContext(c, header.clientId(), System.currentTimeMillis());
        context.principal(wire.principal);
        return context;
    }

    public ApiKeys apiKey() {
        return header.apiKey();
    }

    public short version() {
        return header.apiVersion();
    }

    @SuppressWarnings("unchecked")
    public <T extends AbstractRequest> T body(Class<T> type) {
        return (T) body;
    }

    @Override
    public String toString() {
        return apiKey() + " v" + version() + " correlation " + header.correlationId() + " from " + wireContext.connectionId;
    }
}
