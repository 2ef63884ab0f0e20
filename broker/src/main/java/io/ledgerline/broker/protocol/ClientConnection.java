package io.ledgerline.broker.protocol;

import org.apache.kafka.common.network.ClientInformation;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;

import java.net.InetAddress;
import java.util.Optional;

/**
 * One client connection as the pipeline sees it: who is at the other end (address, listener, the client software
 * it announced in ApiVersions, its authenticated principal) and what the pipeline may do to it ({@link #muteFor}).
 * Created by the network layer when the connection opens; every {@link RequestContext} of the connection points at it.
 *
 * <p>Threads: written only on the connection's event loop (client information while parsing, the principal by
 * authentication); {@link #muteFor} must be called there too. Handlers running elsewhere read a request's
 * {@link RequestContext}, which copies what it needs at the request's arrival.
 */
public final class ClientConnection {

    /** What the network layer lets the pipeline do to its connection. Called on the connection's event loop. */
    @FunctionalInterface
    public interface Control {
        /** Stop reading from the connection for {@code millis} (KIP-219: the response already went, the next request waits). */
        void muteFor(long millis);

        /** For a connection that cannot be muted (a handler driven directly, without a network layer). */
        Control NONE = millis -> {};
    }

    private final String id;
    private final InetAddress clientAddress;
    private final Optional<Integer> clientPort;
    private final ListenerName listenerName;
    private final SecurityProtocol securityProtocol;
    private final Control control;
    private ClientInformation clientInformation = ClientInformation.EMPTY;
    private KafkaPrincipal authenticatedPrincipal;

    public ClientConnection(String id, InetAddress clientAddress, Optional<Integer> clientPort, ListenerName listenerName,
                            SecurityProtocol securityProtocol, Control control) {
        this.id = id;
        this.clientAddress = clientAddress;
        this.clientPort = clientPort;
        this.listenerName = listenerName;
        this.securityProtocol = securityProtocol;
        this.control = control;
    }

    /** Kafka's connection id: {@code localHost:localPort-remoteHost:remotePort}. */
    public String id() {
        return id;
    }

    public InetAddress clientAddress() {
        return clientAddress;
    }

    public Optional<Integer> clientPort() {
        return clientPort;
    }

    public ListenerName listenerName() {
        return listenerName;
    }

    public SecurityProtocol securityProtocol() {
        return securityProtocol;
    }

    /** The client software announced by the connection's last valid ApiVersions request, else EMPTY ("unknown"). */
    public ClientInformation clientInformation() {
        return clientInformation;
    }

    public void clientInformation(ClientInformation info) {
        this.clientInformation = info;
    }

    /**
     * The principal the connection authenticated as; ANONYMOUS until a mechanism authenticates it (there is none
     * yet: PLAINTEXT only, so every connection is ANONYMOUS; SASL will set it through {@link #authenticated}).
     */
    public KafkaPrincipal principal() {
        return authenticatedPrincipal == null ? KafkaPrincipal.ANONYMOUS : authenticatedPrincipal;
    }

    /** True once an authentication mechanism has set the principal. */
    public boolean isAuthenticated() {
        return authenticatedPrincipal != null;
    }

    public void authenticated(KafkaPrincipal principal) {
        assert principal != null : "a connection authenticates as someone";
        this.authenticatedPrincipal = principal;
    }

    /** Stops reading from the connection for {@code millis} (throttling). On the connection's event loop. */
    public void muteFor(long millis) {
        assert millis > 0 : "a mute lasts a positive time, not " + millis;
        control.muteFor(millis);
    }

    @Override
    public String toString() {
        return id;
    }
}
