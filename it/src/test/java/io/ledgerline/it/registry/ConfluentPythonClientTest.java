package io.ledgerline.it.registry;

import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBrokerTest;
import io.ledgerline.registry.Registry;
import io.ledgerline.registry.RegistryServer;
import io.ledgerline.registry.store.KafkaRecordLog;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
        Path dir = Files.createTempDirectory("confluent-python-client");
        try {
            Path script = ClientScript.copy("confluent_python_client.py", dir);
            return ClientScript.steps(ClientScript.run(List.of(PYTHON, script.toString(), url), dir.toFile()));
        } finally {
            Files.deleteIfExists(dir.resolve("confluent_python_client.py"));
            Files.deleteIfExists(dir);
        }
    }
}
