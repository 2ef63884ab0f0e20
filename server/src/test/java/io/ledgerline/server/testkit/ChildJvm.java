package io.ledgerline.server.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
 * The server tests' one child-JVM launcher: a {@code main} class of the test classpath in its own JVM (with
 * {@code -ea}), its output (stdout and stderr merged) collected line by line, started once a line matches a
 * ready pattern, and stopped with SIGTERM or SIGKILL. Used from the test's thread; a daemon thread reads the
 * output.
 */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final List<String> output;
    private final CompletableFuture<Void> outputEnd;
    private final Matcher ready;

    private ChildJvm(Process process, List<String> output, CompletableFuture<Void> outputEnd, Matcher ready) {
        this.process = process;
        this.output = output;
        this.outputEnd = outputEnd;
        this.ready = ready;
    }

    /**
     * {@code prefix} (a wrapper such as setpriv, may be empty), then this JVM's java with {@code -ea},
     * {@code jvmOptions} and the test classpath, then {@code mainClass} and {@code args}.
     */
    public static ProcessBuilder java(List<String> prefix, List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-ea");
        command.addAll(jvmOptions);
        // Surefire may run tests from a manifest-only jar; the real classpath is then in surefire.test.class.path.
        command.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), mainClass));
        command.addAll(args);
        return new ProcessBuilder(command);
    }

    /**
     * Starts {@code builder} and returns once an output line matches {@code readyLine} (its groups:
     * {@link #ready(int)}); kills the child and fails if it ends first or within {@code timeout} prints no such line.
     * Lines with ERROR or WARN are echoed to this JVM's stdout, prefixed with {@code name}.
     */
    public static ChildJvm start(String name, ProcessBuilder builder, Pattern readyLine, Duration timeout) throws Exception {
        Process p = builder.redirectErrorStream(true).start();
        List<String> output = new CopyOnWriteArrayList<>();
        CompletableFuture<Matcher> ready = new CompletableFuture<>();
        CompletableFuture<Void> outputEnd = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.add(line);
                    Matcher m = readyLine.matcher(line);
                    if (!ready.isDone() && m.find()) ready.complete(m);
                    if (line.contains("ERROR") || line.contains("WARN")) System.out.println("[" + name + "] " + line);
                }
            } catch (IOException ignored) {
                // the child died: its output ends here
            }
            ready.completeExceptionally(new IllegalStateException(name + " ended before it was ready: " + output));
            outputEnd.complete(null);
        }, name + "-output");
        pump.setDaemon(true);
        pump.start();
        try {
            return new ChildJvm(p, output, outputEnd, ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (Exception e) {
            p.destroyForcibly().waitFor();
            throw e;
        }
    }

    public Process process() {
        return process;
    }

    /** Every output line so far. */
    public List<String> output() {
        return output;
    }

    /** Group {@code group} of the ready line's match. */
    public String ready(int group) {
        return ready.group(group);
    }

    /** SIGTERM, the clean stop; returns the exit code (143 = 128 + SIGTERM) once all output has been read. */
    public int terminate() throws Exception {
        // Through the handle: Process.destroy() would also close our end of its stdout, losing what it logs while stopping.
        process.toHandle().destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("the child did not stop within 60 s of SIGTERM");
        outputEnd.get(60, TimeUnit.SECONDS);
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed, the page cache survives; returns 137 = 128 + SIGKILL. */
    public int kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("the child survived SIGKILL");
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill9();
    }
}
