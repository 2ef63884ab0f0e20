package io.ledgerline.registry;

import io.ledgerline.schema.PayloadValidator;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static io.ledgerline.registry.RegistryRestTest.assertError;
import static io.ledgerline.registry.RestClient.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * JSON Schema through the REST API (in-memory record log, as RegistryRestTest): registration with
 * {@code schemaType: JSON}, 42201 for an invalid schema, 409/40901 for an incompatible one by Confluent's
 * rules, the level deciding, and the registered schema validating payloads through {@link Registry#schemaById}.
 */
class JsonSchemaRestTest extends RegistryOverHttp {
    static final String OPEN = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}},\"required\":[\"id\"]}";
    /** An optional property added to an open content model: not BACKWARD compatible (Confluent's rule). */
    static final String OPEN_PLUS_NOTE = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
            + "\"note\":{\"type\":\"string\"}},\"required\":[\"id\"]}";

    int registerJson(String subject, String schema) {
        RestClient.Answer a = rest.post("/subjects/" + subject + "/versions", schemaBody(schema, "JSON"));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.json().get("id").asInt();
    }

    static String closed(String schema) {
        return schema.substring(0, schema.length() - 1) + ",\"additionalProperties\":false}";
    }

    @Test
    void aJsonSchemaRegistersIsServedWithItsTypeAndIsFoundAgain() {
        int id = registerJson("people-value", OPEN);
        assertThat(registerJson("people-value", OPEN.replace(",", " ,\n "))).as("whitespace does not matter").isEqualTo(id);
        assertThat(rest.post("/subjects/people-value/versions", schemaBody(OPEN, "json")).json().get("id").asInt())
                .as("the type name is case-insensitive").isEqualTo(id);

        RestClient.Answer v = rest.get("/subjects/people-value/versions/latest");
        assertThat(v.json().get("schemaType").asText()).isEqualTo("JSON");
        assertThat(v.json().get("schema").asText()).isEqualTo(OPEN);
        assertThat(rest.get("/schemas/ids/" + id).json().get("schemaType").asText()).isEqualTo("JSON");

        RestClient.Answer found = rest.post("/subjects/people-value", schemaBody(OPEN, "JSON"));
        assertThat(found.status()).as(found.body()).isEqualTo(200);
        assertThat(found.json().get("id").asInt()).isEqualTo(id);
        assertError(rest.post("/subjects/people-value", schemaBody("\"string\"")), 404, 40403);
        assertThat(rest.get("/schemas/types").body()).isEqualTo("[\"JSON\",\"PROTOBUF\",\"AVRO\"]");
    }

    @Test
    void anInvalidJsonSchemaIs42201WithTheParsersReason() {
        RestClient.Answer typo = rest.post("/subjects/s/versions", schemaBody("{\"type\":\"strng\"}", "JSON"));
        assertError(typo, 422, 42201);
        assertThat(typo.json().get("message").asText()).contains("$.type");
        assertError(rest.post("/subjects/s/versions", schemaBody("{\"type\":", "JSON")), 422, 42201);
        assertError(rest.post("/subjects/s/versions", schemaBody("{\"$ref\":\"https://example.com/x.json\"}", "JSON")), 422, 42201);
        assertError(rest.post("/compatibility/subjects/s/versions/latest", schemaBody("[]", "JSON")), 422, 42201);
        assertThat(rest.get("/subjects").body()).as("nothing registered").isEqualTo("[]");
    }

    @Test
    void anIncompatibleEvolutionIs409AndTheLevelDecides() {
        registerJson("s", OPEN);
        RestClient.Answer refused = rest.post("/subjects/s/versions", schemaBody(OPEN_PLUS_NOTE, "JSON"));
        assertError(refused, 409, 40901);
        assertThat(refused.json().get("message").asText()).contains("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL")
                .contains("#/properties/note");
        assertThat(rest.get("/subjects/s/versions").body()).as("nothing registered").isEqualTo("[1]");

        RestClient.Answer verbose = rest.post("/compatibility/subjects/s/versions/latest?verbose=true",
                schemaBody(OPEN_PLUS_NOTE, "JSON"));
        assertThat(verbose.json().get("is_compatible").asBoolean()).isFalse();
        assertThat(verbose.json().get("messages").get(0).asText()).contains("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL");

        // FORWARD: the old schema reads what the new one writes, so the addition is fine.
        assertThat(rest.put("/config/s", "{\"compatibility\":\"FORWARD\"}").status()).isEqualTo(200);
        registerJson("s", OPEN_PLUS_NOTE);
        assertThat(rest.get("/subjects/s/versions").body()).isEqualTo("[1,2]");
    }

    @Test
    void aClosedContentModelTakesAnOptionalPropertyUnderBackward() {
        registerJson("c", closed(OPEN));
        registerJson("c", closed(OPEN_PLUS_NOTE));
        assertThat(rest.get("/subjects/c/versions").body()).isEqualTo("[1,2]");
        // ...and an Avro schema after a JSON one is never compatible.
        assertError(rest.post("/subjects/c/versions", schemaBody("\"string\"")), 409, 40901);
    }

    @Test
    void aRegisteredJsonSchemaValidatesPayloadsAndSurvivesARestart() throws Exception {
        int id = registerJson("p", OPEN);
        byte[] good = wire(id, "{\"id\":7}");
        byte[] bad = wire(id, "{\"id\":\"seven\"}");
        assertThat(PayloadValidator.validate(ByteBuffer.wrap(good), i -> registry.schemaById(i).orElse(null))).isEmpty();
        assertThat(PayloadValidator.validate(ByteBuffer.wrap(bad), i -> registry.schemaById(i).orElse(null)))
                .get().extracting(PayloadValidator.Failure::message).asString().contains("$.id").contains("rule 'type'");
        try (Registry restarted = Registry.start(log.copy())) {
            assertThat(restarted.digest()).isEqualTo(registry.digest());
            assertThat(restarted.register("p", "JSON", OPEN, false)).as("the same id after a replay").isEqualTo(id);
            assertThat(PayloadValidator.validate(ByteBuffer.wrap(bad), i -> restarted.schemaById(i).orElse(null))).isPresent();
        }
    }

    static byte[] wire(int id, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(id).put(body).array();
    }
}
