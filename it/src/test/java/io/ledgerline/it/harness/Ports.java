package io.ledgerline.it.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free TCP ports on 127.0.0.1, for a broker whose port must be known before it starts (and kept across restarts). */
public final class Ports {
    private Ports() {}

    public static int free() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }
}
