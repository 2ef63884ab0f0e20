package io.ledgerline.schema.protobuf;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.squareup.wire.schema.Location;
import com.squareup.wire.schema.internal.parser.MessageElement;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import com.squareup.wire.schema.internal.parser.ProtoParser;
import com.squareup.wire.schema.internal.parser.TypeElement;
import io.ledgerline.schema.Compatibility;
import io.ledgerline.schema.InvalidSchemaException;
import io.ledgerline.schema.ParsedSchema;
import io.ledgerline.schema.SchemaFormat;
import io.ledgerline.schema.SchemaType;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Protobuf: a {@code .proto} file (proto2 or proto3) parsed by Square's Wire ({@code wire-schema}; a syntax
 * error names its line and column), or a base64 serialized {@code FileDescriptorProto} as confluent-kafka-python
 * registers one (turned into {@code .proto} text first, so both give one model). protobuf-java links the file
 * into a {@link FileDescriptor}: an unknown type, a duplicate field number or the like is refused with its
 * message. Imports resolve to the well-known types only (no schema references yet).
 *
 * <p>The canonical text is Confluent's layout ({@link ProtoText}); {@code normalize} is Confluent's normalized
 * form. Compatibility is Confluent's Protobuf rules ({@link ProtobufDiff}). A payload is the message indexes
 * ({@link MessageIndexes}, current or older encoding) and then one message of the type they name, decoded by
 * protobuf-java's {@code DynamicMessage} ({@link ProtobufPayload}).
 *
 * <p>Stateless and thread-safe: the descriptors a {@link ParsedSchema} holds are immutable.
 */
public final class ProtobufFormat implements SchemaFormat {
    public static final ProtobufFormat INSTANCE = new ProtobufFormat();

    /** Confluent's location for a schema without a file name; Wire's messages then read ":3:7: ...". */
    private static final Location LOCATION = Location.get("");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=\\s]+");

    /** What a parsed Protobuf schema holds: Wire's elements (the text's shape) and the linked descriptors. */
    record Model(ProtoFileElement file, FileDescriptor descriptor) {
        /** The message that message indexes name, or null if they name none. */
        Descriptor message(List<Integer> indexes) {
            List<TypeElement> types = file.getTypes();
            List<Descriptor> descriptors = descriptor.getMessageTypes();
            Descriptor found = null;
            for (int index : indexes) {
                List<MessageElement> messages = types.stream().filter(MessageElement.class::isInstance)
                        .map(MessageElement.class::cast).toList();
                if (index >= messages.size()) {
                    return null;
                }
                String name = messages.get(index).getName();
                found = descriptors.stream().filter(d -> d.getName().equals(name)).findFirst().orElse(null);
                if (found == null) {
                    return null;
                }
                types = messages.get(index).getNestedTypes();
                descriptors = found.getNestedTypes();
            }
            return found;
        }
    }

    private ProtobufFormat() {
    }

    @Override
    public SchemaType type() {
        return SchemaType.PROTOBUF;
    }

    @Override
    public ParsedSchema parse(String text, boolean normalize) throws InvalidSchemaException {
        return parse(text, normalize, Map.of());
    }

    /** With references: an {@code import} may name a reference, whose schema must be a Protobuf one. */
    @Override
    public ParsedSchema parse(String text, boolean normalize, Map<String, ParsedSchema> references)
            throws InvalidSchemaException {
        Map<String, FileDescriptor> files = new HashMap<>();
        for (Map.Entry<String, ParsedSchema> reference : references.entrySet()) {
            if (reference.getValue().type() != SchemaType.PROTOBUF) {
                throw new InvalidSchemaException("Invalid Protobuf schema: the reference " + reference.getKey()
                        + " is a " + reference.getValue().type() + " schema, not a Protobuf one");
            }
            files.put(reference.getKey(), reference.getValue().model(Model.class).descriptor());
        }
        ProtoFileElement file;
        try {
            file = ProtoParser.Companion.parse(LOCATION, text);
        } catch (RuntimeException e) {
            String descriptorText = descriptorText(text);
            if (descriptorText == null) {
                throw new InvalidSchemaException("Invalid Protobuf schema: " + e.getMessage(), e);
            }
            try {
                file = ProtoParser.Companion.parse(LOCATION, descriptorText);
            } catch (RuntimeException again) {
                throw new InvalidSchemaException("Invalid Protobuf schema (a FileDescriptorProto): " + again.getMessage(), again);
            }
        }
        FileDescriptor descriptor;
        try {
            descriptor = ProtoDescriptors.link(file, files);
        } catch (InvalidSchemaException e) {
            throw new InvalidSchemaException("Invalid Protobuf schema: " + e.getMessage(), e);
        }
        Set<String> names = new HashSet<>();
        collect(descriptor, names, new HashSet<>());
        String pkg = descriptor.getPackage();
        String canonical = ProtoText.of(file, normalize, (scope, name) -> resolve(names, pkg, scope, name));
        return new ParsedSchema(this, canonical, new Model(file, descriptor));
    }

    /** The {@code .proto} text of a base64 {@code FileDescriptorProto}, or null if the text is not one. */
    private static String descriptorText(String text) {
        if (!BASE64.matcher(text).matches()) {
            return null;
        }
        try {
            byte[] bytes = Base64.getMimeDecoder().decode(text.strip());
            FileDescriptorProto proto = FileDescriptorProto.parseFrom(bytes);
            return proto.getMessageTypeCount() + proto.getEnumTypeCount() == 0 && !proto.hasPackage()
                    && !proto.hasSyntax() ? null : ProtoDescriptors.toText(proto);
        } catch (IllegalArgumentException | InvalidProtocolBufferException e) {
            return null;
        }
    }

    private static void collect(FileDescriptor file, Set<String> names, Set<FileDescriptor> seen) {
        if (!seen.add(file)) {
            return;
        }
        for (Descriptor message : file.getMessageTypes()) {
            collect(message, names);
        }
        for (EnumDescriptor e : file.getEnumTypes()) {
            names.add(e.getFullName());
        }
        for (FileDescriptor dependency : file.getDependencies()) {
            collect(dependency, names, seen);
        }
    }

    private static void collect(Descriptor message, Set<String> names) {
        names.add(message.getFullName());
        message.getNestedTypes().forEach(m -> collect(m, names));
        message.getEnumTypes().forEach(e -> names.add(e.getFullName()));
    }

    /**
     * protobuf's scoping: a name written in message {@code A.B} of package {@code p} is looked up as
     * {@code p.A.B.name}, {@code p.A.name}, {@code p.name}, then outward through the package; a leading dot is
     * already full. The name linked, so one of them exists.
     */
    static String resolve(Set<String> names, String pkg, String scope, String name) {
        if (name.startsWith(".")) {
            return name;
        }
        List<String> parts = new ArrayList<>();
        if (!pkg.isEmpty()) {
            parts.addAll(List.of(pkg.split("\\.")));
        }
        if (!scope.isEmpty()) {
            parts.addAll(List.of(scope.split("\\.")));
        }
        for (int i = parts.size(); i >= 0; i--) {
            String candidate = i == 0 ? name : String.join(".", parts.subList(0, i)) + "." + name;
            if (names.contains(candidate)) {
                return "." + candidate;
            }
        }
        return name;
    }

    @Override
    public List<String> incompatibilities(ParsedSchema reader, ParsedSchema writer, Compatibility.Direction direction) {
        List<String> messages = new ArrayList<>();
        for (ProtobufDiff.Difference difference : ProtobufDiff.compare(writer.model(Model.class).descriptor(),
                reader.model(Model.class).descriptor())) {
            if (!difference.type().compatible) {
                messages.add(Compatibility.message(difference.type().name(),
                        description(difference, direction.readerRole(), direction.writerRole()), difference.path(), direction));
            }
        }
        return messages;
    }

    /** Confluent's descriptions, with the roles of the two schemas filled in. */
    static String description(ProtobufDiff.Difference difference, String reader, String writer) {
        String at = "'" + difference.path() + "'";
        return switch (difference.type()) {
            case PACKAGE_CHANGED -> "The package at " + at + " in the " + reader
                    + " schema does not match the package in the " + writer + " schema";
            case MESSAGE_REMOVED -> "The " + reader + " schema is missing a MESSAGE type at path " + at + " in the "
                    + writer + " schema";
            case FIELD_KIND_CHANGED -> "The type of a field at path " + at + " in the " + reader
                    + " schema does not match the " + writer + " schema";
            case FIELD_SCALAR_KIND_CHANGED -> "The kind of a SCALAR field at path " + at + " in the " + reader
                    + " schema does not match its kind in the " + writer + " schema";
            case FIELD_NAMED_TYPE_CHANGED -> "The type of a MESSAGE field at path " + at + " in the " + reader
                    + " schema does not match its type in the " + writer + " schema";
            case FIELD_NUMERIC_LABEL_CHANGED -> "The label for a NUMERIC field at path " + at + " in the " + reader
                    + " schema does not match its label in the " + writer + " schema";
            case REQUIRED_FIELD_ADDED -> "A required field at path " + at + " in the " + reader
                    + " schema is missing in the " + writer + " schema";
            case REQUIRED_FIELD_REMOVED -> "The " + reader + " schema is missing a required field at path " + at
                    + " in the " + writer + " schema";
            case ONEOF_FIELD_REMOVED -> "The " + reader + " schema is missing a oneof field at path " + at + " in the "
                    + writer + " schema";
            case MULTIPLE_FIELDS_MOVED_TO_ONEOF -> "Multiple fields in the oneof at path " + at + " in the " + reader
                    + " schema are outside a oneof in the " + writer + " schema";
            case FIELD_MOVED_TO_EXISTING_ONEOF -> "A field in the oneof at path " + at + " in the " + reader
                    + " schema is outside an existing oneof in the " + writer + " schema";
            default -> difference.type() + " at path " + at;
        };
    }

    /**
     * Valid when the message indexes name a message of the schema and the rest is one message of it. The current
     * (zig-zag) encoding of the indexes is tried first, then the older unsigned one; the first failure is named.
     */
    @Override
    public Optional<String> nonConformance(ParsedSchema schema, int schemaId, byte[] array, int offset, int length) {
        Model model = schema.model(Model.class);
        Optional<String> current = attempt(model, schemaId, array, offset, length, true);
        if (current.isEmpty()) {
            return current;
        }
        Optional<String> older = attempt(model, schemaId, array, offset, length, false);
        return older.isEmpty() ? older : current;
    }

    private static Optional<String> attempt(Model model, int schemaId, byte[] array, int offset, int length, boolean zigZag) {
        MessageIndexes.Read read = MessageIndexes.read(array, offset, length, zigZag);
        if (read.error() != null) {
            return Optional.of("the Protobuf payload of schema id " + schemaId + " has no valid message indexes: "
                    + read.error());
        }
        Descriptor message = model.message(read.indexes());
        if (message == null) {
            return Optional.of("the message indexes " + read.indexes() + " name no message of schema id " + schemaId);
        }
        return ProtobufPayload.check(message, array, offset + read.bytes(), length - read.bytes())
                .map(why -> "the payload is not a " + message.getFullName() + " of schema id " + schemaId + ": " + why);
    }
}
