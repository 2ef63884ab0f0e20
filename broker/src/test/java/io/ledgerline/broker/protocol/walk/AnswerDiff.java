package io.ledgerline.broker.protocol.walk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Field-by-field comparison of two brokers' answers to the same request at the same version: each response's
 * message as kafka-clients' generated JSON converter writes it at that version (so only the fields the version
 * has), with the fields that legitimately differ between two brokers taken out ({@link #VARYING}), and arrays
 * compared as sets (no response of the walk orders its lists meaningfully).
 */
public final class AnswerDiff {
    private AnswerDiff() {}

    /**
     * Fields, by their JSON (spec) name at any depth, whose values are a broker's own and not part of the answer:
     * node ids, addresses and cluster ids, generated ids (topic, producer, member), times, throttling, error
     * message texts (the error codes are compared), the node lists (Metadata and DescribeCluster brokers, replica
     * and ISR lists), and ApiVersions' lists (compared by the walk against the broker's own table).
     */
    public static final Set<String> VARYING = Set.of(
            "throttleTimeMs", "nodeId", "host", "port", "rack", "clusterId", "controllerId", "brokers", "leaderId",
            "replicaNodes", "isrNodes", "offlineReplicas", "topicId", "producerId", "memberId", "leader",
            "errorMessage", "logAppendTimeMs", "lastTimestamp", "transactionStartTimeMs", "clientHost",
            "apiKeys", "supportedFeatures", "finalizedFeatures", "finalizedFeaturesEpoch", "zkMigrationReady", "nodeEndpoints",
            "logDir", "partitionSize", "totalBytes", "usableBytes");

    /** The message of a response as JSON at {@code version}, through its generated {@code *JsonConverter}. */
    public static JsonNode json(ApiMessage message, short version) {
        try {
            Class<?> converter = Class.forName(message.getClass().getName() + "JsonConverter");
            return (JsonNode) converter.getMethod("write", message.getClass(), short.class).invoke(null, message, version);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no JSON converter for " + message.getClass().getName(), e);
        }
    }

    /**
     * The differences between {@code a} and {@code b}, one line per path, with {@code ignored} (and {@link #VARYING})
     * left out; an array field named in {@code subsets} may hold fewer elements in {@code a}, each equal to one of
     * {@code b}'s (Ledgerline lists its topic configs, a subset of Kafka's).
     */
    public static List<String> diff(JsonNode a, JsonNode b, Set<String> ignored, Set<String> subsets) {
        List<String> out = new ArrayList<>();
        diff("", normalize(a, ignored), normalize(b, ignored), subsets, out);
        return out;
    }

    private static JsonNode normalize(JsonNode n, Set<String> ignored) {
        if (n.isObject()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (VARYING.contains(e.getKey()) || ignored.contains(e.getKey())) continue;
                o.set(e.getKey(), normalize(e.getValue(), ignored));
            }
            return o;
        }
        if (n.isArray()) {
            List<JsonNode> items = new ArrayList<>();
            for (JsonNode e : n) items.add(normalize(e, ignored));
            items.sort((x, y) -> x.toString().compareTo(y.toString()));
            ArrayNode arr = JsonNodeFactory.instance.arrayNode();
            items.forEach(arr::add);
            return arr;
        }
        return n;
    }

    private static void diff(String path, JsonNode a, JsonNode b, Set<String> subsets, List<String> out) {
        if (a.isObject() && b.isObject()) {
            Set<String> names = new TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode x = a.get(name);
                JsonNode y = b.get(name);
                if (x == null || y == null) {
                    out.add(path + "/" + name + ": " + (x == null ? "absent" : x) + " vs " + (y == null ? "absent" : y));
                } else if (subsets.contains(name) && x.isArray() && y.isArray()) {
                    List<JsonNode> all = new ArrayList<>();
                    y.forEach(all::add);
                    for (JsonNode e : x) if (!all.contains(e)) out.add(path + "/" + name + ": " + abbreviate(e) + " not among Kafka's");
                } else {
                    diff(path + "/" + name, x, y, subsets, out);
                }
            }
        } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) diff(path + "[" + i + "]", a.get(i), b.get(i), subsets, out);
        } else if (!a.equals(b)) {
            out.add(path + ": " + abbreviate(a) + " vs " + abbreviate(b));
        }
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
