package io.ledgerline.broker.protocol;

import org.apache.kafka.common.network.ClientInformation;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

import java.net.InetAddress;

/**
 * What the broker knows about one request besides its bytes: its connection, client id, the client software (when the
 * connection announced it), the principal it runs as, when it arrived (the broker's clock) and its quota state. One per
 * request, created by the network layer when the request is parsed; the pipeline's stages fill in the rest
 * (AuthenticateStage the principal, ThrottleStage the throttle time). Not kafka-clients' class of the same name, which
 * {@link KafkaRequest#wireContext()} still carries (it frames the response).
 *
 * <p>Threads: created and filled in on the connection's event loop; an offloaded handler reads it on the admin thread,
 * after the hand-over (which orders the writes before). The quota state is written on the event loop when the
 * response is ready.
 */
public final class RequestContext {
    private final ClientConnection connection;
    private final String clientId;
    private final ClientInformation clientInformation;
    private final long arrivalMs;
    private KafkaPrincipal principal;
    private int throttleTimeMs;
    private boolean quotaDecided;

    public RequestContext(ClientConnection connection, String clientId, long arrivalMs) {
        this.connection = connection;
        this.clientId = clientId;
        this.clientInformation = connection.clientInformation();
        this.arrivalMs = arrivalMs;
    }

    public ClientConnection connection() {
        return connection;
    }

    public String connectionId() {
        return connection.id();
    }

    public InetAddress clientAddress() {
        return connection.clientAddress();
    }

    public ListenerName listenerName() {
        return connection.listenerName();
    }

    /** The request header's client id (may be null or empty: clients need not send one). */
    public String clientId() {
        return clientId;
    }

    /** The client software's name, or "unknown" when the connection did not announce it (ApiVersions v3+). */
    public String clientSoftwareName() {
        return clientInformation.softwareName();
    }

    /** The client software's version, or "unknown" when the connection did not announce it. */
    public String clientSoftwareVersion() {
        return clientInformation.softwareVersion();
    }

    /** When the request was parsed, in ms of the broker's clock. */
    public long arrivalMs() {
        return arrivalMs;
    }

    /** The principal the request runs as; set by the pipeline's authentication before any handler sees the request. */
    public KafkaPrincipal principal() {
        assert principal != null : "the principal is read before authentication set it";
        return principal;
    }

    public void principal(KafkaPrincipal principal) {
        assert principal != null : "a request runs as someone (ANONYMOUS at least)";
        this.principal = principal;
    }

    /** The throttle time decided for the request (0: not throttled, or not decided yet). */
    public int throttleTimeMs() {
        return throttleTimeMs;
    }

    /** True once the quota stage decided the throttle time (once per request, whatever the response). */
    public boolean quotaDecided() {
        return quotaDecided;
    }

    public void throttleTimeMs(int ms) {
        assert ms >= 0 : "a throttle time is never negative: " + ms;
        assert !quotaDecided : "a request's throttle time is decided once";
        this.throttleTimeMs = ms;
        this.quotaDecided = true;
    }
}
