package io.ledgerline.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * JSON text with the keys of every object sorted; array order is kept (it is meaningful in schemas). The
 * formats' {@code normalize}. Stateless; thread-safe.
 */
public final class SortedJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SortedJson() {
    }

    /** {@code json} (text a format has just written from its parsed model) with every object's keys sorted. */
    public static String sorted(String json) {
        try {
            return MAPPER.writeValueAsString(sort(MAPPER.readTree(json)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a schema format wrote JSON that Jackson cannot read back: " + json, e);
        }
    }

    private static JsonNode sort(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = MAPPER.createObjectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            for (String name : names) {
                out.set(name, sort(node.get(name)));
            }
            return out;
        }
        if (node.isArray()) {
            var out = MAPPER.createArrayNode();
            node.forEach(element -> out.add(sort(element)));
            return out;
        }
        return node;
    }
}
