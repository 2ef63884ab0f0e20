package io.ledgerline.server.cli;

import io.ledgerline.server.LedgerlineServer;
import io.ledgerline.server.cli.StartCommandTest.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Every start-up refusal of {@code ledgerline start}, in process ({@link LedgerlineCli#commandLine()}): exit code
 * 1, one line on stderr naming the cause and the fix, no stack trace, and the data directory not created (or, when
 * it existed, not modified). The same through the real entry point in a child JVM, and the permission case:
 * {@link StartupErrorsCliTest}.
 */
class StartupErrorsTest {
    @TempDir
    Path tmp;

    /** Runs {@code ledgerline start ARGS}; a start that is not refused would run forever, so it is bounded. */
    private static Run start(String... args) {
        boolean registryGiven = java.util.Arrays.asList(args).contains("--registry-listen");
        String[] all = new String[args.length + (registryGiven ? 1 : 3)];
        all[0] = "start";
        System.arraycopy(args, 0, all, 1, args.length);
        if (!registryGiven) {
            all[args.length + 1] = "--registry-listen"; // never the fixed default 8081: tests run side by side
            all[args.length + 2] = "127.0.0.1:0";
        }
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> StartCommandTest.run(all),
                "the start was not refused");
    }

    /** The refusal's one line (without "ledgerline: "), after checking exit code 1 and that nothing else was printed. */
    private static String refusal(Run run) {
        assertThat(run.exitCode()).as("exit code of %s", run).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("ledgerline: ").endsWith("\n").doesNotContain("\tat ", "Exception");
        assertThat(run.err().lines()).as("one line: %s", run.err()).hasSize(1);
        return run.err().substring("ledgerline: ".length()).strip();
    }

    @Test
    void unresolvableListenHostNamesTheHostAndCreatesNothing() {
        Path data = tmp.resolve("data");
        String message = refusal(start("--listen", "nohost.invalid:39510", "--data-dir", data.toString()));
        assertThat(message).startsWith("cannot resolve host 'nohost.invalid' of listen=nohost.invalid:39510 (")
                .endsWith("Fix: set --listen HOST:PORT (setting listen) to a name or address of this machine, "
                        + "for example --listen 127.0.0.1:39510");
        assertThat(data).doesNotExist();
    }

    @Test
    void wildcardListenWithoutAdvertisedListenerSaysWhatToSetAndCreatesNothing() {
        Path data = tmp.resolve("data");
        for (String wildcard : new String[] {"0.0.0.0:9092", "[::]:9092", ":::9092"}) {
            String message = refusal(start("--listen", wildcard, "--data-dir", data.toString()));
            assertThat(message).startsWith("listen=" + wildcard + " is a wildcard address")
                    .contains("Fix: set --advertised-listener HOST:PORT (setting advertised.listener) to the host name or "
                            + "IP address and port clients reach this broker at, for example --advertised-listener "
                            + "broker1.example.com:9092; or listen on one address, for example --listen 127.0.0.1:9092");
            assertThat(data).doesNotExist();
        }
    }

    @Test
    void advertisedListenerThatNoClientCanConnectToIsRefused() {
        Path data = tmp.resolve("data");
        assertThat(refusal(start("--listen", "127.0.0.1:0", "--advertised-listener", "broker1.example.com:0",
                "--data-dir", data.toString())))
                .startsWith("advertised.listener=broker1.example.com:0 has port 0, which no client can connect to")
                .endsWith("Fix: set --advertised-listener HOST:PORT (setting advertised.listener) to the host name or IP "
                        + "address and port clients reach this broker at.");
        assertThat(refusal(start("--listen", "0.0.0.0:0", "--advertised-listener", "0.0.0.0:9092",
                "--data-dir", data.toString())))
                .startsWith("advertised.listener=0.0.0.0:9092 is a wildcard address, which no client can connect to.")
                .contains("Fix: set --advertised-listener HOST:PORT");
        assertThat(data).doesNotExist();
    }

    @Test
    void registryPortInUseNamesTheOptionAndCreatesNothing() throws Exception {
        Path data = tmp.resolve("data");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            String message = refusal(start("--listen", "127.0.0.1:0", "--registry-listen", "127.0.0.1:" + port,
                    "--data-dir", data.toString()));
            assertThat(message).startsWith("schema registry address 127.0.0.1:" + port + " (registry.listen) already in use")
                    .contains("Fix: stop that process, or set another port with --registry-listen HOST:PORT (setting registry.listen)")
                    .endsWith("or --set registry.enabled=false");
        }
        assertThat(data).doesNotExist();
    }

    @Test
    void registryHostThatDoesNotResolveIsRefused() {
        Path data = tmp.resolve("data");
        String message = refusal(start("--listen", "127.0.0.1:0", "--registry-listen", "nohost.invalid:0",
                "--data-dir", data.toString()));
        assertThat(message).startsWith("cannot resolve host 'nohost.invalid' of registry.listen=nohost.invalid:0")
                .contains("Fix: set --registry-listen HOST:PORT (setting registry.listen)");
        assertThat(data).doesNotExist();
    }

    @Test
    void portInUseNamesTheAddressAndCreatesNothing() throws Exception {
        Path data = tmp.resolve("data");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            String message = refusal(start("--listen", "127.0.0.1:" + port, "--data-dir", data.toString()));
            assertThat(message).startsWith("address 127.0.0.1:" + port + " already in use: another process listens on port " + port)
                    .contains("Fix: stop that process, or set another port with --listen HOST:PORT (setting listen)");
        }
        assertThat(data).doesNotExist();
    }

    @Test
    void addressNotOfThisMachineIsRefusedAndCreatesNothing() {
        Path data = tmp.resolve("data");
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): documentation only, never a local address.
        String message = refusal(start("--listen", "192.0.2.1:9092", "--data-dir", data.toString()));
        assertThat(message).startsWith("cannot listen on 192.0.2.1:9092: Cannot assign requested address (192.0.2.1 is not "
                        + "an address of this machine). Fix: set --listen HOST:PORT (setting listen)");
        assertThat(data).doesNotExist();
    }

    /** Fails for root too (no permission bit is involved): the permission case is StartupErrorsCliTest's. */
    @Test
    void dataDirUnderARegularFileSaysNotADirectoryAndCreatesNothing() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Path data = file.resolve("data");
        String message = refusal(start("--listen", "127.0.0.1:0", "--data-dir", data.toString()));
        assertThat(message).isEqualTo("cannot create data directory " + data + ": Not a directory (" + file
                + " is a file, not a directory). Fix: set --data-dir DIR (setting data.dir) to a directory user "
                + System.getProperty("user.name") + " can write, or a path that does not exist yet under one (it is created)");
        assertThat(file).isRegularFile().hasContent("x");
    }

    @Test
    void dataDirThatIsAFileIsRefused() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertThat(refusal(start("--listen", "127.0.0.1:0", "--data-dir", file.toString())))
                .startsWith("data directory " + file + " is not a directory. Fix: set --data-dir DIR (setting data.dir)");
        assertThat(file).isRegularFile().hasContent("x");
    }

    /** The lock's refusal through the CLI: the holder's PID and --data-dir, and not one file of the holder's touched. */
    @Test
    void dataDirHeldByAnotherBrokerNamesItsPidAndTouchesNothing() throws Exception {
        Path data = tmp.resolve("data");
        try (LedgerlineServer holder = LedgerlineServer.start(Map.of("data.dir", data.toString(), "listen", "127.0.0.1:0",
                "registry.enabled", "false"))) {
            Map<String, String> before = DataDirFiles.snapshot(data);
            String message = refusal(start("--listen", "127.0.0.1:0", "--data-dir", data.toString()));
            assertThat(message).contains("data directory " + data + " is in use by another Ledgerline broker (PID "
                            + ProcessHandle.current().pid() + ", lock file " + data.resolve(".lock") + ")")
                    .contains("start this one on another directory: --data-dir DIR (setting data.dir)");
            assertThat(DataDirFiles.snapshot(data)).isEqualTo(before);
        }
    }
}
