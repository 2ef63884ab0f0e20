package io.ledgerline.broker.pipeline;

import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * Decides how long a request's client is throttled, in ms (0: not at all), once its response is known (so a
 * policy can weigh the bytes produced or fetched). The seam for quotas and for lag-driven throttling of producers
 * (the guardrails): {@link ThrottleStage} applies the decision. Called once per request, on the connection's event
 * loop: it must be quick and thread-safe (every event loop calls it).
 */
@FunctionalInterface
public interface QuotaPolicy {

    /** The throttle time for {@code request}, whose response is {@code response} (null: none is sent, acks=0). */
    int throttleTimeMs(KafkaRequest request, AbstractResponse response);

    /** The default: never throttles. */
    QuotaPolicy NONE = (request, response) -> 0;
}
