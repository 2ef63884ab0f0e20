package io.ledgerline.broker.protocol;

import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.types.BoundField;
import org.apache.kafka.common.protocol.types.Field;
import org.apache.kafka.common.protocol.types.Schema;
import org.apache.kafka.common.protocol.types.TaggedFields;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place that shapes a message for the version it is written at. Handlers fill a response as for
 * the newest version; a field the request's version lacks (ListOffsets' {@code leaderEpoch} below v4,
 * Metadata's topic ids below v10, …) must then be at its default, or kafka-clients refuses to write the
 * response ({@code UnsupportedVersionException: Attempted to write a non-default leaderEpoch at version 2}).
 * The pipeline calls {@link #shape} once on every response, so no handler can get this wrong.
 *
 * <p>How: each generated kafka-clients message class has a static {@code SCHEMAS} array (one Schema per
 * version; its fields named in snake_case, tagged fields inside a {@link TaggedFields} section) and a no-arg
 * constructor that sets every field to its default. For a class and version we compute once which Java fields
 * the version lacks (reset to the value a fresh instance has) and which present fields hold nested messages
 * (shaped in turn, at the same version). A present field that is null where the version cannot write null
 * (a string nullable only from some version on) gets the fresh instance's default when that is not null.
 * The Java name of a schema field is its snake_case name in camelCase ({@link #snakeCase} is the generator's
 * rule, checked for every message class and version by ResponseShaperTest).
 *
 * <p>Only what a version cannot carry changes; the meaning of a response at an old version (error codes the
 * version knows, offsets in v0's array) stays the handler's job. Shaping changes the response in place:
 * handlers hand the pipeline a response object of their own, never one shared between requests.
 */
public final class ResponseShaper {
    private ResponseShaper() {}

    /** What to do with one class at one version: fields to reset, fields to descend into, nullability fixes. */
    private record Plan(List<java.lang.reflect.Field> absent, List<java.lang.reflect.Field> nested,
                        List<java.lang.reflect.Field> notNullable) {
        static final Plan NOTHING = new Plan(List.of(), List.of(), List.of());
    }

    private record PlanKey(Class<?> type, short version) {}

    private static final Map<PlanKey, Plan> PLANS = new ConcurrentHashMap<>();

    /** Resets every field of {@code message} and its nested messages that {@code version} cannot carry. */
    public static void shape(Message message, short version) {
        if (message == null) return;
        Plan plan = PLANS.computeIfAbsent(new PlanKey(message.getClass(), version), k -> plan(k.type(), k.version()));
        try {
            Message fresh = null;
            for (java.lang.reflect.Field f : plan.absent) {
                Object value = f.get(message);
                if (fresh == null) fresh = newInstance(message.getClass());
                Object dflt = f.get(fresh);
                if (!Objects.equals(value, dflt)) f.set(message, dflt);
            }
            for (java.lang.reflect.Field f : plan.notNullable) {
                if (f.get(message) != null) continue;
                if (fresh == null) fresh = newInstance(message.getClass());
                Object dflt = f.get(fresh);
                if (dflt != null) f.set(message, dflt);
            }
            for (java.lang.reflect.Field f : plan.nested) {
                Object value = f.get(message);
                if (value instanceof Message m) {
                    shape(m, version);
                } else if (value instanceof Collection<?> c) {
                    for (Object e : c) if (e instanceof Message m) shape(m, version);
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot shape " + message.getClass().getName(), e);
        }
    }

    /**
     * The Java fields of {@code type} that name a field of its schema at {@code version}, keyed by schema name;
     * every other declared field except {@code _unknownTaggedFields} is absent at that version. Public for
     * ResponseShaperTest, which checks the mapping is complete.
     */
    public static Map<String, java.lang.reflect.Field> schemaFields(Class<?> type, short version) {
        Schema schema = schema(type, version);
        Map<String, java.lang.reflect.Field> byName = javaFields(type);
        Map<String, java.lang.reflect.Field> out = new HashMap<>();
        if (schema == null) return out;
        for (Field f : fields(schema)) {
            java.lang.reflect.Field j = byName.get(f.name);
            if (j != null) out.put(f.name, j);
        }
        return out;
    }

    /** The schema of {@code type} at {@code version}, or null when the class has none there. */
    public static Schema schema(Class<?> type, short version) {
        Schema[] schemas = schemas(type);
        return version >= 0 && version < schemas.length ? schemas[version] : null;
    }

    /** The fields of {@code schema}, its tagged fields included (the tagged section itself left out). */
    public static List<Field> fields(Schema schema) {
        List<Field> out = new ArrayList<>();
        for (BoundField b : schema.fields()) {
            if (b.def.type instanceof TaggedFields tagged) {
                out.addAll(tagged.fields().values());
            } else {
                out.add(b.def);
            }
        }
        return out;
    }

    /**
     * Declared instance fields of a generated message that some version's schema names, by that (snake_case)
     * name. Fields no version has are not data (an ImplicitLinkedHashCollection element's {@code prev} and
     * {@code next} links, which must never be touched).
     */
    public static Map<String, java.lang.reflect.Field> javaFields(Class<?> type) {
        java.util.Set<String> named = new java.util.HashSet<>();
        Schema[] schemas = schemas(type);
        for (Schema s : schemas) if (s != null) for (Field f : fields(s)) named.add(f.name);
        Map<String, java.lang.reflect.Field> out = new HashMap<>();
        for (java.lang.reflect.Field f : type.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) continue;
            String snake = snakeCase(f.getName());
            if (!named.contains(snake)) continue;
            f.setAccessible(true);
            out.put(snake, f);
        }
        return out;
    }

    private static Schema[] schemas(Class<?> type) {
        try {
            return (Schema[]) type.getField("SCHEMAS").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(type.getName() + " is not a generated kafka-clients message", e);
        }
    }

    /**
     * kafka-clients' generator's rule (MessageGenerator.toSnakeCase) applied to the spec's name, which is the
     * camelCase Java name with its first letter upper-cased: an underscore before an upper-case letter that
     * follows a lower-case one, everything lower-cased ({@code kRaftVersionFeature}, spec name
     * {@code KRaftVersionFeature}, is {@code kraft_version_feature}).
     */
    public static String snakeCase(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 8);
        boolean prevWasCapital = true;
        for (int i = 0; i < camel.length(); i++) {
            char c = i == 0 ? Character.toUpperCase(camel.charAt(0)) : camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (!prevWasCapital) b.append('_');
                b.append(Character.toLowerCase(c));
                prevWasCapital = true;
            } else {
                b.append(c);
                prevWasCapital = false;
            }
        }
        return b.toString();
    }

    private static Plan plan(Class<?> type, short version) {
        Schema schema = schema(type, version);
        if (schema == null) return Plan.NOTHING; // a version the class cannot write at all: the writer says so
        Map<String, Field> present = new HashMap<>();
        for (Field f : fields(schema)) present.put(f.name, f);
        List<java.lang.reflect.Field> absent = new ArrayList<>();
        List<java.lang.reflect.Field> nested = new ArrayList<>();
        List<java.lang.reflect.Field> notNullable = new ArrayList<>();
        for (Map.Entry<String, java.lang.reflect.Field> e : javaFields(type).entrySet()) {
            java.lang.reflect.Field j = e.getValue();
            Field f = present.get(e.getKey());
            if (f == null) {
                absent.add(j);
                continue;
            }
            if (!j.getType().isPrimitive() && !f.type.isNullable()) notNullable.add(j);
            if (Message.class.isAssignableFrom(j.getType()) || Collection.class.isAssignableFrom(j.getType())) nested.add(j);
        }
        return new Plan(List.copyOf(absent), List.copyOf(nested), List.copyOf(notNullable));
    }

    private static Message newInstance(Class<? extends Message> type) {
        try {
            var c = type.getDeclaredConstructor();
            c.setAccessible(true);
            return c.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a default " + type.getName(), e);
        }
    }
}
