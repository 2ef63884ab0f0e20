package io.ledgerline.schema.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerline.schema.Reference;
import io.ledgerline.schema.SchemaType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One record of the {@code _schemas} topic, in Confluent Schema Registry's own key/value format, so a topic
 * written by Confluent or Karapace replays here and one written here replays there. Keys and values are JSON:
 * <pre>
 *   keytype         key                                                      value (null = tombstone)
 *   SCHEMA          {"keytype":"SCHEMA","subject":s,"version":v,"magic":1}  {"subject","version","id","schema",
 *                                                                             "schemaType" (absent = AVRO),
 *                                                                             "references" (absent = none:
 *                                                                             [{"name","subject","version"}]),"deleted"}
 *   CONFIG          {"keytype":"CONFIG","subject":s|null,"magic":0}         {"compatibilityLevel":"FULL"}
 *   DELETE_SUBJECT  {"keytype":"DELETE_SUBJECT","subject":s,"magic":0}      {"subject":s,"version":v}: versions
 *                                                                            up to v are soft-deleted
 *   CLEAR_SUBJECT   {"keytype":"CLEAR_SUBJECT","subject":s,"magic":0}       {"subject":s,"version":v}: soft-deleted
 *                                                                            versions up to v are removed
 *   MODE            {"keytype":"MODE","subject":s|null,"magic":0}           {"mode":"READONLY"}
 *   NOOP            {"keytype":"NOOP","magic":0}                             (Confluent's reader barrier)
 * </pre>
 * A SCHEMA tombstone is a permanent delete of that version; a CONFIG tombstone removes that config. Other key
 * types Confluent writes (CONTEXT, ASSOC) decode to {@link Ignored}: replay skips them and counts them.
 */
public sealed interface SchemasRecord {
    ObjectMapper JSON = new ObjectMapper();

    /** A version of a subject, or (value null) the permanent delete of one. */
    record SchemaVersion(String subject, int version, int id, SchemaType type, String schema, boolean deleted,
                         List<Reference> references) implements SchemasRecord {
        public SchemaVersion {
            references = List.copyOf(references);
        }

        public SchemaVersion(String subject, int version, int id, SchemaType type, String schema, boolean deleted) {
            this(subject, version, id, type, schema, deleted, List.of());
        }
    }

    record SchemaTombstone(String subject, int version) implements SchemasRecord {
    }

    /** A compatibility level for a subject, or the global one when {@code subject} is null; level null = removed. */
    record Config(String subject, String compatibilityLevel) implements SchemasRecord {
    }

    /** A mode for a subject, or the global one when {@code subject} is null; mode null = removed. */
    record Mode(String subject, String mode) implements SchemasRecord {
    }

    record DeleteSubject(String subject, int version) implements SchemasRecord {
    }

    record ClearSubject(String subject, int version) implements SchemasRecord {
    }

    record Noop() implements SchemasRecord {
    }

    /** A record this registry does not interpret (another key type, or bytes that are not its format). */
    record Ignored(String why) implements SchemasRecord {
    }

    /** The key and value bytes of a record to write; value null is a tombstone. */
    record Bytes(byte[] key, byte[] value) {
    }

    static Bytes encode(SchemasRecord record) {
        ObjectNode key = JSON.createObjectNode();
        ObjectNode value = JSON.createObjectNode();
        if (record instanceof SchemaVersion s) {
            key.put("keytype", "SCHEMA").put("subject", s.subject()).put("version", s.version()).put("magic", 1);
            value.put("subject", s.subject()).put("version", s.version()).put("id", s.id());
            if (s.type() != SchemaType.AVRO) {
                value.put("schemaType", s.type().name());
            }
            value.put("schema", s.schema());
            if (!s.references().isEmpty()) {
                var references = value.putArray("references");
                for (Reference r : s.references()) {
                    references.addObject().put("name", r.name()).put("subject", r.subject()).put("version", r.version());
                }
            }
            value.put("deleted", s.deleted());
        } else if (record instanceof SchemaTombstone t) {
            key.put("keytype", "SCHEMA").put("subject", t.subject()).put("version", t.version()).put("magic", 1);
            value = null;
        } else if (record instanceof Config c) {
            key.put("keytype", "CONFIG").put("subject", c.subject()).put("magic", 0);
            if (c.compatibilityLevel() == null) {
                value = null;
            } else {
                value.put("compatibilityLevel", c.compatibilityLevel());
            }
        } else if (record instanceof Mode m) {
            key.put("keytype", "MODE").put("subject", m.subject()).put("magic", 0);
            if (m.mode() == null) {
                value = null;
            } else {
                value.put("mode", m.mode());
            }
        } else if (record instanceof DeleteSubject d) {
            key.put("keytype", "DELETE_SUBJECT").put("subject", d.subject()).put("magic", 0);
            value.put("subject", d.subject()).put("version", d.version());
        } else if (record instanceof ClearSubject d) {
            key.put("keytype", "CLEAR_SUBJECT").put("subject", d.subject()).put("magic", 0);
            value.put("subject", d.subject()).put("version", d.version());
        } else if (record instanceof Noop) {
            key.put("keytype", "NOOP").put("magic", 0);
            value = null;
        } else {
            throw new IllegalArgumentException("an ignored record is never written: " + record);
        }
        return new Bytes(bytes(key), value == null ? null : bytes(value));
    }

    private static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes a record read from the topic; never throws: what it cannot read becomes {@link Ignored}. */
    static SchemasRecord decode(byte[] keyBytes, byte[] valueBytes) {
        if (keyBytes == null) {
            return new Ignored("a record without a key");
        }
        try {
            JsonNode key = JSON.readTree(keyBytes);
            JsonNode value = valueBytes == null ? null : JSON.readTree(valueBytes);
            String keytype = key.path("keytype").asText("");
            String subject = key.path("subject").isTextual() ? key.get("subject").asText() : null;
            switch (keytype) {
                case "SCHEMA" -> {
                    int version = key.path("version").asInt(-1);
                    if (subject == null || version < 1) {
                        return new Ignored("a SCHEMA key without subject or version: " + key);
                    }
                    if (value == null) {
                        return new SchemaTombstone(subject, version);
                    }
                    var type = SchemaType.named(value.path("schemaType").isTextual() ? value.get("schemaType").asText() : null);
                    if (type.isEmpty() || !value.path("id").canConvertToInt() || !value.path("schema").isTextual()) {
                        return new Ignored("a SCHEMA value without id, schema or a known schemaType: " + value);
                    }
                    List<Reference> references = new ArrayList<>();
                    for (JsonNode r : value.path("references")) {
                        if (!r.path("name").isTextual() || !r.path("subject").isTextual() || !r.path("version").canConvertToInt()) {
                            return new Ignored("a SCHEMA value with a malformed reference: " + value);
                        }
                        references.add(new Reference(r.get("name").asText(), r.get("subject").asText(), r.get("version").asInt()));
                    }
                    return new SchemaVersion(subject, version, value.get("id").asInt(), type.get(),
                            value.get("schema").asText(), value.path("deleted").asBoolean(false), references);
                }
                case "CONFIG" -> {
                    if (value == null) {
                        return new Config(subject, null);
                    }
                    JsonNode level = value.path("compatibilityLevel");
                    return level.isTextual() ? new Config(subject, level.asText())
                            : new Ignored("a CONFIG value without compatibilityLevel: " + value);
                }
                case "MODE" -> {
                    if (value == null) {
                        return new Mode(subject, null);
                    }
                    JsonNode mode = value.path("mode");
                    return mode.isTextual() ? new Mode(subject, mode.asText())
                            : new Ignored("a MODE value without mode: " + value);
                }
                case "DELETE_SUBJECT", "CLEAR_SUBJECT" -> {
                    if (subject == null || value == null || !value.path("version").canConvertToInt()) {
                        return new Ignored(keytype + " without subject or version");
                    }
                    int version = value.get("version").asInt();
                    return keytype.equals("DELETE_SUBJECT") ? new DeleteSubject(subject, version)
                            : new ClearSubject(subject, version);
                }
                case "NOOP" -> {
                    return new Noop();
                }
                default -> {
                    return new Ignored("key type " + keytype + " is not interpreted by this registry");
                }
            }
        } catch (IOException e) {
            return new Ignored("not JSON: " + e.getMessage());
        }
    }
}
