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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Serializers nobody here wrote: confluent-kafka-python's {@code ProtobufSerializer} and
 * {@code ProtobufDeserializer} (Debian {@code python3-confluent-kafka} 1.7 with {@code python3-protobuf}; .ci/run
 * installs both) register a Protobuf file through the registry as a base64 {@code FileDescriptorProto}, encode
 * a top-level message (the [0] shortcut), a second one and a nested one (message indexes in 1.7's unsigned
 * encoding) and decode them again; the bytes they wrote pass {@link PayloadValidator} against the registered
 * schema and a truncated copy fails; a file importing another is registered with the import as a schema
 * reference (the serializer registers the imported file first) and its bytes validate too; a breaking evolution is 409/40901 and an invalid schema 422/42201.
 */
class ConfluentPythonProtobufTest extends SharedBrokerTest {
    @Test
    void protobufSerializerRegistersEncodesAndItsBytesValidate() throws Exception {
        String topic = Clients.uniqueTopic("_schemas-python-protobuf");
        try (Registry registry = Registry.start(new KafkaRecordLog(broker.bootstrapServers(), topic, Duration.ofSeconds(30)));
             RegistryServer server = RegistryServer.start(registry, "127.0.0.1", 0)) {
            Map<String, String> steps = run("http://127.0.0.1:" + server.port());
            assertThat(steps).containsEntry("order decoded", "X-1")
                    .containsEntry("subjects", "['lines-value', 'orders-value', 'refunds-value']")
                    .containsEntry("invoice references", "[('common/money.proto', 'common/money.proto', 1)]")
                    .containsEntry("schema type", "PROTOBUF")
                    .containsEntry("register breaking", "error 409 40901")
                    .containsEntry("compatible breaking", "False")
                    .containsEntry("invalid", "error 422 42201");
            assertThat(registry.schemaById(Integer.parseInt(steps.get("order id")))).get().satisfies(s ->
                    assertThat(s.canonical()).contains("message Order").contains("repeated .shop.Order.Line lines = 2;"));
            for (String step : List.of("order bytes", "refund bytes", "line bytes", "invoice bytes")) {
                byte[] bytes = HexFormat.of().parseHex(steps.get(step));
                assertThat(PayloadValidator.validate(ByteBuffer.wrap(bytes), id -> registry.schemaById(id).orElse(null)))
                        .as(step).isEmpty();
                byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 1);
                assertThat(PayloadValidator.validate(ByteBuffer.wrap(truncated), id -> registry.schemaById(id).orElse(null)))
                        .as("%s truncated", step).isPresent();
            }
            // The nested Order.Line is named by the indexes [0, 0] (older encoding: count 2, 0, 0).
            assertThat(steps.get("line bytes").substring(10, 16)).isEqualTo("020000");
        }
    }

    static Map<String, String> run(String url) throws Exception {
        Path dir = Files.createTempDirectory("confluent-python-protobuf");
        try {
            Path script = ClientScript.copy("confluent_python_protobuf.py", dir);
            return ClientScript.steps(ClientScript.run(List.of(ConfluentPythonClientTest.PYTHON, script.toString(), url),
                    dir.toFile()));
        } finally {
            Files.deleteIfExists(dir.resolve("confluent_python_protobuf.py"));
            Files.deleteIfExists(dir);
        }
    }
}
