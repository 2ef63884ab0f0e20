package io.ledgerline.it.registry;

import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBrokerTest;
import io.ledgerline.registry.Registry;
import io.ledgerline.registry.RegistryServer;
import io.ledgerline.registry.store.KafkaRecordLog;
import io.ledgerline.schema.PayloadValidator;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client nobody here wrote: {@code @kafkajs/confluent-schema-registry} 4.1.0 (npm, installed by this test into
 * {@code it/target/npm} on first run) registers Avro schemas, encodes and decodes a record through the registry
 * over the shared broker; the bytes it encodes pass Ledgerline's {@link PayloadValidator}, and a truncated copy
 * fails it.
 */
class KafkajsRegistryClientTest extends SharedBrokerTest {
    static final String PACKAGE = "@kafkajs/confluent-schema-registry@4.1.0";
    static final Path NPM_DIR = Path.of("target", "npm").toAbsolutePath();

    @Test
    void registerEncodeDecodeAndTheEncodedBytesValidate() throws Exception {
        Path script = install();
        String topic = Clients.uniqueTopic("_schemas-kafkajs");
        try (Registry registry = Registry.start(new KafkaRecordLog(broker.bootstrapServers(), topic, Duration.ofSeconds(30)));
             RegistryServer server = RegistryServer.start(registry, "127.0.0.1", 0)) {
            Map<String, String> steps = ClientScript.steps(ClientScript.run(
                    List.of("node", script.toString(), "http://127.0.0.1:" + server.port()), NPM_DIR.toFile()));
            assertThat(steps).containsEntry("register v1", "1").containsEntry("register v2", "2")
                    .containsEntry("latest id", "2").containsEntry("id of version 1", "1")
                    .containsEntry("decode", "{\"id\":42,\"item\":\"tea\"}");
            assertThat(steps.get("register breaking")).startsWith("error 409").contains("incompatible");
            assertThat(steps.get("schema of id 1")).contains("Order");

            byte[] encoded = Base64.getDecoder().decode(steps.get("encode"));
            assertThat(encoded[0]).as("magic byte").isZero();
            assertThat(PayloadValidator.validate(ByteBuffer.wrap(encoded), id -> registry.schemaById(id).orElse(null)))
                    .as("the client's bytes are a valid record of schema 1").isEmpty();
            byte[] truncated = Arrays.copyOf(encoded, encoded.length - 1);
            assertThat(PayloadValidator.validate(ByteBuffer.wrap(truncated), id -> registry.schemaById(id).orElse(null)))
                    .get().extracting(PayloadValidator.Failure::reason).isEqualTo(PayloadValidator.Reason.DOES_NOT_CONFORM);
        }
    }

    /** Installs the client (once per build directory) and places the script beside its node_modules. */
    static Path install() throws Exception {
        Files.createDirectories(NPM_DIR);
        if (!Files.isDirectory(NPM_DIR.resolve("node_modules/@kafkajs/confluent-schema-registry"))) {
            ClientScript.run(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", NPM_DIR.toString(), PACKAGE),
                    NPM_DIR.toFile());
        }
        return ClientScript.copy("kafkajs_client.js", NPM_DIR);
    }
}
