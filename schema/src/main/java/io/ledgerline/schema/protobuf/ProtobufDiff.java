package io.ledgerline.schema.protobuf;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Confluent's Protobuf compatibility rules (its {@code io.confluent.kafka.schemaregistry.protobuf.diff}:
 * {@code SchemaDiff}, {@code MessageSchemaDiff}, {@code FieldSchemaDiff}, {@code EnumSchemaDiff}), written anew
 * over protobuf-java's linked descriptors: the differences from an {@code original} schema to an {@code update},
 * each of a {@link Type} that is compatible or not. Compatible means the update reads what the original wrote, so
 * BACKWARD is {@code compare(old, new)} and FORWARD {@code compare(new, old)}.
 *
 * <p>The rules, as Confluent's: fields are matched by number. A field added or removed is compatible, unless it is
 * {@code required} ({@code REQUIRED_FIELD_ADDED/REMOVED}) or the member of a oneof that still exists
 * ({@code ONEOF_FIELD_REMOVED}); a message removed is not ({@code MESSAGE_REMOVED}), added or moved is; every enum
 * change is compatible; a changed package is not. A field keeps its kind (scalar or enum, message, map) or it is a
 * {@code FIELD_KIND_CHANGED}; scalars stay in their wire-compatible group (int32/int64/uint32/uint64/bool/enum;
 * sint32/sint64; string/bytes; fixed32/sfixed32; fixed64/sfixed64; float; double) or it is a
 * {@code FIELD_SCALAR_KIND_CHANGED}; a numeric field's label changing between repeated, optional and required is
 * a {@code FIELD_NUMERIC_LABEL_CHANGED}; a message field keeps its type's name (without package) and that type is
 * compared in turn ({@code FIELD_NAMED_TYPE_CHANGED}). Fields moved into one oneof from several places
 * ({@code MULTIPLE_FIELDS_MOVED_TO_ONEOF}, {@code FIELD_MOVED_TO_EXISTING_ONEOF}) are not compatible; out of a oneof
 * is. Paths are Confluent's: {@code #/Message/fieldNumber}, {@code #/Message/oneofName/fieldNumber}.
 *
 * <p>Not thread-safe: one instance per comparison ({@link #compare} makes it).
 */
final class ProtobufDiff {
    /** Confluent's difference types, each compatible or not (its {@code SchemaDiff.COMPATIBLE_CHANGES}). */
    enum Type {
        PACKAGE_CHANGED(false), MESSAGE_ADDED(true), MESSAGE_REMOVED(false), MESSAGE_MOVED(true),
        ENUM_ADDED(true), ENUM_REMOVED(true), ENUM_CONST_ADDED(true), ENUM_CONST_CHANGED(true), ENUM_CONST_REMOVED(true),
        FIELD_ADDED(true), FIELD_REMOVED(true), FIELD_NAME_CHANGED(true), FIELD_KIND_CHANGED(false),
        FIELD_SCALAR_KIND_CHANGED(false), FIELD_NAMED_TYPE_CHANGED(false), FIELD_NUMERIC_LABEL_CHANGED(false),
        FIELD_STRING_OR_BYTES_LABEL_CHANGED(true), REQUIRED_FIELD_ADDED(false), REQUIRED_FIELD_REMOVED(false),
        ONEOF_ADDED(true), ONEOF_REMOVED(true), ONEOF_FIELD_ADDED(true), ONEOF_FIELD_REMOVED(false),
        ONEOF_FIELD_MOVED_TO_TOP_LEVEL(true), MULTIPLE_FIELDS_MOVED_TO_ONEOF(false), FIELD_MOVED_TO_EXISTING_ONEOF(false);

        final boolean compatible;

        Type(boolean compatible) {
            this.compatible = compatible;
        }
    }

    /** One difference at a Confluent path. */
    record Difference(Type type, String path) {
    }

    private enum Kind { SCALAR, MAP, MESSAGE }

    private enum ScalarKind { GENERAL_NUMBER, SIGNED_NUMBER, STRING_OR_BYTES, FIXED32, FIXED64, FLOAT, DOUBLE }

    /** A field's label as Confluent's parsed elements give it: null for a proto3 field without one. */
    private enum Label { OPTIONAL, REQUIRED, REPEATED, ONE_OF }

    private final Deque<String> path = new ArrayDeque<>();
    private final List<Difference> differences = new ArrayList<>();
    /** Original messages being compared on the current stack: a recursive type is compared once. */
    private final Set<Descriptor> entered = new HashSet<>();

    private ProtobufDiff() {
    }

    static List<Difference> compare(FileDescriptor original, FileDescriptor update) {
        ProtobufDiff diff = new ProtobufDiff();
        if (!Objects.equals(original.getPackage(), update.getPackage())) {
            diff.add(Type.PACKAGE_CHANGED);
        }
        diff.types(original.getMessageTypes(), update.getMessageTypes(), original.getEnumTypes(), update.getEnumTypes());
        return diff.differences;
    }

    private void add(Type type) {
        differences.add(new Difference(type, "#/" + String.join("/", path)));
    }

    private void enter(String part) {
        path.addLast(part);
    }

    private void leave() {
        path.removeLast();
    }

    private void types(List<Descriptor> originalMessages, List<Descriptor> updateMessages,
                       List<EnumDescriptor> originalEnums, List<EnumDescriptor> updateEnums) {
        Map<String, Descriptor> originalByName = byName(originalMessages);
        Map<String, Descriptor> updateByName = byName(updateMessages);
        Map<String, Integer> originalIndex = indexes(originalByName);
        Map<String, Integer> updateIndex = indexes(updateByName);
        Set<String> names = new TreeSet<>(originalIndex.keySet());
        names.addAll(updateIndex.keySet());
        for (String name : names) {
            enter(name);
            Integer o = originalIndex.get(name);
            Integer u = updateIndex.get(name);
            if (u == null) {
                add(Type.MESSAGE_REMOVED);
            } else if (o == null) {
                add(Type.MESSAGE_ADDED);
            } else {
                message(originalByName.get(name), updateByName.get(name));
                if (!o.equals(u)) {
                    // Compatible: a payload's message indexes refer to the schema of its own id.
                    add(Type.MESSAGE_MOVED);
                }
            }
            leave();
        }
        Map<String, EnumDescriptor> oe = new TreeMap<>();
        originalEnums.forEach(e -> oe.put(e.getName(), e));
        Map<String, EnumDescriptor> ue = new TreeMap<>();
        updateEnums.forEach(e -> ue.put(e.getName(), e));
        Set<String> enumNames = new TreeSet<>(oe.keySet());
        enumNames.addAll(ue.keySet());
        for (String name : enumNames) {
            enter(name);
            if (!ue.containsKey(name)) {
                add(Type.ENUM_REMOVED);
            } else if (!oe.containsKey(name)) {
                add(Type.ENUM_ADDED);
            } else {
                enumeration(oe.get(name), ue.get(name));
            }
            leave();
        }
    }

    /** Name → message in declaration order, map entries left out (they are not messages of the text). */
    private static Map<String, Descriptor> byName(List<Descriptor> messages) {
        Map<String, Descriptor> byName = new LinkedHashMap<>();
        for (Descriptor message : messages) {
            if (!message.getOptions().getMapEntry()) {
                byName.put(message.getName(), message);
            }
        }
        return byName;
    }

    /** Name → its message index (the position among the messages, as a payload's message indexes count). */
    private static Map<String, Integer> indexes(Map<String, Descriptor> byName) {
        Map<String, Integer> indexes = new LinkedHashMap<>();
        for (String name : byName.keySet()) {
            indexes.put(name, indexes.size());
        }
        return indexes;
    }

    private void enumeration(EnumDescriptor original, EnumDescriptor update) {
        Map<Integer, String> o = new TreeMap<>();
        for (EnumValueDescriptor value : original.getValues()) {
            o.putIfAbsent(value.getNumber(), value.getName());
        }
        Map<Integer, String> u = new TreeMap<>();
        for (EnumValueDescriptor value : update.getValues()) {
            u.putIfAbsent(value.getNumber(), value.getName());
        }
        Set<Integer> tags = new TreeSet<>(o.keySet());
        tags.addAll(u.keySet());
        for (Integer tag : tags) {
            enter(tag.toString());
            if (!u.containsKey(tag)) {
                add(Type.ENUM_CONST_REMOVED);
            } else if (!o.containsKey(tag)) {
                add(Type.ENUM_CONST_ADDED);
            } else if (!o.get(tag).equals(u.get(tag))) {
                add(Type.ENUM_CONST_CHANGED);
            }
            leave();
        }
    }

    private static OneofDescriptor oneOf(FieldDescriptor field) {
        return field.getRealContainingOneof();
    }

    private void message(Descriptor original, Descriptor update) {
        if (entered.add(original)) {
            try {
                fields(original, update);
            } finally {
                entered.remove(original);
            }
        }
        types(original.getNestedTypes(), update.getNestedTypes(), original.getEnumTypes(), update.getEnumTypes());
    }

    private void fields(Descriptor original, Descriptor update) {
        Map<Integer, FieldDescriptor> originalByTag = new TreeMap<>();
        original.getFields().forEach(f -> originalByTag.put(f.getNumber(), f));
        Map<Integer, FieldDescriptor> updateByTag = new TreeMap<>();
        update.getFields().forEach(f -> updateByTag.put(f.getNumber(), f));
        Set<String> originalOneOfs = new TreeSet<>();
        original.getRealOneofs().forEach(o -> originalOneOfs.add(o.getName()));
        Set<String> updateOneOfs = new TreeSet<>();
        update.getRealOneofs().forEach(o -> updateOneOfs.add(o.getName()));

        // A oneof removed by name none of whose members survive is a deletion, compatible as a whole.
        Set<String> deletedOneOfs = new HashSet<>();
        for (OneofDescriptor oneOf : original.getRealOneofs()) {
            if (!updateOneOfs.contains(oneOf.getName())
                    && oneOf.getFields().stream().noneMatch(f -> updateByTag.containsKey(f.getNumber()))) {
                deletedOneOfs.add(oneOf.getName());
            }
        }
        // Fields that were independent and are now mutually exclusive.
        for (OneofDescriptor oneOf : update.getRealOneofs()) {
            enter(oneOf.getName());
            Set<String> origins = new HashSet<>();
            int movedIn = 0;
            for (FieldDescriptor field : oneOf.getFields()) {
                FieldDescriptor before = originalByTag.get(field.getNumber());
                if (before != null && oneOf(before) != null) {
                    origins.add("oneof:" + oneOf(before).getName());
                } else if (before != null) {
                    origins.add("field:" + field.getNumber());
                    movedIn++;
                }
            }
            if (origins.size() > 1) {
                add(movedIn > 1 ? Type.MULTIPLE_FIELDS_MOVED_TO_ONEOF : Type.FIELD_MOVED_TO_EXISTING_ONEOF);
            }
            leave();
        }
        Set<String> allOneOfs = new TreeSet<>(originalOneOfs);
        allOneOfs.addAll(updateOneOfs);
        for (String name : allOneOfs) {
            enter(name);
            if (!updateOneOfs.contains(name)) {
                add(Type.ONEOF_REMOVED);
            } else if (!originalOneOfs.contains(name)) {
                add(Type.ONEOF_ADDED);
            }
            leave();
        }
        Set<Integer> tags = new TreeSet<>(originalByTag.keySet());
        tags.addAll(updateByTag.keySet());
        for (Integer tag : tags) {
            FieldDescriptor o = originalByTag.get(tag);
            FieldDescriptor u = updateByTag.get(tag);
            OneofDescriptor originalOneOf = o == null ? null : oneOf(o);
            OneofDescriptor updateOneOf = u == null ? null : oneOf(u);
            if (u == null) {
                if (originalOneOf != null) {
                    if (!deletedOneOfs.contains(originalOneOf.getName())) {
                        at(Type.ONEOF_FIELD_REMOVED, originalOneOf.getName(), tag);
                    }
                } else {
                    at(o.isRequired() ? Type.REQUIRED_FIELD_REMOVED : Type.FIELD_REMOVED, null, tag);
                }
            } else if (o == null) {
                if (updateOneOf != null) {
                    at(Type.ONEOF_FIELD_ADDED, updateOneOf.getName(), tag);
                } else {
                    at(u.isRequired() ? Type.REQUIRED_FIELD_ADDED : Type.FIELD_ADDED, null, tag);
                }
            } else {
                if (originalOneOf != null && updateOneOf == null) {
                    at(Type.ONEOF_FIELD_MOVED_TO_TOP_LEVEL, null, tag);
                }
                if (updateOneOf != null) {
                    enter(updateOneOf.getName());
                }
                enter(tag.toString());
                field(o, u);
                leave();
                if (updateOneOf != null) {
                    leave();
                }
            }
        }
    }

    private void at(Type type, String oneOf, Integer tag) {
        if (oneOf != null) {
            enter(oneOf);
        }
        enter(tag.toString());
        add(type);
        leave();
        if (oneOf != null) {
            leave();
        }
    }

    private void field(FieldDescriptor original, FieldDescriptor update) {
        if (!original.getName().equals(update.getName())) {
            add(Type.FIELD_NAME_CHANGED);
        }
        labelsAndTypes(label(original), label(update), original, update);
    }

    private static Label label(FieldDescriptor field) {
        if (field.isMapField() || field.isRepeated()) {
            return Label.REPEATED;
        }
        if (field.isRequired()) {
            return Label.REQUIRED;
        }
        if (field.getRealContainingOneof() != null) {
            return Label.ONE_OF;
        }
        boolean proto3 = field.getFile().toProto().getSyntax().equals("proto3");
        return proto3 && !field.hasPresence() ? null : Label.OPTIONAL;
    }

    private void labelsAndTypes(Label originalLabel, Label updateLabel, FieldDescriptor original, FieldDescriptor update) {
        Kind originalKind = kind(original);
        Kind updateKind = kind(update);
        if (originalKind != updateKind) {
            add(Type.FIELD_KIND_CHANGED);
            return;
        }
        switch (originalKind) {
            case SCALAR -> {
                ScalarKind o = scalarKind(original);
                ScalarKind u = scalarKind(update);
                if (o != u) {
                    add(Type.FIELD_SCALAR_KIND_CHANGED);
                } else if (originalLabel != null && updateLabel != null && originalLabel != updateLabel) {
                    add(o == ScalarKind.STRING_OR_BYTES ? Type.FIELD_STRING_OR_BYTES_LABEL_CHANGED
                            : Type.FIELD_NUMERIC_LABEL_CHANGED);
                }
            }
            case MAP -> {
                Descriptor o = original.getMessageType();
                Descriptor u = update.getMessageType();
                labelsAndTypes(null, null, o.findFieldByNumber(1), u.findFieldByNumber(1));
                labelsAndTypes(null, null, o.findFieldByNumber(2), u.findFieldByNumber(2));
            }
            case MESSAGE -> messageTypes(original.getMessageType(), update.getMessageType());
        }
    }

    private void messageTypes(Descriptor original, Descriptor update) {
        if (!localName(original).equals(localName(update))) {
            add(Type.FIELD_NAMED_TYPE_CHANGED);
            return;
        }
        ProtobufDiff sub = new ProtobufDiff();
        sub.path.addAll(List.of(localName(original).split("\\.")));
        sub.entered.addAll(entered);
        sub.message(original, update);
        differences.addAll(sub.differences);
        if (sub.differences.stream().anyMatch(d -> !d.type().compatible)) {
            add(Type.FIELD_NAMED_TYPE_CHANGED);
        }
    }

    private static String localName(Descriptor type) {
        String pkg = type.getFile().getPackage();
        return pkg.isEmpty() ? type.getFullName() : type.getFullName().substring(pkg.length() + 1);
    }

    private static Kind kind(FieldDescriptor field) {
        if (field.isMapField()) {
            return Kind.MAP;
        }
        return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? Kind.MESSAGE : Kind.SCALAR;
    }

    /** Confluent's groups of scalars that read each other's encoding (protobuf's "updating a message type"). */
    private static ScalarKind scalarKind(FieldDescriptor field) {
        return switch (field.getType()) {
            case INT32, INT64, UINT32, UINT64, BOOL, ENUM -> ScalarKind.GENERAL_NUMBER;
            case SINT32, SINT64 -> ScalarKind.SIGNED_NUMBER;
            case STRING, BYTES -> ScalarKind.STRING_OR_BYTES;
            case FIXED32, SFIXED32 -> ScalarKind.FIXED32;
            case FIXED64, SFIXED64 -> ScalarKind.FIXED64;
            case FLOAT -> ScalarKind.FLOAT;
            case DOUBLE -> ScalarKind.DOUBLE;
            default -> throw new AssertionError("not a scalar: " + field.getType() + " (groups are refused at parse)");
        };
    }
}
