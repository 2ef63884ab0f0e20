package io.ledgerline.it.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Runs a command-line tool's main class in a child JVM with the test classpath. Kafka's tools end with
 * System.exit on errors (ConsoleConsumer also installs shutdown hooks and writes to System.out), which must
 * not happen inside the test JVM.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /**
     * What the tool did: exit code, stdout summarised (line count, lines matching a predicate, the last
     * lines), and stderr in full.
     */
    public record Result(int exitCode, long stdoutLines, long matchingStdoutLines, List<String> stdoutTail, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + ", " + stdoutLines + " stdout lines, last " + stdoutTail + ", stderr:\n" + stderr;
        }
    }

    public static Result run(Duration timeout, Predicate<String> stdoutLineMatch, String mainClass, String... args) throws Exception {
        Path out = Files.createTempFile("it-tool-", ".out");
        Path err = Files.createTempFile("it-tool-", ".err");
        try {
            Process process = builder(mainClass, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(mainClass + " did not finish within " + timeout + "; stderr:\n" + Files.readString(err));
            }
            long lines = 0;
            long matching = 0;
            Deque<String> tail = new ArrayDeque<>();
            try (BufferedReader reader = Files.newBufferedReader(out, StandardCharsets.UTF_8)) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines++;
                    if (stdoutLineMatch.test(line)) matching++;
                    tail.addLast(line.length() > 300 ? line.substring(0, 300) + "..." : line);
                    if (tail.size() > 5) tail.removeFirst();
                }
            }
            return new Result(process.exitValue(), lines, matching, List.copyOf(tail), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * Starts {@code mainClass} in a child JVM with the test classpath and returns at once; stderr goes into
     * stdout, which the caller must read. For a child the test kills ({@link Process#destroyForcibly()}: SIGKILL).
     */
    public static Process start(String mainClass, String... args) throws IOException {
        return builder(mainClass, args).redirectErrorStream(true).start();
    }

    /** {@link #start(String, String...)} with the JVM options given instead of a small client's. */
    public static Process start(List<String> jvmOptions, String mainClass, String... args) throws IOException {
        return builder(jvmOptions, mainClass, args).redirectErrorStream(true).start();
    }

    /** The command line of a small child JVM running {@code mainClass} with the test classpath, for callers that wire its I/O. */
    public static ProcessBuilder builder(String mainClass, String... args) {
        // Small and quick to start: the child competes for 2 cores with the broker under test.
        return builder(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), mainClass, args);
    }

    private static ProcessBuilder builder(List<String> jvmOptions, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", testClasspath(), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /**
     * Reads a child's output on a daemon thread until the child dies: {@code onLine} sees every line, and lines
     * that look like trouble (ERROR, WARN, an exception) are echoed to the test's output with {@code label}.
     */
    public static void pump(Process process, String label, Consumer<String> onLine) {
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    onLine.accept(line);
                    if (line.contains("ERROR") || line.contains("WARN") || line.contains("Exception")) {
                        System.out.println("[" + label + "] " + line);
                    }
                }
            } catch (IOException ignored) {
                // the child died: its output ends here
            }
        }, label + "-output");
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Surefire runs tests from a manifest-only jar; the real classpath is in surefire.test.class.path. Without the
     * broker's test classes (the version walk, shared with VersionWalkTest): their logback-test.xml next to ours
     * makes logback print warnings on stdout, which a tool's output must not contain.
     */
    private static String testClasspath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        StringBuilder out = new StringBuilder(cp.length());
        for (String entry : cp.split(java.io.File.pathSeparator)) {
            String e = entry.replace('\\', '/');
            if (e.endsWith("/broker/target/test-classes") || e.matches(".*/ledgerline-broker-[^/]*-tests\\.jar")) continue;
            if (out.length() > 0) out.append(java.io.File.pathSeparator);
            out.append(entry);
        }
        return out.toString();
    }
}
