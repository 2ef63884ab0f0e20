package io.ledgerline.broker.admin;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeAclsRequest;

import java.util.concurrent.CompletableFuture;

/**
 * DescribeAcls: SECURITY_DISABLED, "No Authorizer is configured.", what Apache Kafka without an authorizer
 * answers. Ledgerline has no ACLs yet; a tool that lists them must learn that there is nothing to list, not
 * fail on an API the broker does not advertise. MirrorMaker 2 asks the source for its topic ACLs at start
 * and every refresh (sync.topic.acls.enabled, true by default): on SECURITY_DISABLED it logs once that no
 * ACLs will be synced and goes on; on the missing API it logged an error each time.
 */
public final class DescribeAclsHandler implements ApiHandler {
    /** Kafka's text (AclApis), so that what a client logs reads the same. */
    static final String NO_AUTHORIZER = "No Authorizer is configured.";

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        DescribeAclsRequest req = request.body(DescribeAclsRequest.class);
        return ApiHandler.done(req.getErrorResponse(0, new SecurityDisabledException(NO_AUTHORIZER)));
    }
}
