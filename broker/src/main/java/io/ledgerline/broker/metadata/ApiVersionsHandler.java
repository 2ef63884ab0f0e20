package io.ledgerline.broker.metadata;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.ApiTable;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;

import java.util.concurrent.CompletableFuture;

/**
 * ApiVersions: the advertised table. A request newer than we know gets v0 with UNSUPPORTED_VERSION and
 * ApiVersions' own range (KIP-511, as Kafka answers), so the client can retry at a version both sides speak;
 * from v3 an invalid client software name or version is INVALID_REQUEST.
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
            // As Kafka 4.4 (ApiVersionsRequest.getErrorResponse): only ApiVersions' own range, all the client
            // needs to ask again at a version both speak.
            ApiVersionCollection own = new ApiVersionCollection();
            own.add(table.apiVersions().find(ApiKeys.API_VERSIONS.id).duplicate());
            data.setErrorCode(Errors.UNSUPPORTED_VERSION.code()).setApiKeys(own);
        } else if (!r.isValid()) {
            return ApiHandler.done(r.getErrorResponse(0, Errors.INVALID_REQUEST.exception(
                    "invalid client software name or version")));
        }
        return ApiHandler.done(new ApiVersionsResponse(data));
    }
}
