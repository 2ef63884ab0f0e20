package io.ledgerline.it.mirror;

import io.ledgerline.it.harness.ChildJvm;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The real MirrorMaker 2 ({@code org.apache.kafka.connect.mirror.MirrorMaker}, dedicated mode, what Kafka's
 * connect-mirror-maker.sh runs) in a child JVM on its own classpath: it/mirrormaker/pom.xml, written by the
 * Maven profile "mirror" to the file named by {@value #CLASSPATH_PROPERTY}. Its configuration is
 * {@code mirror/mm2.properties} (the example in docs/operations.md) with the two clusters' addresses replaced.
 * Its output goes to {@code mirrormaker.log} beside the classpath file (it/target); warnings and errors are
 * echoed to the test's output too.
 */
final class MirrorMakerProcess implements AutoCloseable {
    static final String CLASSPATH_PROPERTY = "ledgerline.it.mirrormaker.classpath";
    static final String MAIN_CLASS = "org.apache.kafka.connect.mirror.MirrorMaker";

    private final Process process;
    private final Path configDir;

    private MirrorMakerProcess(Process process, Path configDir) {
        this.process = process;
        this.configDir = configDir;
    }

    /** The example configuration, as shipped in the test resources (and quoted by docs/operations.md). */
    static String exampleConfig() throws IOException {
        try (InputStream in = Objects.requireNonNull(MirrorMakerProcess.class.getResourceAsStream("/mirror/mm2.properties"))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** {@link #exampleConfig()} with {@code ledgerline.bootstrap.servers} and {@code kafka.bootstrap.servers} replaced. */
    static String config(String ledgerlineBootstrap, String kafkaBootstrap) throws IOException {
        return exampleConfig().lines().map(line -> {
            if (line.startsWith("ledgerline.bootstrap.servers ")) return "ledgerline.bootstrap.servers = " + ledgerlineBootstrap;
            if (line.startsWith("kafka.bootstrap.servers ")) return "kafka.bootstrap.servers = " + kafkaBootstrap;
            return line;
        }).collect(Collectors.joining("\n", "", "\n"));
    }

    static MirrorMakerProcess start(String ledgerlineBootstrap, String kafkaBootstrap) throws Exception {
        String classpathFile = System.getProperty(CLASSPATH_PROPERTY);
        if (classpathFile == null || !Files.exists(Path.of(classpathFile))) {
            throw new IllegalStateException("no MirrorMaker classpath (" + CLASSPATH_PROPERTY + "=" + classpathFile
                    + "): run with the Maven profile 'mirror', which writes it");
        }
        Path configDir = Files.createTempDirectory("it-mm2-");
        Path properties = configDir.resolve("mm2.properties");
        Files.writeString(properties, config(ledgerlineBootstrap, kafkaBootstrap));
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC",
                "-Dlogback.configurationFile=" + resourcePath("/mirror/mm2-logback.xml"),
                "-cp", Files.readString(Path.of(classpathFile)).trim(),
                MAIN_CLASS, properties.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedWriter log = Files.newBufferedWriter(Path.of(classpathFile).resolveSibling("mirrormaker.log"), StandardCharsets.UTF_8);
        ChildJvm.pump(p, "mirrormaker", line -> {
            try {
                log.write(line);
                log.newLine();
                log.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        p.onExit().thenRun(() -> {
            try {
                log.close();
            } catch (IOException ignored) {
                // the log is for reading after a failure only
            }
        });
        System.out.printf("[it] MirrorMaker 2 (%s) started with %s%n", MAIN_CLASS, properties);
        return new MirrorMakerProcess(p, configDir);
    }

    private static String resourcePath(String name) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(MirrorMakerProcess.class.getResource(name)).toURI()).toString();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM (MirrorMaker's shutdown hook stops its connectors), SIGKILL if that takes longer than 30 s. */
    @Override
    public void close() throws Exception {
        try {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } finally {
            io.ledgerline.it.harness.TempDirs.delete(configDir);
        }
    }
}
