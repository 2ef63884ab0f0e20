package io.ledgerline.schema.state;

import io.ledgerline.schema.SchemaType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code _schemas} topic may hold anything another registry (or a careless producer) wrote: decoding never
 * throws, replay skips what it cannot read and counts it, and the state stays consistent (its assertions run).
 */
class ForeignSchemasRecordsTest {
    static final String[] KEYS = {
            "{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1,\"magic\":1}",
            "{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":\"x\",\"magic\":1}",
            "{\"keytype\":\"SCHEMA\",\"subject\":null,\"version\":1}",
            "{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}",
            "{\"keytype\":\"MODE\",\"subject\":\"s\",\"magic\":0}",
            "{\"keytype\":\"DELETE_SUBJECT\",\"subject\":\"s\",\"magic\":0}",
            "{\"keytype\":\"CLEAR_SUBJECT\",\"subject\":\"s\",\"magic\":0}",
            "{\"keytype\":\"CONTEXT\",\"tenant\":\"t\",\"context\":\".x\",\"magic\":0}",
            "{\"keytype\":\"NOOP\",\"magic\":0}",
            "[1,2]", "null", "7", "",
    };
    static final String[] VALUES = {
            "{\"subject\":\"s\",\"version\":1,\"id\":3,\"schema\":\"\\\"string\\\"\",\"deleted\":false}",
            "{\"subject\":\"s\",\"version\":1,\"id\":\"three\",\"schema\":\"\\\"string\\\"\"}",
            "{\"subject\":\"s\",\"version\":1,\"id\":4,\"schemaType\":\"XML\",\"schema\":\"<x/>\"}",
            "{\"subject\":\"s\",\"version\":1,\"id\":5,\"schema\":\"{not avro\"}",
            "{\"compatibilityLevel\":\"SIDEWAYS\"}", "{\"compatibilityLevel\":\"FULL\"}",
            "{\"mode\":\"READONLY\"}", "{\"mode\":\"LOUD\"}", "{\"subject\":\"s\",\"version\":1}",
            "{\"subject\":\"s\",\"version\":null}", "{}", "[]", "\"x\"", "{",
    };

    @Test
    void decodingAndReplayingRandomForeignRecordsNeverThrows() {
        long seed = new Random().nextLong();
        System.out.println("ForeignSchemasRecordsTest seed " + seed);
        Random random = new Random(seed);
        RegistryState state = new RegistryState();
        for (int i = 0; i < 5000; i++) {
            byte[] key = pick(random, KEYS);
            byte[] value = random.nextInt(6) == 0 ? null : pick(random, VALUES);
            if (random.nextInt(10) == 0) {
                key = garble(random, key);
            }
            if (value != null && random.nextInt(10) == 0) {
                value = garble(random, value);
            }
            state.replay(SchemasRecord.decode(key, value));
        }
        state.replay(SchemasRecord.decode(null, null));
        assertThat(state.recordsIgnored()).as("seed %d", seed).isPositive();
        assertThat(state.digest()).hasSize(64);
    }

    @Test
    void aSchemaOfAnUnknownTextStillResolvesByIdAndIsNotParsed() {
        RegistryState state = new RegistryState();
        state.replay(SchemasRecord.decode(KEYS[0].getBytes(StandardCharsets.UTF_8), VALUES[3].getBytes(StandardCharsets.UTF_8)));
        assertThat(state.id(5)).get().extracting(RegistryState.IdEntry::schema).isEqualTo("{not avro");
        assertThat(state.parsed(5)).isEmpty();
        assertThat(state.nextId()).isEqualTo(6);
        state.replay(SchemasRecord.decode(KEYS[0].getBytes(StandardCharsets.UTF_8), VALUES[2].getBytes(StandardCharsets.UTF_8)));
        assertThat(state.recordsIgnored()).as("an unknown schemaType is skipped").isEqualTo(1);
        assertThat(state.versionsOf("s").get(1).type()).isEqualTo(SchemaType.AVRO);
    }

    static byte[] pick(Random random, String[] from) {
        return from[random.nextInt(from.length)].getBytes(StandardCharsets.UTF_8);
    }

    static byte[] garble(Random random, byte[] bytes) {
        byte[] out = bytes.clone();
        if (out.length > 0) {
            out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        }
        return out;
    }

    @Test
    void anIdIsRegisteredUnderTheSubjectsThatUseIt() {
        RegistryState state = new RegistryState();
        state.replay(new SchemasRecord.SchemaVersion("orders-value", 1, 1, SchemaType.AVRO, "\"string\"", false));
        state.replay(new SchemasRecord.SchemaVersion("orders", 1, 2, SchemaType.AVRO, "\"long\"", false));
        assertThat(state.registeredUnder(1, "orders-value")).isTrue();
        assertThat(state.registeredUnder(1, "orders")).as("not a prefix match").isFalse();
        assertThat(state.registeredUnder(2, "orders-value")).isFalse();
        assertThat(state.registeredUnder(3, "orders-value")).isFalse();
        state.replay(new SchemasRecord.DeleteSubject("orders-value", 1));
        assertThat(state.registeredUnder(1, "orders-value")).as("soft-deleted still counts").isTrue();
        state.replay(new SchemasRecord.SchemaTombstone("orders-value", 1));
        assertThat(state.registeredUnder(1, "orders-value")).isFalse();
    }
}
