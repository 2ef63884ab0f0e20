package io.ledgerline.schema.json;

import io.ledgerline.schema.InvalidSchemaException;
import io.ledgerline.schema.ParsedSchema;
import io.ledgerline.schema.PayloadValidator;
import io.ledgerline.schema.SchemaType;
import io.ledgerline.schema.Schemas;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing (drafts, canonical text, refusals) and payload validation of JSON Schema. */
class JsonSchemaFormatTest {
    static final int ID = 11;
    static final String PERSON = """
            {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0}},
             "required":["name"]}""";

    static ParsedSchema json(String text) throws InvalidSchemaException {
        return Schemas.parse(SchemaType.JSON, text, false);
    }

    @Test
    void jsonIsSupportedAndListedFirstAsConfluentListsThem() {
        assertThat(SchemaType.JSON.supported()).isTrue();
        assertThat(SchemaType.supportedNames()).containsExactly("JSON", "PROTOBUF", "AVRO");
    }

    @Test
    void everyDraftFromFourTo202012Parses() throws Exception {
        for (String draft : new String[] {"http://json-schema.org/draft-04/schema#", "http://json-schema.org/draft-06/schema#",
                "http://json-schema.org/draft-07/schema#", "https://json-schema.org/draft/2019-09/schema",
                "https://json-schema.org/draft/2020-12/schema", "http://json-schema.org/draft-07/schema"}) {
            ParsedSchema schema = json("{\"$schema\":\"" + draft + "\",\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}");
            assertThat(schema.type()).isEqualTo(SchemaType.JSON);
        }
        assertThat(json("true").canonical()).isEqualTo("true");
    }

    @Test
    void theCanonicalTextIgnoresWhitespaceAndNormalizeSortsKeys() throws Exception {
        String spaced = "{ \"type\" : \"object\",\n \"properties\" : { \"a\" : { \"type\" : \"string\" } } }";
        String reordered = "{\"properties\":{\"a\":{\"type\":\"string\"}},\"type\":\"object\"}";
        assertThat(json(spaced).canonical()).isEqualTo("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}");
        assertThat(json(spaced).canonical()).isNotEqualTo(json(reordered).canonical());
        assertThat(Schemas.parse(SchemaType.JSON, spaced, true).canonical())
                .isEqualTo(Schemas.parse(SchemaType.JSON, reordered, true).canonical());
        // A fixed point: the stored text parses to itself.
        String canonical = json(PERSON).canonical();
        assertThat(json(canonical).canonical()).isEqualTo(canonical);
    }

    @Test
    void invalidSchemasAreRefusedWithTheReason() {
        assertThatThrownBy(() -> json("{not json")).isInstanceOf(InvalidSchemaException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> json("[1]")).isInstanceOf(InvalidSchemaException.class).hasMessageContaining("object or a boolean");
        assertThatThrownBy(() -> json("{\"type\":\"strin\"}")).isInstanceOf(InvalidSchemaException.class)
                .hasMessageContaining("not a valid DRAFT_7 schema").hasMessageContaining("$.type");
        assertThatThrownBy(() -> json("{\"type\":\"string\",\"minLength\":-1}")).isInstanceOf(InvalidSchemaException.class)
                .hasMessageContaining("minLength");
        assertThatThrownBy(() -> json("{\"$schema\":\"http://example.com/my-draft\",\"type\":\"string\"}"))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("not a draft this registry knows");
        assertThatThrownBy(() -> json("{\"properties\":{\"a\":{\"$ref\":\"http://example.com/other.json\"}}}"))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("schema references");
        assertThatThrownBy(() -> Schemas.parse(SchemaType.JSON, " ", false)).hasMessage("Empty schema");
    }

    @Test
    void localReferencesParseAndValidate() throws Exception {
        ParsedSchema tree = json("""
                {"definitions":{"node":{"type":"object","properties":{"value":{"type":"integer"},
                 "next":{"$ref":"#/definitions/node"}},"required":["value"]}},"$ref":"#/definitions/node"}""");
        assertThat(validate(tree, "{\"value\":1,\"next\":{\"value\":2}}")).isEmpty();
        assertThat(validate(tree, "{\"value\":1,\"next\":{\"value\":\"two\"}}")).get().asString().contains("$.next.value");
    }

    // ---- payloads ----

    static byte[] wire(int id, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(id).put(body).array();
    }

    static Optional<String> validate(ParsedSchema schema, String document) {
        return PayloadValidator.validate(ByteBuffer.wrap(wire(ID, document)), id -> id == ID ? schema : null)
                .map(PayloadValidator.Failure::message);
    }

    @Test
    void aConformingDocumentPassesAndEachBrokenRuleIsNamedWithItsPath() throws Exception {
        ParsedSchema person = json(PERSON);
        assertThat(validate(person, "{\"name\":\"ada\",\"age\":36}")).isEmpty();
        assertThat(validate(person, "{\"name\":\"ada\",\"age\":\"old\"}")).get().asString()
                .contains("$.age").contains("rule 'type'").contains("schema id " + ID);
        assertThat(validate(person, "{\"name\":\"ada\",\"age\":-1}")).get().asString()
                .contains("$.age").contains("rule 'minimum'");
        assertThat(validate(person, "{\"age\":3}")).get().asString().contains("rule 'required'").contains("name");
        assertThat(validate(person, "[]")).get().asString().contains("rule 'type'");
    }

    @Test
    void bytesThatAreNotOneJsonDocumentFailWithTheReason() throws Exception {
        ParsedSchema person = json(PERSON);
        assertThat(validate(person, "{\"name\":\"ada\"} {}")).get().asString().contains("not one UTF-8 JSON document");
        assertThat(validate(person, "{\"name\":")).get().asString().contains("not one UTF-8 JSON document");
        assertThat(validate(person, "")).get().asString().contains("empty");
        byte[] latin1 = wire(ID, "{\"name\":\"x\"}");
        latin1[latin1.length - 3] = (byte) 0xE9; // a lone Latin-1 byte where UTF-8 needs a sequence
        assertThat(PayloadValidator.validate(ByteBuffer.wrap(latin1), id -> person)).get()
                .extracting(PayloadValidator.Failure::reason).isEqualTo(PayloadValidator.Reason.DOES_NOT_CONFORM);
    }

    @Test
    void everyTruncationOfAValidRecordFailsWithoutThrowing() throws Exception {
        ParsedSchema person = json(PERSON);
        byte[] valid = wire(ID, "{\"name\":\"ada\",\"age\":36}");
        assertThat(PayloadValidator.validate(ByteBuffer.wrap(valid), id -> person)).isEmpty();
        for (int length = 0; length < valid.length; length++) {
            byte[] truncated = Arrays.copyOf(valid, length);
            assertThat(PayloadValidator.validate(ByteBuffer.wrap(truncated), id -> person)).as("length %d", length).isPresent();
        }
    }

    @Test
    void aDirectBufferAndAnOffsetSliceValidateAlike() throws Exception {
        ParsedSchema person = json(PERSON);
        byte[] valid = wire(ID, "{\"name\":\"ada\"}");
        ByteBuffer direct = ByteBuffer.allocateDirect(valid.length).put(valid).flip();
        assertThat(PayloadValidator.validate(direct, id -> person)).isEmpty();
        byte[] padded = new byte[valid.length + 6];
        System.arraycopy(valid, 0, padded, 3, valid.length);
        ByteBuffer slice = ByteBuffer.wrap(padded, 3, valid.length).slice();
        assertThat(PayloadValidator.validate(slice, id -> person)).isEmpty();
    }

    @Test
    void twoSchemasWithOneIdValidateEachByItsOwnRules() throws Exception {
        ParsedSchema strings = json("{\"$id\":\"http://acme/x\",\"type\":\"string\"}");
        ParsedSchema numbers = json("{\"$id\":\"http://acme/x\",\"type\":\"number\"}");
        assertThat(validate(strings, "\"a\"")).isEmpty();
        assertThat(validate(numbers, "\"a\"")).isPresent();
        assertThat(validate(numbers, "1")).isEmpty();
    }
}
