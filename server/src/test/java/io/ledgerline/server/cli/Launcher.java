package io.ledgerline.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/**
 * The repository's real {@code ./ledgerline} script, run as a user runs it. It is copied byte for byte into a
 * scratch root laid out as a build leaves it ({@code server/target/ledgerline-server.jar}, {@code server/target/lib}),
 * so that it finds its build up to date and runs at once instead of calling Maven: the jar there is a manifest-only
 * jar whose Class-Path is this test run's main classpath (the modules' classes and their dependencies; no test
 * classes, so the server's own logback.xml applies, not logback-test.xml).
 */
final class Launcher {
    static final Path REPO = Path.of(System.getProperty("basedir", ".")).resolve("..").toAbsolutePath().normalize();

    private final Path root;

    private Launcher(Path root) {
        this.root = root;
    }

    static Launcher installIn(Path root) throws IOException {
        Path script = root.resolve("ledgerline");
        Files.copy(REPO.resolve("ledgerline"), script);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path target = Files.createDirectories(root.resolve("server/target"));
        Files.createDirectories(target.resolve("lib"));
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, mainClasspath().stream()
                .map(p -> p.toUri().toString()).collect(Collectors.joining(" ")));
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(target.resolve("ledgerline-server.jar")), m)) {
            // nothing but the manifest
        }
        return new Launcher(root);
    }

    /** Surefire's classpath less the test classes (and surefire's own jars, which are not on the launcher's path). */
    private static List<Path> mainClasspath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<Path> out = new ArrayList<>();
        for (String entry : cp.split(java.io.File.pathSeparator)) {
            if (entry.isEmpty() || entry.endsWith("test-classes") || entry.contains("surefire")) continue;
            out.add(Path.of(entry).toAbsolutePath());
        }
        return out;
    }

    Path root() {
        return root;
    }

    /**
     * Starts {@code ./ledgerline args} with {@code env} added to this JVM's environment (a null value removes the
     * variable) and {@code JAVA_HOME} set to this test's JDK; {@code LEDGERLINE_LOG_FORMAT}, {@code JAVA_OPTS} and
     * {@code LEDGERLINE_OPTS} are removed unless given. stdout and stderr are collected line by line.
     */
    Run start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("ledgerline").toString()));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).directory(root.toFile());
        Map<String, String> e = b.environment();
        e.remove("LEDGERLINE_LOG_FORMAT");
        e.remove("JAVA_OPTS");
        e.remove("LEDGERLINE_OPTS");
        e.put("JAVA_HOME", System.getProperty("java.home"));
        env.forEach((k, v) -> {
            if (v == null) e.remove(k);
            else e.put(k, v);
        });
        return new Run(b.start(), String.join(" ", args));
    }

    /** {@link #start} and wait for the end (a command that ends by itself). */
    Run run(Map<String, String> env, String... args) throws Exception {
        Run r = start(env, args);
        r.waitFor();
        return r;
    }

    /** A running or finished launcher: its stdout and stderr lines so far. */
    static final class Run {
        final Process process;
        final List<String> out = new CopyOnWriteArrayList<>();
        final List<String> err = new CopyOnWriteArrayList<>();
        private final String what;
        private final Thread outPump;
        private final Thread errPump;

        Run(Process process, String what) throws IOException {
            this.process = process;
            this.what = what;
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.flush(); // no input
            }
            outPump = pump(process.getInputStream(), out);
            errPump = pump(process.getErrorStream(), err);
        }

        private static Thread pump(java.io.InputStream in, List<String> into) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) into.add(line);
                } catch (IOException ignored) {
                    // the process is gone
                }
            });
            t.setDaemon(true);
            t.start();
            return t;
        }

        /** Waits until some stdout line contains {@code text}; fails if the process ends first or after 60 s. */
        String awaitOut(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                for (String line : out) if (line.contains(text)) return line;
                if (!process.isAlive()) {
                    outPump.join(5_000);
                    for (String line : out) if (line.contains(text)) return line;
                    throw new AssertionError("ledgerline " + what + " ended (exit " + process.exitValue() + ") without "
                            + "printing '" + text + "'\n" + this);
                }
                Thread.sleep(50);
            }
            throw new AssertionError("no '" + text + "' within 60 s\n" + this);
        }

        /** SIGTERM (what systemctl stop and docker stop send), then waits for the exit. */
        int terminate() throws InterruptedException {
            // Through the handle: Process.destroy() would also close our end of its stdout, losing the last lines.
            process.toHandle().destroy();
            return waitFor();
        }

        int waitFor() throws InterruptedException {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("ledgerline " + what + " did not end within 60 s\n" + this);
            }
            outPump.join(5_000);
            errPump.join(5_000);
            return process.exitValue();
        }

        @Override
        public String toString() {
            return "stdout:\n" + String.join("\n", out) + "\nstderr:\n" + String.join("\n", err);
        }
    }
}
