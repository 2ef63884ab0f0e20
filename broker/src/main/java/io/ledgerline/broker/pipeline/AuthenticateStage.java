package io.ledgerline.broker.pipeline;

import io.ledgerline.broker.protocol.ApiTable;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.requests.AbstractResponse;

import java.util.concurrent.CompletableFuture;

/**
 * First stage: the request runs as its connection's principal. Today every listener is PLAINTEXT, so that is
 * ANONYMOUS; this is the seam for SASL: a connection that must authenticate and has not will have its requests
 * (other than ApiVersions, SaslHandshake and SaslAuthenticate) refused here, and ACL checks read the principal set
 * here. Threads: the event loop; stateless.
 */
public final class AuthenticateStage implements Stage {
    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request, ApiTable.Entry entry, Next next) {
        request.context().principal(request.context().connection().principal());
        return next.handle(request);
    }
}
