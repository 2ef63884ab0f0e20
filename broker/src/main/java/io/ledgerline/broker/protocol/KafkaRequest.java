package io.ledgerline.broker.protocol;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One parsed request: header, kafka-clients' context (knows how to frame the response), and the typed body.
 * Handlers see only this; nothing outside {@code io.ledgerline.broker.protocol} and the handlers touches
 * kafka-clients' request classes.
 */
public record KafkaRequest(RequestHeader header, RequestContext context, AbstractRequest body) {

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
        return apiKey() + " v" + version() + " correlation " + header.correlationId() + " from " + context.connectionId;
    }
}
