package io.ledgerline.bench.compare;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Class paths of the two broker JVMs, from this module's runtime class path as Maven resolved it
 * ({@code target/bench-classpath.txt}, written at generate-resources) plus this module's classes (for
 * {@link ChildMain}).
 *
 * <p>Ledgerline runs as it ships when the reactor has packaged the server ({@code server/target/ledgerline-server.jar}
 * plus {@code server/target/lib/*}, what {@code ./ledgerline} runs); otherwise from the module class path less
 * Apache Kafka's server jars. Kafka runs from the whole module class path (kafka_2.13 4.4.0 and its runtime
 * dependencies from Maven Central).
 */
record Classpaths(String ledgerline, String kafka, String ledgerlineSource, String baseline, String baselineSource) {

    /**
     * With the baseline: {@code serverJar} is the ledgerline-server jar of an earlier build, its dependencies in the
     * {@code lib/} directory beside it (what {@code mvn -pl server -am package} leaves in server/target).
     */
    Classpaths withBaseline(Path serverJar) {
        Path lib = serverJar.toAbsolutePath().getParent().resolve("lib");
        if (!Files.isRegularFile(serverJar) || !Files.isDirectory(lib)) {
            throw new IllegalArgumentException("--baseline " + serverJar + ": needs a ledgerline-server jar with its lib/ directory beside it"
                    + " (build the earlier commit with mvn -B -q -pl server -am package -DskipTests)");
        }
        String cp = classesDir() + File.pathSeparator + serverJar.toAbsolutePath() + File.pathSeparator + lib + File.separator + "*";
        return new Classpaths(ledgerline, kafka, ledgerlineSource, cp, serverJar.toAbsolutePath() + " + " + lib + "/*");
    }

    static Classpaths locate() throws IOException {
        Path classes = classesDir();
        Path file = classes.getParent().resolve("bench-classpath.txt");
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " is missing: build with mvn -pl bench -am package (it is written at generate-resources)");
        }
        List<String> entries = new ArrayList<>(Arrays.asList(Files.readString(file).trim().split(File.pathSeparator)));
        String kafka = classes + File.pathSeparator + String.join(File.pathSeparator, entries);

        String serverJar = entries.stream().filter(e -> Path.of(e).getFileName().toString().startsWith("ledgerline-server"))
                .findFirst().orElseThrow(() -> new IllegalStateException("ledgerline-server is not on " + file));
        Path lib = Path.of(serverJar).getParent().resolve("lib");
        if (serverJar.endsWith(".jar") && Files.isDirectory(lib)) {
            String ll = classes + File.pathSeparator + serverJar + File.pathSeparator + lib + File.separator + "*";
            return new Classpaths(ll, kafka, serverJar + " + " + lib + "/*", null, null);
        }
        List<String> ll = new ArrayList<>();
        ll.add(classes.toString());
        for (String e : entries) if (!kafkaServerOnly(Path.of(e).getFileName().toString())) ll.add(e);
        return new Classpaths(String.join(File.pathSeparator, ll), kafka, serverJar + " (module class path)", null, null);
    }

    /** Jars that only Apache Kafka's server (or this module's tooling) needs; Ledgerline does not load them. */
    private static boolean kafkaServerOnly(String name) {
        if (name.startsWith("kafka-clients")) return false;
        return name.startsWith("kafka") || name.startsWith("scala-") || name.startsWith("jmh-") || name.startsWith("log4j")
                || name.startsWith("HdrHistogram") || name.startsWith("jackson") || name.startsWith("argparse4j")
                || name.startsWith("metrics-core") || name.startsWith("jose4j") || name.startsWith("caffeine")
                || name.startsWith("pcollections") || name.startsWith("re2j") || name.startsWith("hash4j")
                || name.startsWith("commons-") || name.startsWith("snakeyaml") || name.startsWith("jopt");
    }

    static Path classesDir() {
        try {
            return Path.of(Classpaths.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
