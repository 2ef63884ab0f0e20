package io.ledgerline.server.cli.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * How {@code ledgerline consume} prints a record, one line each.
 *
 * <p>{@code text}: the value as UTF-8 (with {@code --print-key}: key, separator, value); a null key or value is
 * printed {@code null}, as Kafka's console consumer does.
 *
 * <p>{@code json}: one JSON object per line, fields in this order:
 * <pre>
 * {"topic":"payments","partition":0,"offset":0,"timestamp":"2026-12-03T08:00:00.123Z","timestampType":"CreateTime",
 *  "key":"k1","value":"{\"id\":1}","headers":[{"key":"source","value":"web"}]}
 * </pre>
 * Key, value and header values are JSON strings when their bytes are UTF-8, {@code {"base64":"..."}} when they are
 * not (nothing is lost or mangled), and null when null. Headers are a list, not an object, because a record may
 * carry the same header key twice.
 */
public enum RecordFormat {
    text, json;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    String format(ConsumerRecord<byte[], byte[]> r, boolean printKey, String keySeparator) {
        if (this == text) {
            String value = r.value() == null ? "null" : new String(r.value(), StandardCharsets.UTF_8);
            if (!printKey) return value;
            return (r.key() == null ? "null" : new String(r.key(), StandardCharsets.UTF_8)) + keySeparator + value;
        }
        ObjectNode o = MAPPER.createObjectNode();
        o.put("topic", r.topic());
        o.put("partition", r.partition());
        o.put("offset", r.offset());
        o.put("timestamp", Instant.ofEpochMilli(r.timestamp()).toString());
        o.put("timestampType", r.timestampType().name);
        bytes(o, "key", r.key());
        bytes(o, "value", r.value());
        ArrayNode headers = o.putArray("headers");
        for (Header h : r.headers()) bytes(headers.addObject().put("key", h.key()), "value", h.value());
        try {
            return MAPPER.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }

    private static void bytes(ObjectNode o, String field, byte[] b) {
        if (b == null) {
            o.putNull(field);
            return;
        }
        try {
            o.put(field, StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString());
        } catch (CharacterCodingException e) {
            o.putObject(field).put("base64", Base64.getEncoder().encodeToString(b));
        }
    }
}
