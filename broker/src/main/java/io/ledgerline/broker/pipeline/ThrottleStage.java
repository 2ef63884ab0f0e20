package io.ledgerline.broker.pipeline;

import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.protocol.RequestContext;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * Quotas and throttling, as Kafka does since KIP-219: when the response is ready the {@link QuotaPolicy} decides a
 * throttle time; the response carries it in {@code throttle_time_ms} and is sent at once, and the connection is
 * then muted (not read) for that long, so a client that ignores the field is slowed all the same. Decided once per
 * request (kept in its {@link RequestContext}), so a response replaced before it is written gets the same time
 * without muting twice. Threads: the event loop; the policy is shared.
 */
public final class ThrottleStage implements Stage {
    private final QuotaPolicy policy;

    public ThrottleStage(QuotaPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void onResponse(KafkaRequest request, AbstractResponse response) {
        RequestContext context = request.context();
        if (!context.quotaDecided()) {
            int ms = policy.throttleTimeMs(request, response);
            context.throttleTimeMs(ms);
            if (ms > 0) context.connection().muteFor(ms);
        }
        if (response != null && context.throttleTimeMs() > 0) response.maybeSetThrottleTimeMs(context.throttleTimeMs());
    }
}
