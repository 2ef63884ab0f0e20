package io.ledgerline.schema.protobuf;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import io.ledgerline.schema.InvalidSchemaException;
import io.ledgerline.schema.ParsedSchema;
import io.ledgerline.schema.PayloadValidator;
import io.ledgerline.schema.SchemaType;
import io.ledgerline.schema.Schemas;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing (text and base64 descriptor, canonical and normalized text, refusals) and payloads of Protobuf. */
class ProtobufFormatTest {
    static final int ID = 21;
    static final String ORDER = """
            syntax = "proto3";
            package acme;

            // an order
            message Order {
              string id = 1;
              repeated Item items = 2;
              map<string, int64> tags = 3;
              optional Status status = 4;
              oneof payment { string card = 5; int64 voucher = 6; }
              message Item { string sku = 1; int32 qty = 2; }
            }
            message Flag { bool on = 1; }
            enum Status { UNKNOWN = 0; PAID = 1; }
            """;

    static ParsedSchema proto(String text) throws InvalidSchemaException {
        return Schemas.parse(SchemaType.PROTOBUF, text, false);
    }

    static Descriptor message(ParsedSchema schema, String name) {
        return schema.model(ProtobufFormat.Model.class).descriptor().findMessageTypeByName(name);
    }

    @Test
    void protobufIsSupportedAndListedInConfluentsOrder() {
        assertThat(SchemaType.PROTOBUF.supported()).isTrue();
        assertThat(SchemaType.supportedNames()).containsExactly("JSON", "PROTOBUF", "AVRO");
    }

    @Test
    void theCanonicalTextIsConfluentsLayoutAndAFixedPoint() throws Exception {
        String canonical = proto(ORDER).canonical();
        assertThat(canonical).isEqualTo("""
                syntax = "proto3";
                package acme;

                message Order {
                  string id = 1;
                  repeated Item items = 2;
                  map<string, int64> tags = 3;
                  optional Status status = 4;

                  oneof payment {
                    string card = 5;
                    int64 voucher = 6;
                  }

                  message Item {
                    string sku = 1;
                    int32 qty = 2;
                  }
                }
                message Flag {
                  bool on = 1;
                }
                enum Status {
                  UNKNOWN = 0;
                  PAID = 1;
                }
                """);
        assertThat(proto(canonical).canonical()).isEqualTo(canonical);
    }

    @Test
    void normalizeSortsByTagAndQualifiesEveryNamedType() throws Exception {
        String a = "syntax = \"proto3\"; package p; message M { int32 b = 2; N a = 1; message N { } }";
        String b = "syntax = \"proto3\";\npackage p;\nmessage M {\n  p.M.N a = 1;\n  int32 b = 2;\n  message N {}\n}";
        ParsedSchema na = Schemas.parse(SchemaType.PROTOBUF, a, true);
        assertThat(na.canonical()).isEqualTo(Schemas.parse(SchemaType.PROTOBUF, b, true).canonical())
                .contains("  .p.M.N a = 1;\n  int32 b = 2;");
        assertThat(proto(a).canonical()).isNotEqualTo(proto(b).canonical());
        assertThat(Schemas.parse(SchemaType.PROTOBUF, na.canonical(), true).canonical()).isEqualTo(na.canonical());
        // proto2's syntax line is dropped when normalized, as Confluent does.
        assertThat(Schemas.parse(SchemaType.PROTOBUF, "syntax = \"proto2\"; message A { optional int32 x = 1; }", true)
                .canonical()).doesNotContain("syntax");
    }

    @Test
    void aBase64FileDescriptorGivesTheSameSchemaAsItsText() throws Exception {
        ParsedSchema text = proto(ORDER);
        String base64 = Base64.getEncoder().encodeToString(protocStyle(text.model(ProtobufFormat.Model.class).descriptor())
                .toByteArray());
        ParsedSchema fromDescriptor = proto(base64);
        // Named types keep the descriptor's full names unless normalized, as on Confluent.
        assertThat(fromDescriptor.canonical()).contains("repeated .acme.Order.Item items = 2;")
                .contains("optional .acme.Status status = 4;").contains("map<string, int64> tags = 3;");
        assertThat(Schemas.parse(SchemaType.PROTOBUF, base64, true).canonical())
                .isEqualTo(Schemas.parse(SchemaType.PROTOBUF, ORDER, true).canonical());
        assertThat(proto(fromDescriptor.canonical()).canonical()).isEqualTo(fromDescriptor.canonical());
        assertThat(message(fromDescriptor, "Order").getFields().stream().map(FieldDescriptor::getType).toList())
                .isEqualTo(message(text, "Order").getFields().stream().map(FieldDescriptor::getType).toList());
    }

    /** The descriptor as protoc (and so confluent-kafka-python) writes it: every type name full, with its kind. */
    static FileDescriptorProto protocStyle(FileDescriptor file) {
        FileDescriptorProto.Builder b = file.toProto().toBuilder();
        for (int i = 0; i < b.getMessageTypeCount(); i++) {
            b.setMessageType(i, protocStyle(file.getMessageTypes().get(i), b.getMessageType(i)));
        }
        return b.build();
    }

    static DescriptorProto protocStyle(Descriptor message, DescriptorProto proto) {
        DescriptorProto.Builder b = proto.toBuilder();
        for (int i = 0; i < b.getFieldCount(); i++) {
            FieldDescriptor field = message.getFields().get(i);
            if (b.getField(i).hasTypeName()) {
                String full = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? field.getMessageType().getFullName()
                        : field.getEnumType().getFullName();
                b.setField(i, b.getField(i).toBuilder().setTypeName("." + full).setType(field.getType().toProto()));
            }
        }
        for (int i = 0; i < b.getNestedTypeCount(); i++) {
            b.setNestedType(i, protocStyle(message.getNestedTypes().get(i), b.getNestedType(i)));
        }
        return b.build();
    }

    @Test
    void invalidSchemasAreRefusedWithTheReasonAndPosition() {
        assertThatThrownBy(() -> proto("syntax = \"proto3\";\nmessage A {\n  int32 x = ;\n}"))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("3:").hasMessageContaining("Invalid Protobuf schema");
        assertThatThrownBy(() -> proto("syntax = \"proto3\"; message A { Missing x = 1; }"))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("Missing");
        assertThatThrownBy(() -> proto("syntax = \"proto3\"; message A { int32 x = 1; int32 y = 1; }"))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("1");
        assertThatThrownBy(() -> proto("syntax = \"proto3\"; import \"other.proto\"; message A { int32 x = 1; }"))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("other.proto").hasMessageContaining("references");
        assertThatThrownBy(() -> proto("bm90IGEgZGVzY3JpcHRvcg=="))
                .isInstanceOf(InvalidSchemaException.class);
    }

    @Test
    void wellKnownTypesCanBeImported() throws Exception {
        ParsedSchema schema = proto("syntax = \"proto3\"; import \"google/protobuf/timestamp.proto\";"
                + " message E { google.protobuf.Timestamp at = 1; }");
        assertThat(message(schema, "E").findFieldByName("at").getMessageType().getFullName())
                .isEqualTo("google.protobuf.Timestamp");
    }

    @Test
    void anImportNamesASchemaReference() throws Exception {
        ParsedSchema money = proto("syntax = \"proto3\"; package common; message Money { int64 cents = 1; }");
        String order = "syntax = \"proto3\"; package shop; import \"common/money.proto\"; message Order { common.Money total = 1; }";
        ParsedSchema parsed = Schemas.parse(SchemaType.PROTOBUF, order, false, Map.of("common/money.proto", money));
        assertThat(message(parsed, "Order").findFieldByName("total").getMessageType().getFullName()).isEqualTo("common.Money");
        assertThat(Schemas.parse(SchemaType.PROTOBUF, order, true, Map.of("common/money.proto", money)).canonical())
                .contains("import \"common/money.proto\";").contains(".common.Money total = 1;");
        assertThatThrownBy(() -> proto(order)).isInstanceOf(InvalidSchemaException.class)
                .hasMessageContaining("common/money.proto").hasMessageContaining("references");
        assertThatThrownBy(() -> Schemas.parse(SchemaType.AVRO, "\"string\"", false, Map.of("x", money)))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("not supported for AVRO");
    }

    static byte[] wire(int id, byte[] indexes, byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        out.writeBytes(indexes);
        out.writeBytes(message);
        return out.toByteArray();
    }

    Optional<PayloadValidator.Failure> validate(ParsedSchema schema, byte[] bytes) {
        return PayloadValidator.validate(ByteBuffer.wrap(bytes), id -> id == ID ? schema : null);
    }

    byte[] order(ParsedSchema schema) {
        Descriptor order = message(schema, "Order");
        Descriptor item = order.findNestedTypeByName("Item");
        DynamicMessage line = DynamicMessage.newBuilder(item).setField(item.findFieldByName("sku"), "X-1")
                .setField(item.findFieldByName("qty"), 3).build();
        return DynamicMessage.newBuilder(order).setField(order.findFieldByName("id"), "o-1")
                .addRepeatedField(order.findFieldByName("items"), line)
                .setField(order.findFieldByName("card"), "visa").build().toByteArray();
    }

    @Test
    void aConformingMessageUnderEveryIndexEncodingPasses() throws Exception {
        ParsedSchema schema = proto(ORDER);
        byte[] order = order(schema);
        assertThat(validate(schema, wire(ID, new byte[] {0}, order))).isEmpty();          // [0] shortcut
        assertThat(validate(schema, wire(ID, new byte[] {2, 0}, order))).isEmpty();       // [0], zig-zag
        assertThat(validate(schema, wire(ID, new byte[] {1, 0}, order))).isEmpty();       // [0], unsigned (older)
        Descriptor flag = message(schema, "Flag");
        byte[] on = DynamicMessage.newBuilder(flag).setField(flag.findFieldByName("on"), true).build().toByteArray();
        assertThat(validate(schema, wire(ID, new byte[] {2, 2}, on))).isEmpty();          // [1], zig-zag
        assertThat(validate(schema, wire(ID, new byte[] {1, 1}, on))).isEmpty();          // [1], unsigned
        Descriptor item = message(schema, "Order").findNestedTypeByName("Item");
        byte[] line = DynamicMessage.newBuilder(item).setField(item.findFieldByName("qty"), 2).build().toByteArray();
        assertThat(validate(schema, wire(ID, new byte[] {4, 0, 0}, line))).isEmpty();     // [0, 0]: Order.Item
    }

    @Test
    void aWrongWireTypeIsNamedByItsPath() throws Exception {
        ParsedSchema schema = proto(ORDER);
        // Order.items[0].qty (field 2) written as a length-delimited string instead of a varint.
        byte[] badItem = {0x12, 0x01, 'x'};
        byte[] order = new byte[2 + badItem.length];
        order[0] = 0x12;
        order[1] = (byte) badItem.length;
        System.arraycopy(badItem, 0, order, 2, badItem.length);
        assertThat(validate(schema, wire(ID, new byte[] {0}, order))).get().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(PayloadValidator.Reason.DOES_NOT_CONFORM);
            assertThat(f.message()).contains("Order.items.qty").contains("wire type 2").contains("int32");
        });
    }

    @Test
    void indexesNamingNoMessageAndMissingRequiredFieldsFail() throws Exception {
        ParsedSchema schema = proto(ORDER);
        assertThat(validate(schema, wire(ID, new byte[] {2, 10}, new byte[0]))).get()
                .extracting(PayloadValidator.Failure::message).asString().contains("name no message");
        ParsedSchema required = proto("syntax = \"proto2\"; message R { required int32 a = 1; optional int32 b = 2; }");
        assertThat(validate(required, wire(ID, new byte[] {0}, new byte[] {0x10, 0x01}))).get()
                .extracting(PayloadValidator.Failure::message).asString().contains("missing required fields").contains("a");
    }

    @Test
    void everyTruncationFailsOrPassesButNeverThrows() throws Exception {
        ParsedSchema schema = proto(ORDER);
        byte[] good = wire(ID, new byte[] {0}, order(schema));
        for (int length = 0; length < good.length; length++) {
            byte[] prefix = Arrays.copyOf(good, length);
            // A prefix that ends between fields is a valid (shorter) message; none may throw.
            assertThat(validate(schema, prefix)).as("prefix of %d bytes", length).satisfiesAnyOf(Optional::isEmpty, Optional::isPresent);
        }
        assertThat(validate(schema, Arrays.copyOf(good, good.length - 1))).isPresent();
    }

    @Test
    void randomAndMutatedBytesNeverThrow() throws Exception {
        ParsedSchema schema = proto(ORDER);
        byte[] good = wire(ID, new byte[] {0}, order(schema));
        long seed = Long.getLong("ledgerline.schema.seed", System.nanoTime());
        System.out.println("ProtobufFormatTest seed " + seed + " (rerun with -Dledgerline.schema.seed=" + seed + ")");
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes;
            if (random.nextBoolean()) {
                bytes = good.clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    int at = PayloadValidator.HEADER_BYTES + random.nextInt(bytes.length - PayloadValidator.HEADER_BYTES);
                    bytes[at] = (byte) random.nextInt(256);
                }
            } else {
                byte[] tail = new byte[random.nextInt(40)];
                random.nextBytes(tail);
                bytes = wire(ID, new byte[0], tail);
            }
            Optional<PayloadValidator.Failure> failure = validate(schema, bytes);
            failure.ifPresent(f -> assertThat(f.reason()).isEqualTo(PayloadValidator.Reason.DOES_NOT_CONFORM));
        }
    }
}
