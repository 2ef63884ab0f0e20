package io.ledgerline.it.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerline.server.cli.LedgerlineCli;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The Dockerfile in docs/operations.md, as far as it can be checked without docker (none on the machines this
 * project is built on): every path it copies exists in the build output ({@code mvn verify} packages the server
 * before this module's tests run) and lands where the launcher looks for it, next to itself; the entry point is the
 * copied launcher and its arguments parse as a {@code ledgerline} command line; the instructions the doc explains
 * are there. It does not build the image.
 */
class ContainerRecipeTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).resolve("..").toAbsolutePath().normalize();
    private static final String HOME = "/opt/ledgerline/";

    private static List<String> dockerfile() throws Exception {
        List<String> lines = Files.readAllLines(ROOT.resolve("docs/operations.md"));
        int start = lines.indexOf("```dockerfile");
        assertThat(start).as("a ```dockerfile block in docs/operations.md").isNotNegative();
        List<String> out = new ArrayList<>();
        StringBuilder joined = new StringBuilder();
        for (int i = start + 1; !lines.get(i).equals("```"); i++) {
            String line = lines.get(i);
            if (line.startsWith("#")) continue;
            if (line.endsWith("\\")) {
                joined.append(line, 0, line.length() - 1);
                continue;
            }
            out.add(joined.append(line).toString().strip());
            joined.setLength(0);
        }
        return out;
    }

    /** Instruction to its arguments, in order; COPY may repeat, so copies are listed apart. */
    private static Map<String, String> instructions(List<String> lines, List<String[]> copies) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : lines) {
            String[] parts = line.split("\\s+", 2);
            if (parts[0].equals("COPY")) copies.add(parts[1].split("\\s+"));
            else m.put(parts[0], parts.length > 1 ? parts[1] : "");
        }
        return m;
    }

    @Test
    void everyCopiedPathIsInTheBuildOutputWhereTheLauncherLooks() throws Exception {
        List<String[]> copies = new ArrayList<>();
        Map<String, String> ins = instructions(dockerfile(), copies);
        assertThat(copies).hasSize(3);
        for (String[] copy : copies) {
            assertThat(copy).as("COPY SRC DEST").hasSize(2);
            Path src = ROOT.resolve(copy[0]);
            if (!Files.exists(src)) {
                fail("%s (copied by the Dockerfile in docs/operations.md) does not exist: this test needs the server packaged, "
                        + "run it with mvn verify (mvn -B -pl it -am verify -Dtest=ContainerRecipeTest)", src);
            }
            assertThat(copy[1]).as("the launcher finds its build next to itself").isEqualTo(HOME + copy[0]);
        }
        assertThat(copies).extracting(c -> c[0]).containsExactly("ledgerline", "server/target/ledgerline-server.jar", "server/target/lib/");
        assertThat(Files.isExecutable(ROOT.resolve("ledgerline"))).isTrue();
        try (JarFile jar = new JarFile(ROOT.resolve("server/target/ledgerline-server.jar").toFile())) {
            assertThat(jar.getEntry("io/ledgerline/server/cli/LedgerlineCli.class")).isNotNull();
            assertThat(jar.getEntry("logback.xml")).isNotNull();
            assertThat(jar.getEntry("io/ledgerline/server/log/JsonLogEncoder.class")).isNotNull();
        }
        List<String> lib;
        try (Stream<Path> s = Files.list(ROOT.resolve("server/target/lib"))) {
            lib = s.map(p -> p.getFileName().toString()).toList();
        }
        for (String dependency : List.of("ledgerline-broker-", "ledgerline-log-", "ledgerline-registry-", "ledgerline-schema-", "vertx-web-", "kafka-clients-", "logback-classic-", "picocli-",
                "jackson-databind-", "netty-")) {
            assertThat(lib).as("server/target/lib").anySatisfy(f -> assertThat(f).startsWith(dependency).endsWith(".jar"));
        }

        assertThat(ins).containsEntry("FROM", "eclipse-temurin:17-jre").containsEntry("STOPSIGNAL", "SIGTERM")
                .containsEntry("EXPOSE", "9092 8081").containsEntry("VOLUME", "/var/lib/ledgerline").containsEntry("USER", "ledgerline");
        ObjectMapper json = new ObjectMapper();
        List<String> command = new ArrayList<>(List.of(json.readValue(ins.get("ENTRYPOINT"), String[].class)));
        command.addAll(List.of(json.readValue(ins.get("CMD"), String[].class)));
        assertThat(command.get(0)).isEqualTo(HOME + "ledgerline");
        List<String> args = command.subList(1, command.size());
        assertThat(args).containsSubsequence("--data-dir", "/var/lib/ledgerline/data").containsSubsequence("--listen", "0.0.0.0:9092").containsSubsequence("--registry-listen", "0.0.0.0:8081")
                .anySatisfy(a -> assertThat(a).startsWith("advertised.listener="));
        LedgerlineCli.commandLine().parseArgs(args.toArray(String[]::new)); // throws if it is not a valid command line
    }
}
