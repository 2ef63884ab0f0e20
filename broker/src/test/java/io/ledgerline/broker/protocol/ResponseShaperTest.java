package io.ledgerline.broker.protocol;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.protocol.types.Field;
import org.apache.kafka.common.protocol.types.Schema;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shaper cannot silently miss a field: for every generated message class of every API (requests and
 * responses, nested structs included) and every version it has a schema for, each schema field maps to exactly
 * one Java field, and each Java field is in the schema of some version. And shaping does what it is for: a
 * response filled as for the newest version writes at an old one.
 */
class ResponseShaperTest {

    @Test
    void everySchemaFieldOfEveryMessageClassAndVersionMapsToExactlyOneJavaField() {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Class<?> type : messageClasses()) {
            Map<String, List<String>> bySnake = new HashMap<>();
            for (java.lang.reflect.Field f : type.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getName().startsWith("_") || isCollectionLink(type, f)) continue;
                bySnake.computeIfAbsent(ResponseShaper.snakeCase(f.getName()), k -> new ArrayList<>()).add(f.getName());
            }
            bySnake.forEach((snake, javas) -> {
                if (javas.size() > 1) problems.add(type.getName() + ": " + javas + " all map to " + snake);
            });
            Set<String> seen = new HashSet<>();
            Schema[] schemas = schemas(type);
            for (short v = 0; v < schemas.length; v++) {
                if (schemas[v] == null) continue;
                for (Field f : ResponseShaper.fields(schemas[v])) {
                    checked++;
                    seen.add(f.name);
                    if (!bySnake.containsKey(f.name)) problems.add(type.getName() + " v" + v + ": schema field " + f.name + " has no Java field");
                }
            }
            boolean hasRemovedVersions = java.util.Arrays.stream(schemas).anyMatch(x -> x == null);
            for (String snake : bySnake.keySet()) {
                // A field only removed versions had (ShareFetch's partitionMaxBytes) is never written: nothing to shape.
                if (!seen.contains(snake) && !hasRemovedVersions) problems.add(type.getName() + ": Java field " + bySnake.get(snake) + " is in no version's schema");
            }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).as("schema fields checked").isGreaterThan(5_000);
    }

    @Test
    void listOffsetsFilledAsForTheNewestVersionWritesAtEveryVersion() {
        for (short v = ApiKeys.LIST_OFFSETS.oldestVersion(); v <= ApiKeys.LIST_OFFSETS.latestVersion(); v++) {
            ListOffsetsResponseData d = listOffsets();
            short version = v;
            if (v < 4) {
                assertThatThrownBy(() -> MessageUtil.toByteBufferAccessor(listOffsets(), version))
                        .isInstanceOf(UnsupportedVersionException.class).hasMessageContaining("leaderEpoch");
            }
            ResponseShaper.shape(d, v);
            ByteBuffer written = MessageUtil.toByteBufferAccessor(d, v).buffer();
            ListOffsetsResponseData back = new ListOffsetsResponse(new ListOffsetsResponseData(
                    new org.apache.kafka.common.protocol.ByteBufferAccessor(written), v)).data();
            ListOffsetsResponseData.ListOffsetsPartitionResponse p = back.topics().get(0).partitions().get(0);
            assertThat(p.offset()).as("v%d offset", v).isEqualTo(42);
            assertThat(p.leaderEpoch()).as("v%d leader epoch", v).isEqualTo(v >= 4 ? 3 : -1);
            assertThat(back.throttleTimeMs()).as("v%d throttle", v).isEqualTo(v >= 2 ? 7 : 0);
        }
    }

    @Test
    void nestedFieldsAreShapedAndPresentOnesKept() {
        MetadataResponseData d = new MetadataResponseData().setClusterId("c").setControllerId(1);
        d.topics().add(new MetadataResponseData.MetadataResponseTopic().setName("t").setTopicId(Uuid.randomUuid())
                .setIsInternal(true).setTopicAuthorizedOperations(5));
        ResponseShaper.shape(d, (short) 1);
        MetadataResponseData.MetadataResponseTopic t = d.topics().find("t");
        assertThat(t.topicId()).isEqualTo(Uuid.ZERO_UUID); // v10+
        assertThat(t.topicAuthorizedOperations()).isEqualTo(Integer.MIN_VALUE); // v8+
        assertThat(t.isInternal()).isTrue(); // v1+
        assertThat(d.clusterId()).isNull(); // v2+
        assertThat(d.controllerId()).isEqualTo(1); // v1+
        MessageUtil.toByteBufferAccessor(d, (short) 1).buffer();
    }

    /** ImplicitLinkedHashCollection.Element's links: the generator adds them to keyed structs, no schema has them. */
    private static boolean isCollectionLink(Class<?> type, java.lang.reflect.Field f) {
        return org.apache.kafka.common.utils.internals.ImplicitLinkedHashCollection.Element.class.isAssignableFrom(type)
                && (f.getName().equals("next") || f.getName().equals("prev")) && f.getType() == int.class;
    }

    private static ListOffsetsResponseData listOffsets() {
        ListOffsetsResponseData d = new ListOffsetsResponseData().setThrottleTimeMs(7);
        d.topics().add(new ListOffsetsResponseData.ListOffsetsTopicResponse().setName("t").setPartitions(List.of(
                new ListOffsetsResponseData.ListOffsetsPartitionResponse().setPartitionIndex(0).setOffset(42)
                        .setTimestamp(-1).setLeaderEpoch(3))));
        return d;
    }

    /** Every request and response class of every API, and the structs nested in them. */
    static Set<Class<?>> messageClasses() {
        Set<Class<?>> out = new LinkedHashSet<>();
        for (ApiMessageType t : ApiMessageType.values()) {
            if (t.lowestSupportedVersion() > t.highestSupportedVersion(true)) continue; // removed APIs (LeaderAndIsr, …)
            addWithNested(t.newRequest().getClass(), out);
            addWithNested(t.newResponse().getClass(), out);
        }
        return out;
    }

    private static void addWithNested(Class<?> type, Set<Class<?>> out) {
        if (!Message.class.isAssignableFrom(type) || !out.add(type)) return;
        for (Class<?> n : type.getDeclaredClasses()) addWithNested(n, out);
    }

    private static Schema[] schemas(Class<?> type) {
        try {
            return (Schema[]) type.getField("SCHEMAS").get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(type + " has no SCHEMAS", e);
        }
    }
}
