package io.ledgerline.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.ledgerline.log.TestLogs.T0;
import static io.ledgerline.log.TestLogs.TP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The data directory's lock at the LogManager level (one JVM): a second LogManager on a directory in use is
 * refused before it reads or writes a file there, and only the holder writes the clean-shutdown marker. The
 * cross-process case (two JVMs, SIGKILL of the holder) is server's SecondBrokerOnSameDataDirIsRefusedTest.
 */
class SecondLogManagerOnLockedDataDirIsRefusedTest {
    @TempDir
    Path root;

    private LogManager start(Path dataDir) throws IOException {
        return new LogManager(TestLogs.settings(dataDir, true, TimeUnit.HOURS.toMillis(1)));
    }

    /** Every file under {@code dir} with its bytes: what "untouched" is checked against. */
    private static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                String key = dir.relativize(p).toString();
                out.put(key, Files.isDirectory(p) ? "<dir>" : Arrays.toString(Files.readAllBytes(p))
                        + "@" + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return out;
    }

    @Test
    void secondLogManagerIsRefusedNamingThePidAndTouchesNoFile() throws Exception {
        Path data = root.resolve("data");
        LogManager holder = start(data);
        PartitionLog log = holder.open(TP, TestLogs.config());
        log.append(TestLogs.records(T0, "a", "b", "c"));
        log.flush();
        long pid = ProcessHandle.current().pid();
        assertThat(Files.readString(data.resolve(DataDirLock.FILE_NAME), StandardCharsets.US_ASCII)).isEqualTo(pid + "\n");
        Map<String, String> before = contents(data);

        assertThatThrownBy(() -> start(data))
                .isInstanceOf(DataDirLock.HeldException.class)
                .hasMessageContaining("is in use by another Ledgerline broker (PID " + pid + ",")
                .hasMessageContaining("--data-dir DIR (setting data.dir)");

        assertThat(contents(data)).as("the refused start read or wrote nothing").isEqualTo(before);
        assertThat(data.resolve(".clean-shutdown")).doesNotExist();
        assertThat(log.logEndOffset()).isEqualTo(3); // the holder goes on
        log.append(TestLogs.records(T0, "d"));

        assertThat(holder.closeAndReport()).isTrue();
        assertThat(data.resolve(".clean-shutdown")).as("written by the holder's clean close").exists();
        // The lock went with the close: the next start takes it and trusts the clean stop.
        LogManager next = start(data);
        assertThat(next.cleanStart()).isTrue();
        assertThat(next.open(TP, TestLogs.config()).logEndOffset()).isEqualTo(4);
        next.close();
    }

    @Test
    void refusedStartDoesNotDeleteAMarkerItFinds() throws Exception {
        Path data = root.resolve("data");
        LogManager first = start(data);
        first.close(); // clean: marker written, lock released
        LogManager holder = start(data); // reads and removes the marker
        assertThat(holder.cleanStart()).isTrue();
        assertThat(data.resolve(".clean-shutdown")).doesNotExist();

        assertThatThrownBy(() -> start(data)).isInstanceOf(DataDirLock.HeldException.class);
        assertThat(data.resolve(".clean-shutdown")).as("a refused start writes no marker").doesNotExist();

        TestLogs.kill(holder); // the holder dies: no clean close, no marker
        LogManager after = start(data);
        assertThat(after.cleanStart()).as("a crash is never mistaken for a clean stop").isFalse();
        after.close();
    }

    @Test
    void aClosedLogManagerNeverWritesTheMarkerAgain() throws Exception {
        Path data = root.resolve("data");
        LogManager first = start(data);
        assertThat(first.closeAndReport()).isTrue();
        LogManager second = start(data); // the new holder removed the marker
        assertThat(first.closeAndReport()).as("the first result, repeated").isTrue();
        assertThat(data.resolve(".clean-shutdown")).as("a second close of the old holder must not vouch for the new one")
                .doesNotExist();
        TestLogs.kill(second);
    }

    @Test
    void lockOfAKilledHolderDoesNotBlockTheRestart() throws Exception {
        Path data = root.resolve("data");
        LogManager killed = start(data);
        killed.open(TP, TestLogs.config()).append(TestLogs.records(T0, "x"));
        TestLogs.kill(killed);
        assertThat(data.resolve(DataDirLock.FILE_NAME)).as("the file stays; the OS lock is what counts").exists();
        LogManager restarted = start(data);
        assertThat(restarted.cleanStart()).isFalse();
        restarted.close();
    }
}
