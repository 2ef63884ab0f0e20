package io.ledgerline.registry;

import io.ledgerline.schema.PayloadValidator;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Base64;

import static io.ledgerline.registry.RegistryRestTest.assertError;
import static io.ledgerline.registry.RestClient.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Protobuf through the REST API (in-memory record log, as RegistryRestTest): registration with
 * {@code schemaType: PROTOBUF} as {@code .proto} text and as a base64 {@code FileDescriptorProto}, lookup,
 * 42201 with the parser's position, 409/40901 by Confluent's Protobuf rules and the level deciding, and the
 * registered schema validating payloads (message indexes included) through {@link Registry#schemaById}.
 */
class ProtobufRestTest extends RegistryOverHttp {
    static final String V1 = "syntax = \"proto3\";\npackage acme;\n\nmessage Order {\n  string id = 1;\n  int32 qty = 2;\n}\n";
    /** Field 2 reused as a string: not compatible under any level but NONE. */
    static final String REUSED = "syntax = \"proto3\"; package acme; message Order { string id = 1; string qty = 2; }";
    static final String ADDED = "syntax = \"proto3\"; package acme; message Order { string id = 1; int32 qty = 2; bool rush = 3; }";

    int registerProto(String subject, String schema) {
        RestClient.Answer a = rest.post("/subjects/" + subject + "/versions", schemaBody(schema, "PROTOBUF"));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.json().get("id").asInt();
    }

    @Test
    void aProtoSchemaRegistersIsServedWithItsTypeAndIsFoundAgain() {
        int id = registerProto("orders-value", V1);
        assertThat(registerProto("orders-value", V1.replace("\n", "\n\n  // comment\n"))).as("comments and whitespace")
                .isEqualTo(id);
        RestClient.Answer v = rest.get("/subjects/orders-value/versions/latest");
        assertThat(v.json().get("schemaType").asText()).isEqualTo("PROTOBUF");
        assertThat(v.json().get("schema").asText()).isEqualTo(V1);
        assertThat(rest.get("/schemas/ids/" + id).json().get("schemaType").asText()).isEqualTo("PROTOBUF");
        RestClient.Answer found = rest.post("/subjects/orders-value", schemaBody(V1, "PROTOBUF"));
        assertThat(found.status()).as(found.body()).isEqualTo(200);
        assertThat(found.json().get("version").asInt()).isEqualTo(1);
        assertThat(rest.get("/schemas/types").body()).isEqualTo("[\"JSON\",\"PROTOBUF\",\"AVRO\"]");
    }

    @Test
    void aBase64DescriptorRegistersAndNormalizedItMeetsItsText() throws Exception {
        var descriptor = com.google.protobuf.DescriptorProtos.FileDescriptorProto.newBuilder()
                .setName("order.proto").setSyntax("proto3").setPackage("acme")
                .addMessageType(com.google.protobuf.DescriptorProtos.DescriptorProto.newBuilder().setName("Order")
                        .addField(field("id", 1, com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type.TYPE_STRING))
                        .addField(field("qty", 2, com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type.TYPE_INT32)))
                .build();
        String base64 = Base64.getEncoder().encodeToString(descriptor.toByteArray());
        int id = registerProto("d", base64);
        assertThat(rest.get("/schemas/ids/" + id + "/schema").body()).isEqualTo(V1);
        assertThat(registerProto("d", V1)).as("the same canonical text, so the same schema").isEqualTo(id);
    }

    static com.google.protobuf.DescriptorProtos.FieldDescriptorProto field(String name, int number,
            com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type type) {
        return com.google.protobuf.DescriptorProtos.FieldDescriptorProto.newBuilder().setName(name).setNumber(number)
                .setType(type).setLabel(com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label.LABEL_OPTIONAL)
                .setJsonName(name).build();
    }

    @Test
    void anInvalidProtoIs42201WithTheParsersPosition() {
        RestClient.Answer syntax = rest.post("/subjects/s/versions",
                schemaBody("syntax = \"proto3\";\nmessage A {\n  int32 x = ;\n}", "PROTOBUF"));
        assertError(syntax, 422, 42201);
        assertThat(syntax.json().get("message").asText()).contains("3:");
        RestClient.Answer unknown = rest.post("/subjects/s/versions",
                schemaBody("syntax = \"proto3\"; message A { Missing m = 1; }", "PROTOBUF"));
        assertError(unknown, 422, 42201);
        assertThat(unknown.json().get("message").asText()).contains("Missing");
        assertError(rest.post("/compatibility/subjects/s/versions/latest", schemaBody("message {", "PROTOBUF")), 422, 42201);
        assertThat(rest.get("/subjects").body()).as("nothing registered").isEqualTo("[]");
    }

    @Test
    void aReusedFieldNumberIs409AndTheLevelDecides() {
        registerProto("s", V1);
        RestClient.Answer refused = rest.post("/subjects/s/versions", schemaBody(REUSED, "PROTOBUF"));
        assertError(refused, 409, 40901);
        assertThat(refused.json().get("message").asText()).contains("FIELD_SCALAR_KIND_CHANGED").contains("#/Order/2");
        RestClient.Answer verbose = rest.post("/compatibility/subjects/s/versions/latest?verbose=true",
                schemaBody(REUSED, "PROTOBUF"));
        assertThat(verbose.json().get("is_compatible").asBoolean()).isFalse();
        assertThat(verbose.json().get("messages").get(0).asText()).contains("FIELD_SCALAR_KIND_CHANGED");
        registerProto("s", ADDED);
        assertThat(rest.put("/config/s", "{\"compatibility\":\"NONE\"}").status()).isEqualTo(200);
        registerProto("s", REUSED);
        assertThat(rest.get("/subjects/s/versions").body()).isEqualTo("[1,2,3]");
        // A schema of another type after a Protobuf one is never compatible.
        assertThat(rest.put("/config/s", "{\"compatibility\":\"BACKWARD\"}").status()).isEqualTo(200);
        assertError(rest.post("/subjects/s/versions", schemaBody("\"string\"")), 409, 40901);
    }

    @Test
    void aRegisteredProtoValidatesPayloadsAndSurvivesARestart() throws Exception {
        int id = registerProto("p", V1);
        byte[] good = {0, 0, 0, 0, (byte) id, 0, 0x0a, 0x01, 'x', 0x10, 0x05};          // [0] shortcut, id "x", qty 5
        byte[] bad = {0, 0, 0, 0, (byte) id, 0, 0x0a, 0x01, 'x', 0x12, 0x01, 'y'};      // qty as a string
        assertThat(PayloadValidator.validate(ByteBuffer.wrap(good), i -> registry.schemaById(i).orElse(null))).isEmpty();
        assertThat(PayloadValidator.validate(ByteBuffer.wrap(bad), i -> registry.schemaById(i).orElse(null)))
                .get().extracting(PayloadValidator.Failure::message).asString().contains("Order.qty").contains("wire type");
        try (Registry restarted = Registry.start(log.copy())) {
            assertThat(restarted.digest()).isEqualTo(registry.digest());
            assertThat(restarted.register("p", "PROTOBUF", V1, false)).as("the same id after a replay").isEqualTo(id);
            assertThat(PayloadValidator.validate(ByteBuffer.wrap(bad), i -> restarted.schemaById(i).orElse(null))).isPresent();
        }
    }

    static final String MONEY = "syntax = \"proto3\";\npackage common;\n\nmessage Money {\n  int64 cents = 1;\n}\n";
    static final String ORDER_WITH_MONEY = "syntax = \"proto3\"; package shop; import \"common/money.proto\";"
            + " message Order { string id = 1; common.Money total = 2; }";

    static String withReferences(String schema, String references) {
        String body = schemaBody(schema, "PROTOBUF");
        return body.substring(0, body.length() - 1) + ",\"references\":" + references + "}";
    }

    @Test
    void anImportResolvesThroughAReferenceAndTheReferencedVersionKnowsItsUsers() throws Exception {
        int moneyId = registerProto("money", MONEY);
        String refs = "[{\"name\":\"common/money.proto\",\"subject\":\"money\",\"version\":1}]";
        RestClient.Answer registered = rest.post("/subjects/orders-value/versions", withReferences(ORDER_WITH_MONEY, refs));
        assertThat(registered.status()).as(registered.body()).isEqualTo(200);
        int orderId = registered.json().get("id").asInt();
        assertThat(orderId).isNotEqualTo(moneyId);
        assertThat(rest.post("/subjects/orders-value/versions", withReferences(ORDER_WITH_MONEY, refs)).json().get("id").asInt())
                .as("registered again: the same id").isEqualTo(orderId);

        RestClient.Answer version = rest.get("/subjects/orders-value/versions/1");
        assertThat(version.json().get("references").get(0).get("subject").asText()).isEqualTo("money");
        assertThat(version.json().get("references").get(0).get("name").asText()).isEqualTo("common/money.proto");
        assertThat(rest.get("/schemas/ids/" + orderId).json().get("references").get(0).get("version").asInt()).isEqualTo(1);
        assertThat(rest.get("/subjects/money/versions/1/referencedby").body()).isEqualTo("[" + orderId + "]");
        assertThat(rest.get("/subjects/orders-value/versions/1/referencedby").body()).isEqualTo("[]");
        RestClient.Answer found = rest.post("/subjects/orders-value", withReferences(ORDER_WITH_MONEY, refs));
        assertThat(found.status()).as(found.body()).isEqualTo(200);
        assertError(rest.post("/subjects/orders-value", schemaBody(ORDER_WITH_MONEY, "PROTOBUF")), 422, 42201);

        // Confluent: a referenced version cannot be deleted.
        assertError(rest.delete("/subjects/money/versions/1"), 422, 42206);
        assertError(rest.delete("/subjects/money"), 422, 42206);

        // The referenced type is part of the payload's schema: Order{id "x", total{cents 5}}.
        byte[] good = {0, 0, 0, 0, (byte) orderId, 0, 0x0a, 0x01, 'x', 0x12, 0x02, 0x08, 0x05};
        byte[] bad = {0, 0, 0, 0, (byte) orderId, 0, 0x0a, 0x01, 'x', 0x12, 0x03, 0x0a, 0x01, 'z'};
        assertThat(PayloadValidator.validate(ByteBuffer.wrap(good), i -> registry.schemaById(i).orElse(null))).isEmpty();
        assertThat(PayloadValidator.validate(ByteBuffer.wrap(bad), i -> registry.schemaById(i).orElse(null))).get()
                .extracting(PayloadValidator.Failure::message).asString().contains("Order.total.cents");
        try (Registry restarted = Registry.start(log.copy())) {
            assertThat(restarted.digest()).isEqualTo(registry.digest());
            assertThat(PayloadValidator.validate(ByteBuffer.wrap(good), i -> restarted.schemaById(i).orElse(null))).isEmpty();
        }
    }

    @Test
    void aMissingReferenceOrAnUnresolvedImportIs42201() {
        registerProto("money", MONEY);
        RestClient.Answer missing = rest.post("/subjects/o/versions", withReferences(ORDER_WITH_MONEY,
                "[{\"name\":\"common/money.proto\",\"subject\":\"money\",\"version\":7}]"));
        assertError(missing, 422, 42201);
        assertThat(missing.json().get("message").asText()).contains("version 7 of subject money");
        RestClient.Answer unresolved = rest.post("/subjects/o/versions", schemaBody(ORDER_WITH_MONEY, "PROTOBUF"));
        assertError(unresolved, 422, 42201);
        assertThat(unresolved.json().get("message").asText()).contains("common/money.proto");
        assertError(rest.post("/subjects/o/versions", withReferences(ORDER_WITH_MONEY, "[{\"name\":1}]")), 422, 42201);
        assertError(rest.post("/subjects/o/versions", withReferences(ORDER_WITH_MONEY, "{}")), 422, 42201);
        assertThat(rest.get("/subjects").body()).isEqualTo("[\"money\"]");
    }
}
