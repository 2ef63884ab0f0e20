package io.ledgerline.schema.protobuf;

import com.google.protobuf.AnyProto;
import com.google.protobuf.ApiProto;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.SourceContextProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.TypeProto;
import com.google.protobuf.WrappersProto;
import com.squareup.wire.Syntax;
import com.squareup.wire.schema.Field;
import com.squareup.wire.schema.ProtoType;
import com.squareup.wire.schema.internal.parser.EnumConstantElement;
import com.squareup.wire.schema.internal.parser.EnumElement;
import com.squareup.wire.schema.internal.parser.ExtensionsElement;
import com.squareup.wire.schema.internal.parser.FieldElement;
import com.squareup.wire.schema.internal.parser.MessageElement;
import com.squareup.wire.schema.internal.parser.OneOfElement;
import com.squareup.wire.schema.internal.parser.OptionElement;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import com.squareup.wire.schema.internal.parser.ReservedElement;
import com.squareup.wire.schema.internal.parser.TypeElement;
import io.ledgerline.schema.InvalidSchemaException;
import kotlin.ranges.IntRange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Between the two shapes a Protobuf schema arrives in: a parsed {@code .proto} file (Wire's
 * {@link ProtoFileElement}) becomes a {@link FileDescriptorProto} that protobuf-java links and validates into a
 * {@link FileDescriptor} (unknown types, duplicate field numbers and the like are refused there, with its
 * message); a {@link FileDescriptorProto} (as confluent-kafka-python registers a schema, base64) becomes
 * {@code .proto} text, which then takes the text path, so both give the same model.
 *
 * <p>Imports resolve only to the well-known types bundled with protobuf-java ({@code google/protobuf/*.proto}):
 * schema references are not built yet. Groups and {@code extend} are refused.
 *
 * <p>Stateless; thread-safe.
 */
final class ProtoDescriptors {
    /** The files an import may name without a schema reference. */
    static final Map<String, FileDescriptor> WELL_KNOWN = Map.ofEntries(
            Map.entry("google/protobuf/any.proto", AnyProto.getDescriptor()),
            Map.entry("google/protobuf/api.proto", ApiProto.getDescriptor()),
            Map.entry("google/protobuf/descriptor.proto", DescriptorProtos.getDescriptor()),
            Map.entry("google/protobuf/duration.proto", DurationProto.getDescriptor()),
            Map.entry("google/protobuf/empty.proto", EmptyProto.getDescriptor()),
            Map.entry("google/protobuf/field_mask.proto", FieldMaskProto.getDescriptor()),
            Map.entry("google/protobuf/source_context.proto", SourceContextProto.getDescriptor()),
            Map.entry("google/protobuf/struct.proto", StructProto.getDescriptor()),
            Map.entry("google/protobuf/timestamp.proto", TimestampProto.getDescriptor()),
            Map.entry("google/protobuf/type.proto", TypeProto.getDescriptor()),
            Map.entry("google/protobuf/wrappers.proto", WrappersProto.getDescriptor()));

    private static final Map<String, FieldDescriptorProto.Type> SCALARS = new HashMap<>();

    static {
        for (FieldDescriptorProto.Type type : FieldDescriptorProto.Type.values()) {
            if (type != FieldDescriptorProto.Type.TYPE_GROUP && type != FieldDescriptorProto.Type.TYPE_MESSAGE
                    && type != FieldDescriptorProto.Type.TYPE_ENUM) {
                SCALARS.put(type.name().substring("TYPE_".length()).toLowerCase(java.util.Locale.ROOT), type);
            }
        }
    }

    private ProtoDescriptors() {
    }

    /**
     * The file linked against its imports: a well-known type, or the file a schema reference of that name names
     * ({@code references}, by reference name, each already linked).
     */
    static FileDescriptor link(ProtoFileElement file, Map<String, FileDescriptor> references) throws InvalidSchemaException {
        FileDescriptorProto proto = toProto(file);
        try {
            return FileDescriptor.buildFrom(proto, dependencies(proto.getDependencyList(), references));
        } catch (DescriptorValidationException e) {
            throw new InvalidSchemaException(e.getMessage(), e);
        }
    }

    static FileDescriptor[] dependencies(List<String> imports, Map<String, FileDescriptor> references)
            throws InvalidSchemaException {
        List<FileDescriptor> dependencies = new ArrayList<>();
        for (String name : imports) {
            FileDescriptor known = WELL_KNOWN.get(name);
            FileDescriptor referenced = references.get(name);
            if (known == null && referenced == null) {
                throw new InvalidSchemaException("import \"" + name + "\" cannot be resolved: it is neither a well-known"
                        + " type (google/protobuf/*.proto) nor the name of one of the schema's references");
            }
            if (referenced != null) {
                try {
                    // The referenced schema under the file name the import uses, with its own imports.
                    referenced = FileDescriptor.buildFrom(referenced.toProto().toBuilder().setName(name).build(),
                            referenced.getDependencies().toArray(FileDescriptor[]::new));
                } catch (DescriptorValidationException e) {
                    throw new InvalidSchemaException("the reference " + name + ": " + e.getMessage(), e);
                }
            }
            dependencies.add(referenced != null ? referenced : known);
        }
        return dependencies.toArray(FileDescriptor[]::new);
    }

    static FileDescriptorProto toProto(ProtoFileElement file) throws InvalidSchemaException {
        boolean proto3 = file.getSyntax() == Syntax.PROTO_3;
        if (!file.getExtendDeclarations().isEmpty()) {
            throw new InvalidSchemaException("extend is not supported by this registry yet");
        }
        FileDescriptorProto.Builder b = FileDescriptorProto.newBuilder().setName("default.proto")
                .setSyntax(proto3 ? "proto3" : "proto2");
        if (file.getPackageName() != null) {
            b.setPackage(file.getPackageName());
        }
        b.addAllDependency(file.getImports());
        for (String publicImport : file.getPublicImports()) {
            b.addPublicDependency(b.getDependencyCount());
            b.addDependency(publicImport);
        }
        for (TypeElement type : file.getTypes()) {
            if (type instanceof MessageElement m) {
                b.addMessageType(message(m, proto3));
            } else if (type instanceof EnumElement e) {
                b.addEnumType(enumeration(e));
            }
        }
        return b.build();
    }

    private static DescriptorProto message(MessageElement message, boolean proto3) throws InvalidSchemaException {
        if (!message.getGroups().isEmpty() || !message.getExtendDeclarations().isEmpty()) {
            throw new InvalidSchemaException("message " + message.getName() + ": groups and extend are not supported"
                    + " by this registry yet");
        }
        DescriptorProto.Builder b = DescriptorProto.newBuilder().setName(message.getName());
        for (OptionElement option : message.getOptions()) {
            if (!option.isParenthesized() && option.getName().equals("deprecated")) {
                b.getOptionsBuilder().setDeprecated(Boolean.parseBoolean(String.valueOf(option.getValue())));
            }
        }
        List<String> syntheticOneOfs = new ArrayList<>();
        for (FieldElement field : message.getFields()) {
            FieldDescriptorProto.Builder f = field(b, field, proto3);
            if (proto3 && field.getLabel() == Field.Label.OPTIONAL) {
                // proto3 "optional": a synthetic oneof of its own, declared after the real ones.
                f.setProto3Optional(true).setOneofIndex(message.getOneOfs().size() + syntheticOneOfs.size());
                syntheticOneOfs.add("_" + field.getName());
            }
            b.addField(f);
        }
        for (int i = 0; i < message.getOneOfs().size(); i++) {
            OneOfElement oneOf = message.getOneOfs().get(i);
            if (!oneOf.getGroups().isEmpty()) {
                throw new InvalidSchemaException("oneof " + oneOf.getName() + ": groups are not supported");
            }
            b.addOneofDecl(OneofDescriptorProto.newBuilder().setName(oneOf.getName()));
            for (FieldElement field : oneOf.getFields()) {
                b.addField(field(b, field, proto3).setOneofIndex(i));
            }
        }
        for (String synthetic : syntheticOneOfs) {
            b.addOneofDecl(OneofDescriptorProto.newBuilder().setName(synthetic));
        }
        for (TypeElement nested : message.getNestedTypes()) {
            if (nested instanceof MessageElement m) {
                b.addNestedType(message(m, proto3));
            } else if (nested instanceof EnumElement e) {
                b.addEnumType(enumeration(e));
            }
        }
        for (ReservedElement reserved : message.getReserveds()) {
            for (Object value : reserved.getValues()) {
                if (value instanceof String name) {
                    b.addReservedName(name);
                } else {
                    int[] range = range(value);
                    b.addReservedRange(DescriptorProto.ReservedRange.newBuilder().setStart(range[0]).setEnd(range[1] + 1));
                }
            }
        }
        for (ExtensionsElement extensions : message.getExtensions()) {
            for (Object value : extensions.getValues()) {
                int[] range = range(value);
                b.addExtensionRange(DescriptorProto.ExtensionRange.newBuilder().setStart(range[0]).setEnd(range[1] + 1));
            }
        }
        return b.build();
    }

    private static int[] range(Object value) {
        if (value instanceof IntRange r) {
            return new int[] {r.getFirst(), r.getLast()};
        }
        int tag = (Integer) value;
        return new int[] {tag, tag};
    }

    private static FieldDescriptorProto.Builder field(DescriptorProto.Builder message, FieldElement field, boolean proto3) {
        FieldDescriptorProto.Builder f = FieldDescriptorProto.newBuilder().setName(field.getName()).setNumber(field.getTag());
        ProtoType type = ProtoType.get(field.getType());
        if (type.isMap()) {
            // A map is a repeated field of a nested entry message (key = 1, value = 2), as protoc builds it.
            String entry = entryName(field.getName());
            DescriptorProto.Builder e = DescriptorProto.newBuilder().setName(entry);
            e.getOptionsBuilder().setMapEntry(true);
            e.addField(typed(FieldDescriptorProto.newBuilder().setName("key").setNumber(1), type.getKeyType())
                    .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL));
            e.addField(typed(FieldDescriptorProto.newBuilder().setName("value").setNumber(2), type.getValueType())
                    .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL));
            message.addNestedType(e);
            return f.setLabel(FieldDescriptorProto.Label.LABEL_REPEATED).setTypeName(entry);
        }
        typed(f, type);
        Field.Label label = field.getLabel();
        f.setLabel(label == Field.Label.REPEATED ? FieldDescriptorProto.Label.LABEL_REPEATED
                : label == Field.Label.REQUIRED ? FieldDescriptorProto.Label.LABEL_REQUIRED
                : FieldDescriptorProto.Label.LABEL_OPTIONAL);
        if (field.getDefaultValue() != null) {
            f.setDefaultValue(field.getDefaultValue());
        }
        if (field.getJsonName() != null) {
            f.setJsonName(field.getJsonName());
        }
        for (OptionElement option : field.getOptions()) {
            if (!option.isParenthesized() && option.getName().equals("packed")) {
                f.getOptionsBuilder().setPacked(Boolean.parseBoolean(String.valueOf(option.getValue())));
            } else if (!option.isParenthesized() && option.getName().equals("deprecated")) {
                f.getOptionsBuilder().setDeprecated(Boolean.parseBoolean(String.valueOf(option.getValue())));
            }
        }
        return f;
    }

    private static FieldDescriptorProto.Builder typed(FieldDescriptorProto.Builder f, ProtoType type) {
        FieldDescriptorProto.Type scalar = type.isScalar() ? SCALARS.get(type.toString()) : null;
        // A named type's kind (message or enum) is found by protobuf-java when it links the name.
        return scalar != null ? f.setType(scalar) : f.setTypeName(type.toString());
    }

    /** protoc's name for a map field's entry message: {@code my_field} → {@code MyFieldEntry}. */
    static String entryName(String field) {
        return camel(field, true) + "Entry";
    }

    /** protoc's default JSON name: {@code my_field} → {@code myField}. */
    static String defaultJsonName(String field) {
        return camel(field, false);
    }

    private static String camel(String field, boolean upperFirst) {
        StringBuilder sb = new StringBuilder();
        boolean upper = upperFirst;
        for (char c : field.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }

    private static EnumDescriptorProto enumeration(EnumElement e) {
        EnumDescriptorProto.Builder b = EnumDescriptorProto.newBuilder().setName(e.getName());
        for (OptionElement option : e.getOptions()) {
            if (!option.isParenthesized() && option.getName().equals("allow_alias")) {
                b.getOptionsBuilder().setAllowAlias(Boolean.parseBoolean(String.valueOf(option.getValue())));
            }
        }
        for (EnumConstantElement constant : e.getConstants()) {
            b.addValue(EnumValueDescriptorProto.newBuilder().setName(constant.getName()).setNumber(constant.getTag()));
        }
        for (ReservedElement reserved : e.getReserveds()) {
            for (Object value : reserved.getValues()) {
                if (value instanceof String name) {
                    b.addReservedName(name);
                } else {
                    int[] range = range(value);
                    // Enum reserved ranges are inclusive at both ends, unlike a message's.
                    b.addReservedRange(EnumDescriptorProto.EnumReservedRange.newBuilder().setStart(range[0]).setEnd(range[1]));
                }
            }
        }
        return b.build();
    }

    /**
     * The {@code .proto} text of a descriptor, in the shape confluent-kafka-python's descriptors convert to on
     * Confluent: named types keep the descriptor's fully qualified names ({@code .acme.Item}), map entries become
     * {@code map<K, V>}, proto3 optional fields {@code optional}, synthetic oneofs vanish.
     */
    static String toText(FileDescriptorProto file) {
        boolean proto3 = file.getSyntax().equals("proto3");
        StringBuilder sb = new StringBuilder();
        if (!file.getSyntax().isEmpty()) {
            sb.append("syntax = \"").append(file.getSyntax()).append("\";\n");
        }
        if (file.hasPackage()) {
            sb.append("package ").append(file.getPackage()).append(";\n");
        }
        for (int i = 0; i < file.getDependencyCount(); i++) {
            sb.append(file.getPublicDependencyList().contains(i) ? "import public \"" : "import \"")
                    .append(file.getDependency(i)).append("\";\n");
        }
        for (DescriptorProto message : file.getMessageTypeList()) {
            message(sb, message, proto3);
        }
        for (EnumDescriptorProto e : file.getEnumTypeList()) {
            enumeration(sb, e);
        }
        return sb.toString();
    }

    private static void message(StringBuilder sb, DescriptorProto message, boolean proto3) {
        sb.append("message ").append(message.getName()).append(" {\n");
        Map<String, DescriptorProto> entries = new HashMap<>();
        for (DescriptorProto nested : message.getNestedTypeList()) {
            if (nested.getOptions().getMapEntry()) {
                entries.put(nested.getName(), nested);
            }
        }
        for (DescriptorProto.ReservedRange range : message.getReservedRangeList()) {
            sb.append("reserved ").append(range.getStart()).append(" to ").append(range.getEnd() - 1).append(";\n");
        }
        for (String name : message.getReservedNameList()) {
            sb.append("reserved \"").append(name).append("\";\n");
        }
        for (FieldDescriptorProto field : message.getFieldList()) {
            if (!field.hasOneofIndex() || field.getProto3Optional()) {
                field(sb, field, proto3, entries);
            }
        }
        for (int i = 0; i < message.getOneofDeclCount(); i++) {
            List<FieldDescriptorProto> members = new ArrayList<>();
            for (FieldDescriptorProto field : message.getFieldList()) {
                if (field.hasOneofIndex() && field.getOneofIndex() == i && !field.getProto3Optional()) {
                    members.add(field);
                }
            }
            if (!members.isEmpty()) {
                sb.append("oneof ").append(message.getOneofDecl(i).getName()).append(" {\n");
                for (FieldDescriptorProto member : members) {
                    field(sb, member.toBuilder().setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL).build(), true, entries);
                }
                sb.append("}\n");
            }
        }
        for (DescriptorProto.ExtensionRange range : message.getExtensionRangeList()) {
            sb.append("extensions ").append(range.getStart()).append(" to ").append(range.getEnd() - 1).append(";\n");
        }
        for (DescriptorProto nested : message.getNestedTypeList()) {
            if (!nested.getOptions().getMapEntry()) {
                message(sb, nested, proto3);
            }
        }
        for (EnumDescriptorProto e : message.getEnumTypeList()) {
            enumeration(sb, e);
        }
        sb.append("}\n");
    }

    private static void field(StringBuilder sb, FieldDescriptorProto field, boolean proto3,
                              Map<String, DescriptorProto> entries) {
        String simple = field.getTypeName().substring(field.getTypeName().lastIndexOf('.') + 1);
        DescriptorProto entry = field.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED ? entries.get(simple) : null;
        if (entry != null) {
            sb.append("map<").append(typeName(entry.getField(0))).append(", ").append(typeName(entry.getField(1))).append("> ");
        } else {
            switch (field.getLabel()) {
                case LABEL_REPEATED -> sb.append("repeated ");
                case LABEL_REQUIRED -> sb.append("required ");
                default -> {
                    if (!proto3 || field.getProto3Optional()) {
                        sb.append("optional ");
                    }
                }
            }
            sb.append(typeName(field)).append(' ');
        }
        sb.append(field.getName()).append(" = ").append(field.getNumber());
        List<String> options = new ArrayList<>();
        if (field.getOptions().hasPacked()) {
            options.add("packed = " + field.getOptions().getPacked());
        }
        if (field.getOptions().hasDeprecated()) {
            options.add("deprecated = " + field.getOptions().getDeprecated());
        }
        if (field.hasDefaultValue()) {
            boolean quoted = field.getType() == FieldDescriptorProto.Type.TYPE_STRING
                    || field.getType() == FieldDescriptorProto.Type.TYPE_BYTES;
            options.add("default = " + (quoted ? "\"" + ProtoText.escape(field.getDefaultValue()) + "\"" : field.getDefaultValue()));
        }
        if (field.hasJsonName() && !field.getJsonName().equals(defaultJsonName(field.getName()))) {
            options.add("json_name = \"" + ProtoText.escape(field.getJsonName()) + "\"");
        }
        if (!options.isEmpty()) {
            sb.append(" [").append(String.join(", ", options)).append(']');
        }
        sb.append(";\n");
    }

    private static String typeName(FieldDescriptorProto field) {
        if (field.hasTypeName()) {
            return field.getTypeName();
        }
        return field.getType().name().substring("TYPE_".length()).toLowerCase(java.util.Locale.ROOT);
    }

    private static void enumeration(StringBuilder sb, EnumDescriptorProto e) {
        sb.append("enum ").append(e.getName()).append(" {\n");
        if (e.getOptions().hasAllowAlias()) {
            sb.append("option allow_alias = ").append(e.getOptions().getAllowAlias()).append(";\n");
        }
        for (EnumDescriptorProto.EnumReservedRange range : e.getReservedRangeList()) {
            sb.append("reserved ").append(range.getStart()).append(" to ").append(range.getEnd()).append(";\n");
        }
        for (String name : e.getReservedNameList()) {
            sb.append("reserved \"").append(name).append("\";\n");
        }
        for (EnumValueDescriptorProto value : e.getValueList()) {
            sb.append(value.getName()).append(" = ").append(value.getNumber()).append(";\n");
        }
        sb.append("}\n");
    }
}
