package io.ledgerline.broker.metadata;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.ApiTable;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;

import java.util.concurrent.CompletableFuture;

/**
 * ApiVersions: the advertised table. A request newer than we know gets v0 with UNSUPPORTED_VERSION and the
 * list anyway (KIP-511), so the client can retry at a version both sides speak; from v3 an invalid client
 * software name or version is INVALID_REQUEST.
 */
public final class ApiVersionsHandler implements ApiHandler {
    private final ApiTable table;

    public ApiVersionsHandler(ApiTable table) {
        this.table = table;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        ApiVersionsRequest r = request.body(ApiVersionsRequest.class);
        ApiVersionsResponseData data = new ApiVersionsResponseData()
                .setApiKeys(table.apiVersions())
                .setFinalizedFeaturesEpoch(ApiVersionsResponse.UNKNOWN_FINALIZED_FEATURES_EPOCH);
        if (r.hasUnsupportedRequestVersion()) {
            data.setErrorCode(Errors.UNSUPPORTED_VERSION.code());
        } else if (!r.isValid()) {
            return ApiHandler.done(r.getErrorResponse(0, Errors.INVALID_REQUEST.exception(
                    "invalid client software name or version")));
        }
        return ApiHandler.done(new ApiVersionsResponse(data));
    }
}
