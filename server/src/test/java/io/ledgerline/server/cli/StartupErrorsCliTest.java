package io.ledgerline.server.cli;

import io.ledgerline.server.LedgerlineServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start-up refusals through the real entry point ({@link LedgerlineCli#main} in a child JVM, as the launcher runs
 * it): exit code 1, exactly one line on stderr with the cause and the fix, no stack trace on either stream, and the
 * data directory not created.
 *
 * <p>The permission cases need a process that file permissions apply to. Tests often run as root, which
 * CAP_DAC_OVERRIDE lets write anywhere whatever the mode bits say; then the child runs under
 * {@code setpriv --bounding-set -dac_override,-dac_read_search}: still uid 0, without those two capabilities, so
 * a directory of mode r-x refuses it as it refuses any user ("Permission denied" from the kernel, not simulated).
 * Which of the two ran is printed. (A case that fails for root without any of this, a path under a regular file,
 * is in {@link StartupErrorsTest}.)
 */
class StartupErrorsCliTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    private static String refusal(CliProcess.Result r) {
        assertThat(r.exitCode()).as("exit code; %s", r).isEqualTo(1);
        assertThat(r.stderr()).as("stderr").startsWith("ledgerline: ").endsWith("\n");
        assertThat(r.stderr().lines()).as("stderr is one line: %s", r.stderr()).hasSize(1);
        assertThat(r.stdout() + r.stderr()).as("no stack trace").doesNotContain("\tat ", "Exception");
        return r.stderr().substring("ledgerline: ".length()).strip();
    }

    @Test
    void portInUse() throws Exception {
        Path data = tmp.resolve("data");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            String message = refusal(CliProcess.run(TIMEOUT, List.of(),
                    "start", "--listen", "127.0.0.1:" + port, "--data-dir", data.toString()));
            assertThat(message).startsWith("address 127.0.0.1:" + port + " already in use")
                    .contains("Fix: stop that process, or set another port with --listen HOST:PORT (setting listen)");
        }
        assertThat(data).doesNotExist();
    }

    @Test
    void wildcardListenWithoutAdvertisedListener() throws Exception {
        Path data = tmp.resolve("data");
        String message = refusal(CliProcess.run(TIMEOUT, List.of(), "start", "--listen", "0.0.0.0:9092", "--data-dir", data.toString()));
        assertThat(message).startsWith("listen=0.0.0.0:9092 is a wildcard address")
                .contains("Fix: set --advertised-listener HOST:PORT (setting advertised.listener)");
        assertThat(data).doesNotExist();
    }

    /** The refusal of {@code ledgerline start --data-dir data} while {@code dir} has {@code mode}, without root's override. */
    private static String startWithMode(Path dir, String mode, Path data) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        try {
            return refusal(CliProcess.run(TIMEOUT, withoutPermissionOverride(),
                    "start", "--listen", "127.0.0.1:0", "--data-dir", data.toString()));
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void dataDirThatCannotBeCreatedSaysPermissionDenied() throws Exception {
        Path parent = Files.createDirectory(tmp.resolve("read-only-parent"));
        Path data = parent.resolve("data");
        assertThat(startWithMode(parent, "r-x------", data)).isEqualTo("cannot create data directory " + data
                + ": Permission denied (" + parent + " is not writable by user " + System.getProperty("user.name")
                + "). Fix: set --data-dir DIR (setting data.dir) to a directory user " + System.getProperty("user.name")
                + " can write, or a path that does not exist yet under one (it is created), or give that user write access to " + parent);
        assertThat(data).doesNotExist();
    }

    @Test
    void existingDataDirThatIsNotWritableSaysPermissionDenied() throws Exception {
        Path data = Files.createDirectory(tmp.resolve("data"));
        assertThat(startWithMode(data, "r-x------", data)).startsWith("data directory " + data + " is not usable: "
                + "Permission denied (" + data + " is not writable by user " + System.getProperty("user.name") + "). Fix: set --data-dir DIR");
        try (var files = Files.list(data)) {
            assertThat(files).as("nothing written into it").isEmpty();
        }
    }

    @Test
    void parentThatCannotBeEnteredSaysPermissionDenied() throws Exception {
        Path closed = Files.createDirectories(tmp.resolve("closed"));
        Path data = Files.createDirectory(closed.resolve("inner")).resolve("data");
        assertThat(startWithMode(closed, "---------", data)).isEqualTo("cannot use data directory " + data
                + ": Permission denied (" + closed + " cannot be entered by user " + System.getProperty("user.name")
                + "). Fix: set --data-dir DIR (setting data.dir) to a directory user " + System.getProperty("user.name")
                + " can write, or give that user search access to " + closed + " (chmod u+x, or g+x / o+x)");
        assertThat(data).doesNotExist();
    }

    /**
     * A read-only file system, for root too: the child runs in its own mount namespace ({@code unshare -m}, the
     * mount private to it) with a read-only tmpfs mounted on the parent of the data directory.
     */
    @Test
    void dataDirOnAReadOnlyFileSystemSaysSo() throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder("unshare", "-m", "true").start().waitFor() == 0,
                "no mount namespace can be made here (unshare -m needs CAP_SYS_ADMIN)");
        Path mountPoint = Files.createDirectory(tmp.resolve("read-only-fs"));
        Path data = mountPoint.resolve("data");
        String message = refusal(CliProcess.run(TIMEOUT,
                List.of("unshare", "-m", "sh", "-c", "mount -t tmpfs -o ro tmpfs \"$0\" && exec \"$@\"", mountPoint.toString()),
                "start", "--listen", "127.0.0.1:0", "--data-dir", data.toString()));
        assertThat(message).isEqualTo("cannot create data directory " + data + ": Read-only file system (" + mountPoint
                + " is on a read-only file system). Fix: set --data-dir DIR (setting data.dir) to a directory user "
                + System.getProperty("user.name") + " can write, or a path that does not exist yet under one (it is created), "
                + "or give that user write access to " + mountPoint);
        assertThat(data).doesNotExist();
    }

    /** Past the checks of the directory itself: a partition directory inside it that cannot be written. */
    @Test
    void partitionDirectoryThatIsNotWritableNamesTheFileAndPermissionDenied() throws Exception {
        Path data = tmp.resolve("data");
        LedgerlineServer.start(Map.of("data.dir", data.toString(), "listen", "127.0.0.1:0",
                "registry.enabled", "false")).close();
        Path metadata = data.resolve("logs").resolve("__ledgerline_metadata-0");
        assertThat(metadata).isDirectory();
        String message = startWithMode(metadata, "r-x------", data);
        assertThat(message).startsWith("cannot use data directory " + data + ": Permission denied (" + metadata.resolve(""))
                .endsWith("Fix: give user " + System.getProperty("user.name") + " read and write access to everything under "
                        + data + ", or set --data-dir DIR (setting data.dir) to another directory");
    }

    /** A port below net.ipv4.ip_unprivileged_port_start; for root the child runs without CAP_NET_BIND_SERVICE. */
    @Test
    void privilegedPortWithoutTheRightSaysPermissionDenied() throws Exception {
        int unprivilegedStart = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start")).get(0).strip());
        Assumptions.assumeTrue(unprivilegedStart > 1, "net.ipv4.ip_unprivileged_port_start is " + unprivilegedStart
                + ": every port may be bound by anyone here");
        Path data = tmp.resolve("data");
        String message = refusal(CliProcess.run(TIMEOUT, withoutCapabilities("net_bind_service"),
                "start", "--listen", "127.0.0.1:1", "--data-dir", data.toString()));
        assertThat(message).isEqualTo("cannot listen on 127.0.0.1:1: Permission denied (ports below 1024 need root or "
                + "CAP_NET_BIND_SERVICE). Fix: set --listen HOST:PORT (setting listen) with a port of 1024 or above, "
                + "for example --listen 127.0.0.1:9092");
        assertThat(data).doesNotExist();
    }

    /**
     * Nothing for a non-root user; for root, setpriv dropping CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the
     * child (see the class comment).
     */
    private static List<String> withoutPermissionOverride() throws Exception {
        return withoutCapabilities("dac_override", "dac_read_search");
    }

    private static List<String> withoutCapabilities(String... capabilities) throws Exception {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (uid != 0) {
            System.out.println("[permission case] running as uid " + uid + ": permissions apply as they are");
            return List.of();
        }
        Path setpriv = null;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, "setpriv");
            if (Files.isExecutable(p)) {
                setpriv = p;
                break;
            }
        }
        Assumptions.assumeTrue(setpriv != null, "running as root without setpriv (util-linux): root ignores the "
                + "permission bits, so there is no permission case to provoke; StartupErrorsTest covers a path under a file");
        String drop = "-" + String.join(",-", capabilities);
        System.out.println("[permission case] running as root: the child runs under setpriv --bounding-set " + drop);
        return List.of(setpriv.toString(), "--bounding-set", drop, "--");
    }
}
