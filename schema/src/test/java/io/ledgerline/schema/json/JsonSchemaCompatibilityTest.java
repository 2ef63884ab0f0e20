package io.ledgerline.schema.json;

import io.ledgerline.schema.Compatibility;
import io.ledgerline.schema.CompatibilityLevel;
import io.ledgerline.schema.InvalidSchemaException;
import io.ledgerline.schema.ParsedSchema;
import io.ledgerline.schema.SchemaType;
import io.ledgerline.schema.Schemas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Confluent's JSON Schema compatibility rules as a matrix: each evolution (old → new) with whether it is
 * BACKWARD compatible (the new schema accepts every document the old one did, by Confluent's rules) and
 * whether it is FORWARD compatible; every one of the seven levels is checked against that pair. The cases are
 * Confluent's documented ones (its diff-schema-examples: open, closed and partially open content models,
 * required properties, type narrowing and extension, enums, bounds).
 */
class JsonSchemaCompatibilityTest {
    static final String OPEN_A = obj("{\"a\":{\"type\":\"string\"}}", "");
    static final String CLOSED_A = obj("{\"a\":{\"type\":\"string\"}}", ",\"additionalProperties\":false");

    static String obj(String properties, String rest) {
        return "{\"type\":\"object\",\"properties\":" + properties + rest + "}";
    }

    static Stream<Arguments> evolutions() {
        return Stream.of(
                // name, old, new, backward, forward
                Arguments.of("optional property added to an open content model", OPEN_A,
                        obj("{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"string\"}}", ""), false, true),
                Arguments.of("property with the empty schema added to an open content model", OPEN_A,
                        obj("{\"a\":{\"type\":\"string\"},\"b\":{}}", ""), true, true),
                Arguments.of("optional property added to a closed content model", CLOSED_A,
                        obj("{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"string\"}}", ",\"additionalProperties\":false"),
                        true, false),
                Arguments.of("required property without default added to a closed content model", CLOSED_A,
                        obj("{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"string\"}}",
                                ",\"required\":[\"b\"],\"additionalProperties\":false"), false, false),
                Arguments.of("required property with a default added to a closed content model", CLOSED_A,
                        obj("{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"string\",\"default\":\"x\"}}",
                                ",\"required\":[\"b\"],\"additionalProperties\":false"), true, false),
                Arguments.of("property removed from an open content model", obj("{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"string\"}}", ""),
                        OPEN_A, true, false),
                Arguments.of("property removed from a closed content model",
                        obj("{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"string\"}}", ",\"additionalProperties\":false"),
                        CLOSED_A, false, true),
                Arguments.of("property added, covered by a partially open content model (additionalProperties schema)",
                        obj("{\"a\":{\"type\":\"string\"}}", ",\"additionalProperties\":{\"type\":\"string\"}"),
                        obj("{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"string\"}}", ",\"additionalProperties\":{\"type\":\"string\"}"),
                        true, true),
                Arguments.of("property added, not covered by a partially open content model",
                        obj("{\"a\":{\"type\":\"string\"}}", ",\"additionalProperties\":{\"type\":\"string\"}"),
                        obj("{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"integer\"}}", ",\"additionalProperties\":{\"type\":\"string\"}"),
                        false, false),
                Arguments.of("property added, covered by patternProperties",
                        obj("{}", ",\"patternProperties\":{\"^s_\":{\"type\":\"string\"}},\"additionalProperties\":false"),
                        obj("{\"s_name\":{\"type\":\"string\"}}", ",\"patternProperties\":{\"^s_\":{\"type\":\"string\"}},\"additionalProperties\":false"),
                        true, true),
                Arguments.of("required added to an existing property", OPEN_A,
                        obj("{\"a\":{\"type\":\"string\"}}", ",\"required\":[\"a\"]"), false, true),
                Arguments.of("additionalProperties false removed (closed to open)", CLOSED_A, OPEN_A, true, false),
                Arguments.of("type extended: integer to number", "{\"type\":\"integer\"}", "{\"type\":\"number\"}", true, false),
                Arguments.of("type extended: string to string or null", "{\"type\":\"string\"}",
                        "{\"type\":[\"string\",\"null\"]}", true, false),
                Arguments.of("type extended by oneOf", "{\"type\":\"string\"}",
                        "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", true, false),
                Arguments.of("type changed: string to integer", "{\"type\":\"string\"}", "{\"type\":\"integer\"}", false, false),
                Arguments.of("property type changed inside an object", OPEN_A,
                        obj("{\"a\":{\"type\":\"boolean\"}}", ""), false, false),
                Arguments.of("enum extended", "{\"type\":\"string\",\"enum\":[\"red\",\"green\"]}",
                        "{\"type\":\"string\",\"enum\":[\"red\",\"green\",\"blue\"]}", true, false),
                Arguments.of("enum changed", "{\"enum\":[\"red\",\"green\"]}", "{\"enum\":[\"red\",\"blue\"]}", false, false),
                Arguments.of("maxLength increased", "{\"type\":\"string\",\"maxLength\":5}",
                        "{\"type\":\"string\",\"maxLength\":10}", true, false),
                Arguments.of("minLength added", "{\"type\":\"string\"}", "{\"type\":\"string\",\"minLength\":1}", false, true),
                Arguments.of("maximum removed", "{\"type\":\"number\",\"maximum\":10}", "{\"type\":\"number\"}", true, false),
                Arguments.of("minimum increased", "{\"type\":\"number\",\"minimum\":0}",
                        "{\"type\":\"number\",\"minimum\":1}", false, true),
                Arguments.of("exclusiveMaximum decreased", "{\"type\":\"number\",\"exclusiveMaximum\":10}",
                        "{\"type\":\"number\",\"exclusiveMaximum\":5}", false, true),
                Arguments.of("multipleOf reduced (10 to 5)", "{\"type\":\"integer\",\"multipleOf\":10}",
                        "{\"type\":\"integer\",\"multipleOf\":5}", true, false),
                Arguments.of("array items narrowed: number to integer", "{\"type\":\"array\",\"items\":{\"type\":\"number\"}}",
                        "{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}", false, true),
                Arguments.of("maxItems added", "{\"type\":\"array\"}", "{\"type\":\"array\",\"maxItems\":3}", false, true),
                Arguments.of("2020-12 tuple item added to a closed array",
                        "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"array\","
                                + "\"prefixItems\":[{\"type\":\"string\"}],\"items\":false}",
                        "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"array\","
                                + "\"prefixItems\":[{\"type\":\"string\"},{\"type\":\"integer\"}],\"items\":false}",
                        true, false),
                Arguments.of("anything changes to the empty schema", OPEN_A, "{}", true, false),
                Arguments.of("a change inside a local reference",
                        "{\"definitions\":{\"id\":{\"type\":\"integer\"}},\"type\":\"object\",\"properties\":{\"id\":{\"$ref\":\"#/definitions/id\"}}}",
                        "{\"definitions\":{\"id\":{\"type\":\"string\"}},\"type\":\"object\",\"properties\":{\"id\":{\"$ref\":\"#/definitions/id\"}}}",
                        false, false),
                Arguments.of("a recursive schema against itself with one bound relaxed",
                        "{\"definitions\":{\"n\":{\"type\":\"object\",\"properties\":{\"v\":{\"type\":\"string\",\"maxLength\":3},"
                                + "\"next\":{\"$ref\":\"#/definitions/n\"}}}},\"$ref\":\"#/definitions/n\"}",
                        "{\"definitions\":{\"n\":{\"type\":\"object\",\"properties\":{\"v\":{\"type\":\"string\",\"maxLength\":9},"
                                + "\"next\":{\"$ref\":\"#/definitions/n\"}}}},\"$ref\":\"#/definitions/n\"}",
                        true, false));
    }

    static ParsedSchema json(String text) throws InvalidSchemaException {
        return Schemas.parse(SchemaType.JSON, text, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("evolutions")
    void everyLevelAnswersByTheDirectionsItNeeds(String name, String old, String updated, boolean backward,
                                                 boolean forward) throws Exception {
        for (CompatibilityLevel level : CompatibilityLevel.values()) {
            boolean expected = (!level.backward || backward) && (!level.forward || forward);
            List<String> messages = Compatibility.check(level, json(updated), List.of(json(old)));
            assertThat(messages.isEmpty()).as("%s under %s: %s", name, level, messages).isEqualTo(expected);
        }
    }

    @Test
    void anOptionalPropertyAddedToAnOpenContentModelIsNotBackwardCompatibleAndTheMessageSaysWhy() throws Exception {
        List<String> messages = Compatibility.check(CompatibilityLevel.BACKWARD,
                json(obj("{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"string\"}}", "")), List.of(json(OPEN_A)));
        assertThat(messages).singleElement().asString()
                .contains("errorType:'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'")
                .contains("#/properties/b").contains("new schema").contains("open").contains("compatibility:'BACKWARD'");
    }

    @Test
    void anEnumNarrowedIsNamedAtItsPath() throws Exception {
        List<String> messages = Compatibility.check(CompatibilityLevel.BACKWARD,
                json("{\"type\":\"string\",\"enum\":[\"a\"]}"), List.of(json("{\"type\":\"string\",\"enum\":[\"a\",\"b\"]}")));
        assertThat(messages).singleElement().asString().contains("ENUM_ARRAY_NARROWED").contains("#/enum");
    }

    @Test
    void transitiveLevelsCheckEveryEarlierVersion() throws Exception {
        // v2 makes a required with a default (compatible), v3 drops the default: fine against v2, not against v1.
        ParsedSchema v1 = json(obj("{\"a\":{\"type\":\"string\"}}", ",\"additionalProperties\":false"));
        ParsedSchema v2 = json(obj("{\"a\":{\"type\":\"string\",\"default\":\"x\"}}", ",\"required\":[\"a\"],\"additionalProperties\":false"));
        ParsedSchema v3 = json(obj("{\"a\":{\"type\":\"string\"}}", ",\"required\":[\"a\"],\"additionalProperties\":false"));
        assertThat(Compatibility.check(CompatibilityLevel.BACKWARD, v2, List.of(v1))).isEmpty();
        assertThat(Compatibility.check(CompatibilityLevel.BACKWARD, v3, List.of(v1, v2))).isEmpty();
        assertThat(Compatibility.check(CompatibilityLevel.BACKWARD_TRANSITIVE, v3, List.of(v1, v2))).singleElement()
                .asString().contains("REQUIRED_ATTRIBUTE_ADDED");
    }

    @Test
    void aSchemaOfAnotherTypeIsNeverCompatible() throws Exception {
        ParsedSchema avro = Schemas.parse(SchemaType.AVRO, "\"string\"", false);
        assertThat(Compatibility.check(CompatibilityLevel.BACKWARD, json("{\"type\":\"string\"}"), List.of(avro)))
                .singleElement().asString().contains("SCHEMA_TYPE_CHANGED");
        assertThat(Compatibility.check(CompatibilityLevel.NONE, json("{\"type\":\"string\"}"), List.of(avro))).isEmpty();
    }
}
