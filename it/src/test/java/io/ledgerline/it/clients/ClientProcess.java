package io.ledgerline.it.clients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * Runs a non-Java Kafka client (a scenario script of src/test/clients, or kcat) as a child process with a time
 * limit, and keeps what it printed. A missing client is a test failure that names the command installing it,
 * never a skip: these tests are how the project knows librdkafka, kafka-python and kafkajs work.
 */
final class ClientProcess {
    /** Longer than any scenario's own 60 s limits added up; a child still running then is killed. */
    static final Duration TIMEOUT = Duration.ofMinutes(4);
    /** The scenario scripts (surefire runs in the module's directory). */
    static final Path CLIENTS = Path.of("src", "test", "clients").toAbsolutePath();
    static final Path NODE_DIR = CLIENTS.resolve("node");
    static final String APT_INSTALL = "apt-get install -y python3-confluent-kafka python3-kafka kcat";
    static final String NPM_INSTALL = "npm ci (in it/src/test/clients/node; mvn runs it before the tests)";

    private ClientProcess() {
    }

    /** What one run printed: stdout and stderr apart (librdkafka and kafkajs log on stderr). */
    record Result(List<String> command, int exitCode, boolean timedOut, String stdout, String stderr) {

        /** Fails with everything the child printed unless it exited 0 having printed "OK scenario". */
        Result assertOk(String scenario) {
            if (timedOut || exitCode != 0 || !stdout.lines().anyMatch(("OK " + scenario)::equals)) {
                fail("%s%n%s", timedOut ? "timed out after " + TIMEOUT : "exit code " + exitCode, this);
            }
            return this;
        }

        /** Fails with everything the child printed unless it exited 0. */
        Result assertExitZero() {
            if (timedOut || exitCode != 0) {
                fail("%s%n%s", timedOut ? "timed out after " + TIMEOUT : "exit code " + exitCode, this);
            }
            return this;
        }

        /** The "key=value" lines of stdout: the facts a scenario reports for the Java test to cross-check. */
        Map<String, String> facts() {
            Map<String, String> facts = new LinkedHashMap<>();
            stdout.lines().filter(l -> l.matches("[a-z][a-z0-9.-]*=.*")).forEach(l -> {
                int eq = l.indexOf('=');
                facts.put(l.substring(0, eq), l.substring(eq + 1));
            });
            return facts;
        }

        @Override
        public String toString() {
            return "command: " + String.join(" ", command) + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
        }
    }

    static Result run(Path workDir, List<String> command) {
        return run(workDir, command, null);
    }

    /** Runs command in workDir, with stdin from the given text (none if null), for at most {@link #TIMEOUT}. */
    static Result run(Path workDir, List<String> command, String stdin) {
        try {
            Path out = Files.createTempFile("client-", ".out");
            Path err = Files.createTempFile("client-", ".err");
            Path in = null;
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
                builder.environment().put("PYTHONUNBUFFERED", "1");
                if (stdin != null) {
                    in = Files.createTempFile("client-", ".in");
                    Files.writeString(in, stdin);
                    builder.redirectInput(in.toFile());
                } else {
                    builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
                }
                Process process = builder.start();
                boolean finished = process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (!finished) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                return new Result(List.copyOf(command), finished ? process.exitValue() : -1, !finished,
                        Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
                if (in != null) Files.deleteIfExists(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    /** Debian's interpreter, where the Debian packages python3-confluent-kafka and python3-kafka put their modules. */
    static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /** Fails, naming the install command, unless {@link #python()} can import module. */
    static void requirePythonModule(String module) {
        List<String> command = List.of(python(), "-c", "import " + module);
        Result result;
        try {
            result = run(CLIENTS, command);
        } catch (UncheckedIOException e) {
            throw new AssertionError("no python3 to run the " + module + " scenarios; install with: apt-get install -y python3 "
                    + APT_INSTALL.substring("apt-get install -y ".length()), e);
        }
        if (result.exitCode() != 0) {
            fail("%s cannot import %s; install it with: %s%n%s", python(), module, APT_INSTALL, result);
        }
    }

    /** Fails, naming the install command, unless the program runs (e.g. {@code kcat -V}). */
    static void requireProgram(String installHint, String... versionCommand) {
        Result result;
        try {
            result = run(CLIENTS, List.of(versionCommand));
        } catch (UncheckedIOException e) {
            throw new AssertionError(versionCommand[0] + " is not on the PATH; install it with: " + installHint, e);
        }
        if (result.exitCode() != 0) {
            fail("%s does not run; install it with: %s%n%s", versionCommand[0], installHint, result);
        }
    }

    /** Fails unless node runs and kafkajs is installed under {@link #NODE_DIR} at the locked version. */
    static void requireKafkaJs(String version) {
        requireProgram("apt-get install -y nodejs npm, then " + NPM_INSTALL, "node", "--version");
        Path installed = NODE_DIR.resolve("node_modules/kafkajs/package.json");
        if (!Files.isRegularFile(installed)) {
            fail("kafkajs is not installed at %s; run %s", installed, NPM_INSTALL);
        }
        try {
            String json = Files.readString(installed);
            if (!json.contains("\"version\": \"" + version + "\"")) {
                fail("%s is not kafkajs %s; run %s", installed, version, NPM_INSTALL);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The scenario names a script lists when asked for "scenarios", one a line. */
    static List<String> scenarios(Path workDir, List<String> command) {
        List<String> full = new ArrayList<>(command);
        full.add("scenarios");
        return run(workDir, full).assertExitZero().stdout().lines().toList();
    }
}
