package io.ledgerline.server.cli;

import io.ledgerline.server.testkit.ChildJvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code ledgerline} through its real entry point, {@link LedgerlineCli#main} (what the launcher execs), in a child
 * JVM with the test classpath: its exit code, stdout and stderr are the user's. {@code prefix} runs the JVM under
 * another command (setpriv, to drop root's permission override).
 */
final class CliProcess {
    private CliProcess() {}

    /** StartCommand's "started" line, with the bound port. */
    private static final Pattern STARTED = Pattern.compile("Ledgerline started: Kafka listener [^ ]+:(\\d+) ");

    record Result(int exitCode, String stdout, String stderr) {}

    static ProcessBuilder builder(List<String> prefix, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (args.length > 0 && args[0].equals("start") && all.stream().noneMatch(a -> a.startsWith("--registry-listen")
                || a.startsWith("registry."))) {
            // Never the fixed default 127.0.0.1:8081: tests run side by side.
            all.addAll(List.of("--registry-listen", "127.0.0.1:0"));
        }
        return ChildJvm.java(prefix, List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), LedgerlineCli.class.getName(), all);
    }

    /** Runs a command that must end (a refused start) within {@code timeout}. */
    static Result run(Duration timeout, List<String> prefix, String... args) throws Exception {
        Path out = Files.createTempFile("ledgerline-cli-", ".out");
        Path err = Files.createTempFile("ledgerline-cli-", ".err");
        try {
            Process p = builder(prefix, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("ledgerline " + String.join(" ", args) + " did not end within " + timeout
                        + " (not refused?); stdout:\n" + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A running {@code ledgerline start} ({@link ChildJvm}): its process, every output line so far, and its port. */
    static final class Broker implements AutoCloseable {
        private final ChildJvm child;
        private final int port;

        private Broker(ChildJvm child) {
            this.child = child;
            this.port = Integer.parseInt(child.ready(1));
        }

        Process process() {
            return child.process();
        }

        List<String> output() {
            return child.output();
        }

        int port() {
            return port;
        }

        String bootstrap() {
            return "127.0.0.1:" + port;
        }

        /** SIGTERM, the clean stop; returns the exit code (143 = 128 + SIGTERM) once all output has been read. */
        int terminate() throws Exception {
            return child.terminate();
        }

        /** SIGKILL (Process.destroyForcibly on Linux); returns the exit code, 137 = 128 + SIGKILL. */
        int kill9() throws InterruptedException {
            return child.kill9();
        }

        @Override
        public void close() throws InterruptedException {
            child.close();
        }
    }

    /** Starts {@code ledgerline start ARGS} and waits for its "Ledgerline started" line. */
    static Broker startBroker(String... args) throws Exception {
        String[] all = new String[args.length + 1];
        all[0] = "start";
        System.arraycopy(args, 0, all, 1, args.length);
        return new Broker(ChildJvm.start("ledgerline-start", builder(List.of(), all), STARTED, Duration.ofSeconds(60)));
    }
}
