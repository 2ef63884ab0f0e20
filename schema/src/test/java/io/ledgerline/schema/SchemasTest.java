package io.ledgerline.schema;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemasTest {
    static final String USER = """
            {"type":"record","name":"User","namespace":"acme","fields":[{"name":"id","type":"long"}]}""";

    @Test
    void whitespaceAndNamespaceSpellingDoNotChangeTheCanonicalText() throws Exception {
        String spaced = """
                { "namespace" : "acme", "name" : "User", "type" : "record",
                  "fields" : [ { "type" : "long", "name" : "id" } ] }""";
        String fullName = """
                {"type":"record","name":"acme.User","fields":[{"name":"id","type":"long"}]}""";
        String canonical = Schemas.parse(SchemaType.AVRO, USER, false).canonical();
        assertThat(Schemas.parse(SchemaType.AVRO, spaced, false).canonical()).isEqualTo(canonical);
        assertThat(Schemas.parse(SchemaType.AVRO, fullName, false).canonical()).isEqualTo(canonical);
    }

    @Test
    void normalizeSortsCustomPropertiesSoTheirOrderDoesNotMatter() throws Exception {
        String ab = """
                {"type":"record","name":"R","a":1,"b":2,"fields":[{"name":"f","type":"int"}]}""";
        String ba = """
                {"type":"record","name":"R","b":2,"a":1,"fields":[{"name":"f","type":"int"}]}""";
        assertThat(Schemas.parse(SchemaType.AVRO, ab, false).canonical())
                .isNotEqualTo(Schemas.parse(SchemaType.AVRO, ba, false).canonical());
        assertThat(Schemas.parse(SchemaType.AVRO, ab, true).canonical())
                .isEqualTo(Schemas.parse(SchemaType.AVRO, ba, true).canonical());
    }

    @Test
    void primitiveSchemasParse() throws Exception {
        assertThat(Schemas.parse(SchemaType.AVRO, "\"string\"", false).canonical()).isEqualTo("\"string\"");
    }

    @Test
    void invalidTextIsRefusedWithTheParsersMessage() {
        assertThatThrownBy(() -> Schemas.parse(SchemaType.AVRO, "{\"type\":\"record\",\"name\":\"R\"}", false))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("fields");
        assertThatThrownBy(() -> Schemas.parse(SchemaType.AVRO, "{not json", false))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("Invalid schema");
        assertThatThrownBy(() -> Schemas.parse(SchemaType.AVRO, "\"nosuchtype\"", false))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("nosuchtype");
        assertThatThrownBy(() -> Schemas.parse(SchemaType.AVRO, "  ", false))
                .isInstanceOf(InvalidSchemaException.class).hasMessage("Empty schema");
    }

    @Test
    void aDefaultOfTheWrongTypeIsRefused() {
        assertThatThrownBy(() -> Schemas.parse(SchemaType.AVRO, """
                {"type":"record","name":"R","fields":[{"name":"f","type":"int","default":"x"}]}""", false))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("default");
    }

    @Test
    void everyTypeOfTheApiIsSupportedAndABlankSchemaIsRefused() {
        for (SchemaType type : SchemaType.values()) {
            assertThat(type.supported()).as(type.name()).isTrue();
            assertThatThrownBy(() -> Schemas.parse(type, " ", false)).isInstanceOf(InvalidSchemaException.class)
                    .hasMessageContaining("Empty schema");
        }
    }

    @Test
    void typeNamesAreCaseInsensitiveAndNullMeansAvro() {
        assertThat(SchemaType.named(null)).contains(SchemaType.AVRO);
        assertThat(SchemaType.named("json")).contains(SchemaType.JSON);
        assertThat(SchemaType.named("XML")).isEmpty();
        assertThat(CompatibilityLevel.named("full_transitive")).contains(CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(CompatibilityLevel.named("sideways")).isEmpty();
    }
}
