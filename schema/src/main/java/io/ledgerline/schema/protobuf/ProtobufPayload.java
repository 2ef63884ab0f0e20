package io.ledgerline.schema.protobuf;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.util.Optional;

/**
 * Whether bytes are one Protobuf message of a descriptor. protobuf-java's {@link DynamicMessage} decodes them
 * (required fields, UTF-8 of proto3 strings, lengths); before it, a walk over the fields names the path of the
 * first field that breaks ({@code Order.items.qty}) and catches what {@code DynamicMessage} would silently keep as
 * an unknown field: a known field number written with another wire type than its type's, which means the
 * producer wrote another schema. Unknown field numbers pass, as protobuf readers keep them.
 *
 * <p>Stateless; thread-safe.
 */
final class ProtobufPayload {
    /** Nested messages followed; protobuf-java's own default recursion limit. */
    static final int DEPTH_MAX = 100;

    private ProtobufPayload() {
    }

    static Optional<String> check(Descriptor type, byte[] array, int offset, int length) {
        try {
            Optional<String> broken = walk(type, CodedInputStream.newInstance(array, offset, length), type.getName(), 0);
            if (broken.isPresent()) {
                return broken;
            }
            DynamicMessage.parseFrom(type, CodedInputStream.newInstance(array, offset, length));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(type.getName() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            // protobuf-java signals some malformed input with unchecked exceptions; the payload fails, never the caller.
            return Optional.of(type.getName() + ": " + e);
        }
    }

    private static Optional<String> walk(Descriptor type, CodedInputStream in, String path, int depth) throws IOException {
        if (depth > DEPTH_MAX) {
            return Optional.of(path + ": nested deeper than " + DEPTH_MAX + " messages");
        }
        while (!in.isAtEnd()) {
            int tag;
            try {
                tag = in.readTag();
            } catch (InvalidProtocolBufferException e) {
                return Optional.of(path + ": " + e.getMessage());
            }
            int number = WireFormat.getTagFieldNumber(tag);
            int wireType = WireFormat.getTagWireType(tag);
            FieldDescriptor field = type.findFieldByNumber(number);
            String at = path + "." + (field == null ? "#" + number : field.getName());
            try {
                if (field == null) {
                    in.skipField(tag);
                    continue;
                }
                int expected = field.getLiteType().getWireType();
                boolean packed = field.isPackable() && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED;
                if (wireType != expected && !packed) {
                    return Optional.of(at + " (field " + number + "): wire type " + wireType + ", but a "
                            + field.getType().name().toLowerCase(java.util.Locale.ROOT) + " field is written with wire type "
                            + expected);
                }
                if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    ByteString bytes = in.readBytes();
                    Optional<String> inner = walk(field.getMessageType(), bytes.newCodedInput(), at, depth + 1);
                    if (inner.isPresent()) {
                        return inner;
                    }
                } else if (field.getType() == FieldDescriptor.Type.STRING && !packed) {
                    ByteString bytes = in.readBytes();
                    if (field.getFile().toProto().getSyntax().equals("proto3") && !bytes.isValidUtf8()) {
                        return Optional.of(at + " (field " + number + "): a string that is not valid UTF-8");
                    }
                } else {
                    in.skipField(tag);
                }
            } catch (InvalidProtocolBufferException e) {
                return Optional.of(at + " (field " + number + "): " + e.getMessage());
            }
        }
        return Optional.empty();
    }
}
