package io.ledgerline.schema.protobuf;

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
 * Confluent's Protobuf compatibility rules as a matrix: each evolution (old → new) with whether it is BACKWARD
 * compatible (Confluent's diff from old to new has only compatible changes) and FORWARD compatible (from new to
 * old); every one of the seven levels is checked against that pair. The cases follow Confluent's
 * diff-schema-examples: fields added and removed, required fields, scalar kinds, labels, message types, oneofs,
 * enums, packages, field number reuse.
 */
class ProtobufCompatibilityTest {
    static String p3(String body) {
        return "syntax = \"proto3\";\npackage acme;\n" + body;
    }

    static String p2(String body) {
        return "syntax = \"proto2\";\npackage acme;\n" + body;
    }

    static final String BASE = p3("message M { string a = 1; int32 b = 2; }");

    static Stream<Arguments> evolutions() {
        return Stream.of(
                // name, old, new, backward, forward
                Arguments.of("field added", BASE, p3("message M { string a = 1; int32 b = 2; bool c = 3; }"), true, true),
                Arguments.of("field removed", BASE, p3("message M { string a = 1; }"), true, true),
                Arguments.of("field renamed, same number", BASE, p3("message M { string a = 1; int32 bee = 2; }"), true, true),
                Arguments.of("required field added (proto2)", p2("message M { optional string a = 1; }"),
                        p2("message M { optional string a = 1; required int32 b = 2; }"), false, false),
                Arguments.of("int32 to int64 (same scalar group)", BASE, p3("message M { string a = 1; int64 b = 2; }"), true, true),
                Arguments.of("int32 to sint32 (another group)", BASE, p3("message M { string a = 1; sint32 b = 2; }"), false, false),
                Arguments.of("string to bytes", BASE, p3("message M { bytes a = 1; int32 b = 2; }"), true, true),
                Arguments.of("field number reused with another type", BASE, p3("message M { string a = 1; string b = 2; }"), false, false),
                Arguments.of("scalar to message", BASE, p3("message M { string a = 1; N b = 2; } message N { }"), false, false),
                Arguments.of("numeric label changed: optional to repeated (proto2)",
                        p2("message M { optional int32 b = 2; }"), p2("message M { repeated int32 b = 2; }"), false, false),
                Arguments.of("string label changed: optional to repeated (proto2)",
                        p2("message M { optional string b = 2; }"), p2("message M { repeated string b = 2; }"), true, true),
                Arguments.of("enum constant added", p3("message M { E e = 1; } enum E { A = 0; }"),
                        p3("message M { E e = 1; } enum E { A = 0; B = 1; }"), true, true),
                Arguments.of("enum to int32 (same scalar group)", p3("message M { E e = 1; } enum E { A = 0; }"),
                        p3("message M { int32 e = 1; } enum E { A = 0; }"), true, true),
                Arguments.of("message added", BASE, p3("message M { string a = 1; int32 b = 2; } message N { }"), true, false),
                Arguments.of("message field type renamed", p3("message M { N n = 1; } message N { }"),
                        p3("message M { O n = 1; } message O { }"), false, false),
                Arguments.of("change inside a nested message type", p3("message M { N n = 1; } message N { int32 x = 1; }"),
                        p3("message M { N n = 1; } message N { string x = 1; }"), false, false),
                Arguments.of("package changed", BASE, "syntax = \"proto3\";\npackage other;\nmessage M { string a = 1; int32 b = 2; }",
                        false, false),
                Arguments.of("field moved into a new oneof", BASE, p3("message M { oneof o { string a = 1; } int32 b = 2; }"), true, true),
                Arguments.of("two fields moved into one oneof", BASE, p3("message M { oneof o { string a = 1; int32 b = 2; } }"),
                        false, true),
                Arguments.of("oneof member removed", p3("message M { oneof o { string a = 1; int32 b = 2; } }"),
                        p3("message M { oneof o { string a = 1; } }"), false, true),
                Arguments.of("whole oneof removed", p3("message M { int32 x = 9; oneof o { string a = 1; int32 b = 2; } }"),
                        p3("message M { int32 x = 9; }"), true, true),
                Arguments.of("map value type changed", p3("message M { map<string, int32> m = 1; }"),
                        p3("message M { map<string, string> m = 1; }"), false, false),
                Arguments.of("messages reordered", p3("message M { } message N { }"), p3("message N { } message M { }"), true, true));
    }

    static ParsedSchema proto(String text) throws InvalidSchemaException {
        return Schemas.parse(SchemaType.PROTOBUF, text, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("evolutions")
    void everyLevelAnswersByTheDirectionsItNeeds(String name, String old, String updated, boolean backward,
                                                 boolean forward) throws Exception {
        for (CompatibilityLevel level : CompatibilityLevel.values()) {
            boolean expected = (!level.backward || backward) && (!level.forward || forward);
            List<String> messages = Compatibility.check(level, proto(updated), List.of(proto(old)));
            assertThat(messages.isEmpty()).as("%s under %s: %s", name, level, messages).isEqualTo(expected);
        }
    }

    @Test
    void aReusedFieldNumberIsNamedAtConfluentsPath() throws Exception {
        List<String> messages = Compatibility.check(CompatibilityLevel.BACKWARD,
                proto(p3("message M { string a = 1; string b = 2; }")), List.of(proto(BASE)));
        assertThat(messages).singleElement().asString().contains("errorType:'FIELD_SCALAR_KIND_CHANGED'")
                .contains("#/M/2").contains("new schema").contains("compatibility:'BACKWARD'");
    }

    @Test
    void transitiveLevelsCheckEveryEarlierVersion() throws Exception {
        // v1 int32, v2 drops the field, v3 reuses number 2 as a string: fine against v2, not against v1.
        ParsedSchema v1 = proto(BASE);
        ParsedSchema v2 = proto(p3("message M { string a = 1; }"));
        ParsedSchema v3 = proto(p3("message M { string a = 1; string b = 2; }"));
        assertThat(Compatibility.check(CompatibilityLevel.BACKWARD, v3, List.of(v1, v2))).isEmpty();
        assertThat(Compatibility.check(CompatibilityLevel.BACKWARD_TRANSITIVE, v3, List.of(v1, v2))).singleElement()
                .asString().contains("FIELD_SCALAR_KIND_CHANGED");
        assertThat(Compatibility.check(CompatibilityLevel.FULL_TRANSITIVE, v3, List.of(v1, v2))).hasSize(2);
    }

    @Test
    void aRecursiveMessageIsComparedOnce() throws Exception {
        ParsedSchema old = proto(p3("message Node { int32 v = 1; Node next = 2; }"));
        ParsedSchema updated = proto(p3("message Node { int64 v = 1; Node next = 2; string label = 3; }"));
        assertThat(Compatibility.check(CompatibilityLevel.FULL, updated, List.of(old))).isEmpty();
    }
}
