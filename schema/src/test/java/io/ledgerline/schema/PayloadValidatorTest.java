package io.ledgerline.schema;

import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PayloadValidatorTest {
    static final int ID = 7;
    final ParsedSchema user = parse("""
            {"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"}]}""");

    static ParsedSchema parse(String text) {
        try {
            return Schemas.parse(SchemaType.AVRO, text, false);
        } catch (InvalidSchemaException e) {
            throw new AssertionError(e);
        }
    }

    byte[] wire(int id, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    GenericRecord alice() {
        GenericRecord r = new GenericData.Record(user.avro());
        r.put("id", 42L);
        r.put("name", "alice");
        return r;
    }

    Optional<PayloadValidator.Failure> validate(byte[] bytes) {
        return PayloadValidator.validate(bytes == null ? null : ByteBuffer.wrap(bytes), id -> id == ID ? user : null);
    }

    @Test
    void aConformingRecordPasses() throws Exception {
        assertThat(validate(wire(ID, alice()))).isEmpty();
    }

    @Test
    void aTombstonePasses() {
        assertThat(validate(null)).isEmpty();
    }

    @Test
    void noMagicByteUnknownIdTruncatedAndTrailingBytesFail() throws Exception {
        assertThat(validate("{\"id\":42}".getBytes())).get().extracting(PayloadValidator.Failure::reason)
                .isEqualTo(PayloadValidator.Reason.NO_MAGIC_BYTE);
        assertThat(validate(new byte[] {0, 0})).get().extracting(PayloadValidator.Failure::reason)
                .isEqualTo(PayloadValidator.Reason.NO_MAGIC_BYTE);
        assertThat(validate(wire(8, alice()))).get().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(PayloadValidator.Reason.UNKNOWN_SCHEMA_ID);
            assertThat(f.schemaId()).isEqualTo(8);
        });
        byte[] good = wire(ID, alice());
        byte[] truncated = Arrays.copyOf(good, good.length - 2);
        assertThat(validate(truncated)).get().extracting(PayloadValidator.Failure::reason)
                .isEqualTo(PayloadValidator.Reason.DOES_NOT_CONFORM);
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThat(validate(trailing)).get().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(PayloadValidator.Reason.DOES_NOT_CONFORM);
            assertThat(f.message()).contains("trailing");
        });
    }

    @Test
    void aRecordOfAnotherSchemaUnderThisIdFails() throws Exception {
        ParsedSchema other = parse("""
                {"type":"record","name":"Flag","fields":[{"name":"on","type":"boolean"}]}""");
        GenericRecord flag = new GenericData.Record(other.avro());
        flag.put("on", true);
        assertThat(validate(wire(ID, flag))).get().extracting(PayloadValidator.Failure::reason)
                .isEqualTo(PayloadValidator.Reason.DOES_NOT_CONFORM);
    }

    @Test
    void everyTruncationOfAGoodRecordFailsAndNoneThrows() throws Exception {
        byte[] good = wire(ID, alice());
        for (int length = 0; length < good.length; length++) {
            assertThat(validate(Arrays.copyOf(good, length))).as("prefix of %d bytes", length).isPresent();
        }
    }

    @Test
    void aDirectBufferAtAnOffsetIsReadInPlace() throws Exception {
        byte[] good = wire(ID, alice());
        ByteBuffer direct = ByteBuffer.allocateDirect(good.length + 3);
        direct.put(new byte[] {9, 9, 9}).put(good).flip().position(3);
        assertThat(PayloadValidator.validate(direct, id -> id == ID ? user : null)).isEmpty();
    }
}
