package io.ledgerline.server.crash;

import io.ledgerline.server.LedgerlineServer;

import java.util.HashMap;
import java.util.Map;

/**
 * A broker in its own JVM, for tests that kill it with SIGKILL. Args: data dir, port, then key=value
 * settings. Prints "READY port" once it accepts connections, then runs until killed.
 */
public final class ChildBroker {
    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("data.dir", args[0]);
        settings.put("listen", "127.0.0.1:" + args[1]);
        settings.put("registry.enabled", "false"); // crash tests are about the broker's data
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        LedgerlineServer server = LedgerlineServer.start(settings);
        System.out.println("READY " + server.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}
