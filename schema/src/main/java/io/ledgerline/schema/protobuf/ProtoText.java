package io.ledgerline.schema.protobuf;

import com.squareup.wire.Syntax;
import com.squareup.wire.schema.Field;
import com.squareup.wire.schema.ProtoType;
import com.squareup.wire.schema.internal.parser.EnumConstantElement;
import com.squareup.wire.schema.internal.parser.EnumElement;
import com.squareup.wire.schema.internal.parser.FieldElement;
import com.squareup.wire.schema.internal.parser.MessageElement;
import com.squareup.wire.schema.internal.parser.OneOfElement;
import com.squareup.wire.schema.internal.parser.OptionElement;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import com.squareup.wire.schema.internal.parser.ReservedElement;
import com.squareup.wire.schema.internal.parser.ServiceElement;
import com.squareup.wire.schema.internal.parser.TypeElement;
import kotlin.ranges.IntRange;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The canonical text of a parsed {@code .proto} file, in the layout of Confluent's
 * {@code ProtobufSchemaUtils.toString} (so a schema stored here reads as it does on Confluent): {@code syntax},
 * {@code package}, imports, file options, messages then enums, services. Comments and whitespace are gone.
 * Inside a message: reserved, options, fields, oneofs, nested messages then nested enums, each block after a
 * blank-free newline and indented by two spaces.
 *
 * <p>Normalized (Confluent's {@code normalize=true}): {@code syntax = "proto2"} is dropped, imports sorted and
 * deduplicated, options sorted by name, fields sorted by tag, oneofs by their first tag, enum constants by tag
 * then name, each reserved value on its own line sorted, and every named field type fully qualified with a
 * leading dot ({@code .acme.Order.Item}), resolved through {@code resolve}. The order of messages is kept, as on
 * Confluent: message indexes in payloads count them.
 *
 * <p>Stateless; thread-safe.
 */
final class ProtoText {
    /** The largest field number; a reserved range ending there prints as {@code max}. */
    static final int TAG_MAX = 536_870_911;

    private final boolean normalize;
    /** Field type as written, in the scope of its message path ("Order.Item") → ".pkg.Type"; identity if not normalizing. */
    private final ScopedResolver resolve;

    /** Resolves a type name written inside a message to its full name. */
    interface ScopedResolver {
        String resolve(String scope, String typeName);
    }

    private ProtoText(boolean normalize, ScopedResolver resolve) {
        this.normalize = normalize;
        this.resolve = resolve;
    }

    static String of(ProtoFileElement file, boolean normalize, ScopedResolver resolve) {
        return new ProtoText(normalize, resolve).file(file);
    }

    private String file(ProtoFileElement file) {
        StringBuilder sb = new StringBuilder();
        if (file.getSyntax() != null && (!normalize || file.getSyntax() == Syntax.PROTO_3)) {
            sb.append("syntax = \"").append(file.getSyntax()).append("\";\n");
        }
        if (file.getPackageName() != null) {
            sb.append("package ").append(file.getPackageName()).append(";\n");
        }
        if (!file.getImports().isEmpty() || !file.getPublicImports().isEmpty()) {
            sb.append('\n');
            for (String name : sortedIf(file.getImports())) {
                sb.append("import \"").append(name).append("\";\n");
            }
            for (String name : sortedIf(file.getPublicImports())) {
                sb.append("import public \"").append(name).append("\";\n");
            }
        }
        List<OptionElement> options = options(file.getOptions());
        if (!options.isEmpty()) {
            sb.append('\n');
            for (OptionElement option : options) {
                sb.append("option ").append(option.toSchema()).append(";\n");
            }
        }
        if (!file.getTypes().isEmpty()) {
            sb.append('\n');
            types(sb, file.getTypes(), "", false);
        }
        if (!file.getServices().isEmpty()) {
            sb.append('\n');
            for (ServiceElement service : file.getServices()) {
                sb.append(service.toSchema());
            }
        }
        return sb.toString();
    }

    private List<String> sortedIf(List<String> names) {
        return normalize ? names.stream().sorted().distinct().toList() : names;
    }

    private List<OptionElement> options(List<OptionElement> options) {
        if (!normalize) {
            return options;
        }
        List<OptionElement> sorted = new ArrayList<>(options);
        sorted.sort(Comparator.comparing(OptionElement::getName));
        return sorted;
    }

    /** Messages first, then enums, each in declaration order (message indexes depend on it). */
    private void types(StringBuilder sb, List<TypeElement> types, String scope, boolean indent) {
        for (TypeElement type : types) {
            if (type instanceof MessageElement message) {
                append(sb, message(message, scope.isEmpty() ? message.getName() : scope + "." + message.getName()), indent);
            }
        }
        for (TypeElement type : types) {
            if (type instanceof EnumElement e) {
                append(sb, enumeration(e), indent);
            }
        }
    }

    private static void append(StringBuilder sb, String block, boolean indent) {
        if (!indent) {
            sb.append(block);
            return;
        }
        for (String line : block.split("\n")) {
            sb.append("  ").append(line).append('\n');
        }
    }

    private String message(MessageElement message, String scope) {
        StringBuilder sb = new StringBuilder("message ").append(message.getName()).append(" {");
        reserved(sb, message.getReserveds());
        List<OptionElement> options = options(message.getOptions());
        if (!options.isEmpty()) {
            sb.append('\n');
            for (OptionElement option : options) {
                append(sb, "option " + option.toSchema() + ";", true);
            }
        }
        if (!message.getFields().isEmpty()) {
            sb.append('\n');
            for (FieldElement field : byTag(message.getFields(), FieldElement::getTag)) {
                append(sb, field(field, scope), true);
            }
        }
        List<OneOfElement> oneOfs = new ArrayList<>(message.getOneOfs());
        if (normalize) {
            oneOfs.removeIf(o -> o.getFields().isEmpty());
            oneOfs.sort(Comparator.comparing(o -> o.getFields().stream().mapToInt(FieldElement::getTag).min().orElse(0)));
        }
        if (!oneOfs.isEmpty()) {
            sb.append('\n');
            for (OneOfElement oneOf : oneOfs) {
                StringBuilder o = new StringBuilder("oneof ").append(oneOf.getName()).append(" {");
                List<OptionElement> oneOfOptions = options(oneOf.getOptions());
                if (!oneOfOptions.isEmpty()) {
                    o.append('\n');
                    for (OptionElement option : oneOfOptions) {
                        append(o, "option " + option.toSchema() + ";", true);
                    }
                }
                if (!oneOf.getFields().isEmpty()) {
                    o.append('\n');
                    for (FieldElement field : byTag(oneOf.getFields(), FieldElement::getTag)) {
                        append(o, field(field, scope), true);
                    }
                }
                append(sb, o.append("}").toString(), true);
            }
        }
        if (!message.getExtensions().isEmpty()) {
            sb.append('\n');
            message.getExtensions().forEach(e -> append(sb, e.toSchema(), true));
        }
        if (!message.getNestedTypes().isEmpty()) {
            sb.append('\n');
            types(sb, message.getNestedTypes(), scope, true);
        }
        return sb.append("}\n").toString();
    }

    private <T> List<T> byTag(List<T> items, Function<T, Integer> tag) {
        if (!normalize) {
            return items;
        }
        List<T> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparing(tag));
        return sorted;
    }

    private String field(FieldElement field, String scope) {
        StringBuilder sb = new StringBuilder();
        Field.Label label = field.getLabel();
        String type = field.getType();
        if (normalize) {
            ProtoType protoType = ProtoType.get(type);
            if (protoType.isMap()) {
                type = "map<" + protoType.getKeyType() + ", " + qualified(scope, protoType.getValueType()) + ">";
            } else {
                type = qualified(scope, protoType);
            }
        }
        if (label != null && label != Field.Label.ONE_OF) {
            sb.append(label.name().toLowerCase(Locale.ROOT)).append(' ');
        }
        sb.append(type).append(' ').append(field.getName()).append(" = ").append(field.getTag());
        List<String> options = new ArrayList<>();
        for (OptionElement option : options(field.getOptions())) {
            options.add(option.toSchema());
        }
        if (field.getDefaultValue() != null) {
            ProtoType protoType = ProtoType.get(field.getType());
            boolean quoted = protoType.equals(ProtoType.STRING) || protoType.equals(ProtoType.BYTES);
            options.add("default = " + (quoted ? "\"" + escape(field.getDefaultValue()) + "\"" : field.getDefaultValue()));
        }
        if (field.getJsonName() != null) {
            options.add("json_name = \"" + escape(field.getJsonName()) + "\"");
        }
        if (options.size() == 1) {
            sb.append(" [").append(options.get(0)).append(']');
        } else if (!options.isEmpty()) {
            sb.append(" [\n");
            for (int i = 0; i < options.size(); i++) {
                append(sb, options.get(i) + (i < options.size() - 1 ? "," : ""), true);
            }
            sb.append(']');
        }
        return sb.append(";\n").toString();
    }

    private String qualified(String scope, ProtoType type) {
        return type.isScalar() ? type.toString() : resolve.resolve(scope, type.toString());
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private String enumeration(EnumElement e) {
        StringBuilder sb = new StringBuilder("enum ").append(e.getName()).append(" {");
        reserved(sb, e.getReserveds());
        if (e.getReserveds().isEmpty() && (!e.getOptions().isEmpty() || !e.getConstants().isEmpty())) {
            sb.append('\n');
        }
        for (OptionElement option : options(e.getOptions())) {
            append(sb, "option " + option.toSchema() + ";", true);
        }
        List<EnumConstantElement> constants = new ArrayList<>(e.getConstants());
        if (normalize) {
            constants.sort(Comparator.comparing(EnumConstantElement::getTag).thenComparing(EnumConstantElement::getName));
        }
        for (EnumConstantElement constant : constants) {
            StringBuilder c = new StringBuilder(constant.getName()).append(" = ").append(constant.getTag());
            List<OptionElement> options = options(constant.getOptions());
            if (!options.isEmpty()) {
                c.append(" [").append(String.join(", ", options.stream().map(OptionElement::toSchema).toList())).append(']');
            }
            append(sb, c.append(";").toString(), true);
        }
        return sb.append("}\n").toString();
    }

    private void reserved(StringBuilder sb, List<ReservedElement> reserveds) {
        if (reserveds.isEmpty()) {
            return;
        }
        sb.append('\n');
        List<List<Object>> lines = new ArrayList<>();
        for (ReservedElement reserved : reserveds) {
            if (normalize) {
                reserved.getValues().forEach(v -> lines.add(List.of(v)));
            } else {
                lines.add(reserved.getValues());
            }
        }
        if (normalize) {
            lines.sort(Comparator.<List<Object>, Integer>comparing(l -> start(l.get(0))).thenComparing(l -> l.get(0).toString()));
        }
        for (List<Object> values : lines) {
            List<String> parts = new ArrayList<>();
            for (Object value : values) {
                if (value instanceof String name) {
                    parts.add("\"" + name + "\"");
                } else if (value instanceof IntRange range) {
                    if (normalize && range.getFirst() == range.getLast()) {
                        parts.add(String.valueOf(range.getFirst()));
                    } else {
                        parts.add(range.getFirst() + " to " + (range.getLast() < TAG_MAX ? String.valueOf(range.getLast()) : "max"));
                    }
                } else {
                    parts.add(String.valueOf(value));
                }
            }
            append(sb, "reserved " + String.join(", ", parts) + ";", true);
        }
    }

    private static int start(Object value) {
        if (value instanceof IntRange range) {
            return range.getFirst();
        }
        return value instanceof Integer i ? i : Integer.MAX_VALUE;
    }
}
