package io.ledgerline.it.cli;

import io.ledgerline.it.harness.ChildJvm;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBrokerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tools as a user runs them: {@code LedgerlineCli.main} in its own JVM (what {@code ./ledgerline} execs), real
 * stdin, stdout and exit code. stdout must carry the records and nothing else (no client log lines), so that
 * {@code ledgerline consume ... | jq} works.
 */
class CliMainTest extends SharedBrokerTest {
    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {}

    private Run main(Path stdin, String... args) throws Exception {
        Path out = dir.resolve("out-" + System.nanoTime());
        Path err = dir.resolve("err-" + System.nanoTime());
        ProcessBuilder b = ChildJvm.builder("io.ledgerline.server.cli.LedgerlineCli", args)
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        if (stdin != null) b.redirectInput(stdin.toFile());
        Process p = b.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("ledgerline %s finished", String.join(" ", args)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void produceThenConsumeThroughTheRealMain() throws Exception {
        String topic = Clients.uniqueTopic("cli-main");
        Clients.createTopic(admin, topic, 1, Map.of());
        Path input = dir.resolve("input.txt");
        Files.writeString(input, "{\"id\":1,\"amount\":\"12.50\"}\n{\"id\":2,\"amount\":\"7.00\"}\n", StandardCharsets.UTF_8);

        Run produced = main(input, "produce", topic, "--bootstrap", broker.bootstrapServers());
        assertThat(produced.exitCode()).as("%s", produced).isZero();
        assertThat(produced.out()).isEmpty();
        assertThat(produced.err()).isEqualTo("sent 2 records to " + topic + ": partition 0 up to offset 1\n");

        Run consumed = main(null, "consume", topic, "--bootstrap", broker.bootstrapServers(), "--max-records", "2");
        assertThat(consumed.exitCode()).as("%s", consumed).isZero();
        assertThat(consumed.out().lines().toList()).containsExactly("{\"id\":1,\"amount\":\"12.50\"}", "{\"id\":2,\"amount\":\"7.00\"}");
        assertThat(consumed.err()).isEqualTo("consumed 2 records from " + topic + "\n");

        Run usage = main(null, "consume", topic, "--from", "tomorrow");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.out()).isEmpty();
        assertThat(usage.err().lines().toList()).hasSize(2).first().asString().startsWith("ledgerline: Invalid value for option '--from'");
    }

    @Test
    void anUnreachableBrokerIsOneLineAndExitCodeOne() throws Exception {
        int closed = io.ledgerline.it.harness.Ports.free();
        Run r = main(null, "topics", "list", "--bootstrap", "127.0.0.1:" + closed, "--connect-timeout", "2s");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).as("stderr: %s", r.err()).containsExactly("ledgerline: cannot reach 127.0.0.1:" + closed
                + ": connection refused (nothing listens on port " + closed + ") (is `ledgerline start` running? "
                + "--bootstrap HOST:PORT to use another broker)");
        assertThat(List.of(r.err())).noneMatch(e -> e.contains("WARN"));
    }
}
