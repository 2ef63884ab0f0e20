package io.ledgerline.schema;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Avro evolutions under each level: which must pass and which must fail. */
class CompatibilityMatrixTest {
    static final String V1 = rec("{\"name\":\"a\",\"type\":\"int\"}");
    static final String ADD_WITH_DEFAULT = rec("{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\",\"default\":\"\"}");
    static final String ADD_WITHOUT_DEFAULT = rec("{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\"}");
    static final String REMOVE_A = rec("");
    static final String A_LONG = rec("{\"name\":\"a\",\"type\":\"long\"}");
    static final String A_STRING = rec("{\"name\":\"a\",\"type\":\"string\"}");

    static String rec(String fields) {
        return "{\"type\":\"record\",\"name\":\"R\",\"fields\":[" + fields + "]}";
    }

    static ParsedSchema avro(String text) throws InvalidSchemaException {
        return Schemas.parse(SchemaType.AVRO, text, false);
    }

    static boolean compatible(CompatibilityLevel level, String candidate, String... earlier) throws Exception {
        List<ParsedSchema> previous = new java.util.ArrayList<>();
        for (String e : earlier) {
            previous.add(avro(e));
        }
        return Compatibility.check(level, avro(candidate), previous).isEmpty();
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource({
            // evolution,            BACKWARD, FORWARD, FULL, NONE
            "ADD_WITH_DEFAULT,        true,     true,    true, true",
            "ADD_WITHOUT_DEFAULT,     false,    true,    false, true",
            // removing a field without default: the old reader misses it (FORWARD fails); new reads old fine
            "REMOVE_A,                true,     false,   false, true",
            // int -> long promotes for a new reader; an old int reader cannot read long
            "A_LONG,                  true,     false,   false, true",
            "A_STRING,                false,    false,   false, true",
    })
    void evolutionOfV1(String evolution, boolean backward, boolean forward, boolean full, boolean none) throws Exception {
        String candidate = (String) CompatibilityMatrixTest.class.getDeclaredField(evolution).get(null);
        assertThat(compatible(CompatibilityLevel.BACKWARD, candidate, V1)).as("BACKWARD").isEqualTo(backward);
        assertThat(compatible(CompatibilityLevel.FORWARD, candidate, V1)).as("FORWARD").isEqualTo(forward);
        assertThat(compatible(CompatibilityLevel.FULL, candidate, V1)).as("FULL").isEqualTo(full);
        assertThat(compatible(CompatibilityLevel.NONE, candidate, V1)).as("NONE").isEqualTo(none);
        assertThat(compatible(CompatibilityLevel.BACKWARD_TRANSITIVE, candidate, V1)).isEqualTo(backward);
        assertThat(compatible(CompatibilityLevel.FORWARD_TRANSITIVE, candidate, V1)).isEqualTo(forward);
        assertThat(compatible(CompatibilityLevel.FULL_TRANSITIVE, candidate, V1)).isEqualTo(full);
    }

    @Test
    void enumSymbolsMayBeAddedBackwardButNotForwardWithoutADefault() throws Exception {
        String ab = "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}";
        String abc = "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\",\"C\"]}";
        assertThat(compatible(CompatibilityLevel.BACKWARD, abc, ab)).isTrue();
        assertThat(compatible(CompatibilityLevel.FORWARD, abc, ab)).isFalse();
        String abWithDefault = "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"],\"default\":\"A\"}";
        assertThat(compatible(CompatibilityLevel.FORWARD, abc, abWithDefault)).isTrue();
    }

    @Test
    void transitiveLevelsCheckEveryEarlierVersionTheOthersOnlyTheLatest() throws Exception {
        // v1 {a:int}, v2 {} (removing a is BACKWARD), v3 {a:string}: BACKWARD against v2 (reads nothing of it,
        // a has no default -> fails)... so use a default to make v3 compatible with v2 but not with v1.
        String v2 = REMOVE_A;
        String v3 = rec("{\"name\":\"a\",\"type\":\"string\",\"default\":\"x\"}");
        assertThat(compatible(CompatibilityLevel.BACKWARD, v3, V1, v2)).isTrue();
        assertThat(compatible(CompatibilityLevel.BACKWARD_TRANSITIVE, v3, V1, v2)).isFalse();
    }

    @Test
    void anIncompatibilityNamesTheFieldAndTheRule() throws Exception {
        List<String> messages = Compatibility.check(CompatibilityLevel.BACKWARD, avro(ADD_WITHOUT_DEFAULT), List.of(avro(V1)));
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0)).isEqualTo("{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field"
                + " 'b' at path '/fields/1' in the new schema has no default value and is missing in the old schema',"
                + " additionalInfo:'b', compatibility:'BACKWARD'}");
        List<String> forward = Compatibility.check(CompatibilityLevel.FORWARD, avro(A_LONG), List.of(avro(V1)));
        assertThat(forward).singleElement().asString().contains("TYPE_MISMATCH").contains("in the old schema does not"
                + " match with the new schema");
    }
}
