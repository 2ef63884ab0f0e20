package io.ledgerline.it.registry;

import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBrokerTest;
import io.ledgerline.registry.Registry;
import io.ledgerline.registry.RegistryServer;
import io.ledgerline.registry.store.KafkaRecordLog;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client nobody here wrote: confluent-kafka-python's {@code SchemaRegistryClient} (Debian
 * {@code python3-confluent-kafka}, which needs {@code python3-requests}; .ci/run installs both) drives the
 * registry over the shared broker's {@code _schemas}-style topic, through every call it has, and gets
 * Confluent's answers: ids, versions, lookups, compatibility tests, levels, deletes and the error codes
 * its {@code SchemaRegistryError} carries.
 */
class ConfluentPythonClientTest extends SharedBrokerTest {
    static final String PYTHON = "/usr/bin/python3";

    @Test
    void schemaRegistryClientGetsConfluentsAnswers() throws Exception {
        String topic = Clients.uniqueTopic("_schemas-python");
        Map<String, String> steps;
        try (Registry registry = Registry.start(new KafkaRecordLog(broker.bootstrapServers(), topic, Duration.ofSeconds(30)));
             RegistryServer server = RegistryServer.start(registry, "127.0.0.1", 0)) {
            steps = run("http://127.0.0.1:" + server.port());
        }
        String v1 = "{\"type\":\"record\",\"name\":\"Payment\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";
        assertThat(steps).containsEntry("register v1", "1")
                .containsEntry("register v1 again", "1")
                .containsEntry("register v2", "2")
                .containsEntry("register breaking", "error 409 40901")
                .containsEntry("latest", "version 2 id 2")
                .containsEntry("version 1", "version 1 id 1 schema " + v1)
                .containsEntry("version 9", "error 404 40402")
                .containsEntry("versions", "[1, 2]")
                .containsEntry("lookup v1", "version 1 id 1")
                .containsEntry("schema 99", "error 404 40403")
                .containsEntry("subjects", "['payments-value']")
                .containsEntry("compatible v2", "True")
                .containsEntry("compatible breaking", "False")
                .containsEntry("set level", "{'compatibility': 'NONE'}")
                .containsEntry("get level", "NONE")
                .containsEntry("register breaking under NONE", "3")
                .containsEntry("invalid schema", "error 422 42201")
                .containsEntry("delete version 1", "1")
                .containsEntry("delete subject permanent", "[2, 3]")
                .containsEntry("subjects after", "[]")
                .containsEntry("unknown subject", "error 404 40401");
        assertThat(steps.get("schema 2")).contains("memo");
    }

    static Map<String, String> run(String url) throws Exception {
        Path script = Files.createTempFile("confluent_python_client", ".py");
        try (InputStream in = ConfluentPythonClientTest.class.getResourceAsStream("/registry/confluent_python_client.py")) {
            Files.write(script, in.readAllBytes());
        }
        try {
            Process p = new ProcessBuilder(PYTHON, script.toString(), url).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the client finished").isTrue();
            System.out.println("[it] confluent-kafka-python SchemaRegistryClient:\n" + out);
            assertThat(p.exitValue()).as("the client's exit status; its output:\n%s", out).isZero();
            Map<String, String> steps = new LinkedHashMap<>();
            for (String line : out.split("\n")) {
                int colon = line.indexOf(": ");
                if (colon > 0) {
                    steps.put(line.substring(0, colon), line.substring(colon + 2));
                }
            }
            return steps;
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
