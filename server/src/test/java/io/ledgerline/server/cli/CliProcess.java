package io.ledgerline.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
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
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-ea", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                // Surefire runs tests from a manifest-only jar; the real classpath is in surefire.test.class.path.
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                LedgerlineCli.class.getName()));
        command.addAll(List.of(args));
        if (args.length > 0 && args[0].equals("start") && List.of(args).stream().noneMatch(a -> a.startsWith("--registry-listen")
                || a.startsWith("registry."))) {
            // Never the fixed default 127.0.0.1:8081: tests run side by side.
            command.addAll(List.of("--registry-listen", "127.0.0.1:0"));
        }
        return new ProcessBuilder(command);
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

    /** A running {@code ledgerline start}: its process, every output line so far, and the port it listens on. */
    record Broker(Process process, List<String> output, int port, CompletableFuture<Void> outputEnd) implements AutoCloseable {

        String bootstrap() {
            return "127.0.0.1:" + port;
        }

        /** SIGTERM, the clean stop; returns the exit code (143 = 128 + SIGTERM) once all output has been read. */
        int terminate() throws Exception {
            // Through the handle: Process.destroy() would also close our end of its stdout, losing what it logs while stopping.
            process.toHandle().destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("the broker did not stop within 60 s of SIGTERM");
            outputEnd.get(60, TimeUnit.SECONDS);
            return process.exitValue();
        }

        /** SIGKILL (Process.destroyForcibly on Linux); returns the exit code, 137 = 128 + SIGKILL. */
        int kill9() throws InterruptedException {
            process.destroyForcibly();
            if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("the broker survived SIGKILL");
            return process.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) kill9();
        }
    }

    /** Starts {@code ledgerline start ARGS} and waits for its "Ledgerline started" line. */
    static Broker startBroker(String... args) throws Exception {
        String[] all = new String[args.length + 1];
        all[0] = "start";
        System.arraycopy(args, 0, all, 1, args.length);
        Process p = builder(List.of(), all).redirectErrorStream(true).start();
        List<String> output = new CopyOnWriteArrayList<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        CompletableFuture<Void> outputEnd = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.add(line);
                    Matcher m = STARTED.matcher(line);
                    if (m.find()) port.complete(Integer.parseInt(m.group(1)));
                }
            } catch (IOException ignored) {
                // the child died: its output ends here
            }
            port.completeExceptionally(new IllegalStateException("ledgerline start ended before it was ready: " + output));
            outputEnd.complete(null);
        }, "ledgerline-start-output");
        pump.setDaemon(true);
        pump.start();
        try {
            return new Broker(p, output, port.get(60, TimeUnit.SECONDS), outputEnd);
        } catch (Exception e) {
            p.destroyForcibly().waitFor();
            throw e;
        }
    }
}
