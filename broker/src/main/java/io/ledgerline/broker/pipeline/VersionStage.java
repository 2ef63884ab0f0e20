package io.ledgerline.broker.pipeline;

import io.ledgerline.broker.protocol.ApiTable;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.protocol.ResponseShaper;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;

import java.util.concurrent.CompletableFuture;

/**
 * The version check and the shaping for the version. On the way in: an API Ledgerline does not answer, or a
 * version outside the range it advertises, is refused with UNSUPPORTED_VERSION (the error response of the request's
 * API), except an ApiVersions request at a version kafka-clients cannot parse, which its handler answers (with
 * UNSUPPORTED_VERSION and the versions, as Kafka does, so the client can retry at one it knows). On the way out: every
 * response, error responses included, is shaped for the version it is written at ({@link ResponseShaper}: fields the
 * version lacks back to their defaults), once, just before it is serialised. Threads: the event loop; stateless.
 */
public final class VersionStage implements Stage {

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request, ApiTable.Entry entry, Next next) {
        if (entry == null) throw notSupported(request.apiKey());
        boolean unsupportedApiVersions = request.body() instanceof ApiVersionsRequest avr && avr.hasUnsupportedRequestVersion();
        if (!unsupportedApiVersions && !entry.supports(request.version())) {
            throw new UnsupportedVersionException(request.apiKey() + " version " + request.version()
                    + " is not supported (advertised " + entry.minVersion() + ".." + entry.maxVersion() + ")");
        }
        return next.handle(request);
    }

    /** Shapes at the version the response is written at (ApiVersions at an unknown version answers as v0). */
    @Override
    public void onResponse(KafkaRequest request, AbstractResponse response) {
        if (response != null) ResponseShaper.shape(response.data(), request.wireContext().apiVersion());
    }

    static UnsupportedVersionException notSupported(ApiKeys key) {
        return new UnsupportedVersionException(key + " is not supported by Ledgerline");
    }
}
