package io.ledgerline.registry.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerline.registry.Registry;
import io.ledgerline.registry.RegistryException;
import io.ledgerline.registry.store.StoreException;
import io.ledgerline.schema.Reference;
import io.ledgerline.schema.SchemaType;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Confluent Schema Registry's REST API over a {@link Registry}: paths, bodies, statuses and error bodies
 * {@code {"error_code": N, "message": "..."}} as Confluent answers them, in its content type
 * {@code application/vnd.schemaregistry.v1+json}. Every handler is blocking (a write waits for its replay),
 * so all run on Vert.x worker threads, never on the event loop.
 */
public final class RegistryHttp {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttp.class);
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** Largest request body, in bytes: a schema of a few MiB is already unusual. */
    public static final long BODY_BYTES_MAX = 16L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Registry registry;

    private RegistryHttp(Registry registry) {
        this.registry = registry;
    }

    /** A router serving the registry's API. */
    public static Router router(Vertx vertx, Registry registry) {
        RegistryHttp api = new RegistryHttp(registry);
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create().setBodyLimit(BODY_BYTES_MAX));
        router.get("/").handler(ctx -> api.ok(ctx, JSON.createObjectNode()));

        router.get("/subjects").blockingHandler(api.handle(api::listSubjects));
        router.get("/subjects/:subject/versions").blockingHandler(api.handle(api::listVersions));
        router.post("/subjects/:subject/versions").blockingHandler(api.handle(api::register));
        router.get("/subjects/:subject/versions/:version").blockingHandler(api.handle(api::getVersion));
        router.get("/subjects/:subject/versions/:version/schema").blockingHandler(api.handle(api::getVersionSchema));
        router.delete("/subjects/:subject/versions/:version").blockingHandler(api.handle(api::deleteVersion));
        router.get("/subjects/:subject/versions/:version/referencedby").blockingHandler(api.handle(api::referencedBy));
        router.post("/subjects/:subject").blockingHandler(api.handle(api::lookup));
        router.delete("/subjects/:subject").blockingHandler(api.handle(api::deleteSubject));

        router.get("/schemas/types").handler(api.handle(ctx -> api.ok(ctx, SchemaType.supportedNames())));
        router.getWithRegex("/schemas/ids/(?<id>-?[0-9]+)").blockingHandler(api.handle(api::getById));
        router.getWithRegex("/schemas/ids/(?<id>-?[0-9]+)/schema").blockingHandler(api.handle(api::getByIdSchema));
        router.getWithRegex("/schemas/ids/(?<id>-?[0-9]+)/subjects").blockingHandler(api.handle(api::getByIdSubjects));
        router.getWithRegex("/schemas/ids/(?<id>-?[0-9]+)/versions").blockingHandler(api.handle(api::getByIdVersions));

        router.get("/config").blockingHandler(api.handle(ctx -> api.ok(ctx, level(api.registry.globalLevel().name()))));
        router.put("/config").blockingHandler(api.handle(ctx -> api.putConfig(ctx, null)));
        router.delete("/config").blockingHandler(api.handle(ctx -> api.ok(ctx, level(api.registry.deleteLevel(null).name()))));
        router.get("/config/:subject").blockingHandler(api.handle(api::getSubjectConfig));
        router.put("/config/:subject").blockingHandler(api.handle(ctx -> api.putConfig(ctx, ctx.pathParam("subject"))));
        router.delete("/config/:subject").blockingHandler(api.handle(
                ctx -> api.ok(ctx, level(api.registry.deleteLevel(ctx.pathParam("subject")).name()))));

        router.get("/mode").blockingHandler(api.handle(ctx -> api.ok(ctx, mode(api.registry.mode(null, false).name()))));
        router.put("/mode").blockingHandler(api.handle(ctx -> api.putMode(ctx, null)));
        router.get("/mode/:subject").blockingHandler(api.handle(ctx -> api.ok(ctx,
                mode(api.registry.mode(ctx.pathParam("subject"), flag(ctx, "defaultToGlobal")).name()))));
        router.put("/mode/:subject").blockingHandler(api.handle(ctx -> api.putMode(ctx, ctx.pathParam("subject"))));
        router.delete("/mode/:subject").blockingHandler(api.handle(
                ctx -> api.ok(ctx, mode(api.registry.deleteMode(ctx.pathParam("subject")).name()))));

        router.post("/compatibility/subjects/:subject/versions/:version").blockingHandler(api.handle(api::compatibility));
        router.post("/compatibility/subjects/:subject/versions").blockingHandler(api.handle(api::compatibilityAll));

        router.errorHandler(404, ctx -> error(ctx, 404, 404, "HTTP 404 Not Found"));
        router.errorHandler(405, ctx -> error(ctx, 405, 405, "HTTP 405 Method Not Allowed"));
        router.errorHandler(413, ctx -> error(ctx, 413, 413, "the request body exceeds " + BODY_BYTES_MAX + " bytes"));
        router.errorHandler(500, ctx -> {
            LOG.error("registry request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
            error(ctx, 500, 50001, "Internal Server Error: " + ctx.failure());
        });
        return router;
    }

    private interface Action {
        void run(RoutingContext ctx) throws RegistryException, StoreException, BadRequest;
    }

    /** Malformed JSON: 400, as Confluent's REST layer answers a body it cannot parse. */
    private static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message);
        }
    }

    private Handler<RoutingContext> handle(Action action) {
        return ctx -> {
            try {
                action.run(ctx);
            } catch (RegistryException e) {
                error(ctx, e.status(), e.errorCode(), e.getMessage());
            } catch (StoreException e) {
                LOG.warn("registry store: {}", e.getMessage());
                error(ctx, 500, e.errorCode(), e.getMessage());
            } catch (BadRequest e) {
                error(ctx, 400, 400, e.getMessage());
            }
        };
    }

    private static void error(RoutingContext ctx, int status, int code, String message) {
        ObjectNode body = JSON.createObjectNode().put("error_code", code).put("message", message);
        ctx.response().setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE).end(body.toString());
    }

    private void ok(RoutingContext ctx, Object body) {
        String text;
        try {
            text = body instanceof String s ? s : JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a registry answer that Jackson cannot write: " + body, e);
        }
        ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(text);
    }

    private static ObjectNode level(String level) {
        return JSON.createObjectNode().put("compatibilityLevel", level);
    }

    private static ObjectNode mode(String mode) {
        return JSON.createObjectNode().put("mode", mode);
    }

    private void putMode(RoutingContext ctx, String subject) throws RegistryException, StoreException, BadRequest {
        JsonNode mode = body(ctx).get("mode");
        ok(ctx, mode(registry.setMode(subject, mode != null && mode.isTextual() ? mode.asText() : null,
                flag(ctx, "force")).name()));
    }

    private static boolean flag(RoutingContext ctx, String name) {
        return Boolean.parseBoolean(ctx.request().getParam(name));
    }

    private static int id(RoutingContext ctx) throws RegistryException {
        try {
            return Integer.parseInt(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new RegistryException(404, RegistryException.SCHEMA_NOT_FOUND, "Schema " + ctx.pathParam("id") + " not found");
        }
    }

    private static JsonNode body(RoutingContext ctx) throws BadRequest {
        String text = ctx.body() == null ? null : ctx.body().asString();
        if (text == null || text.isBlank()) {
            throw new BadRequest("the request has no JSON body");
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (!node.isObject()) {
                throw new BadRequest("the request body must be a JSON object, not " + node.getNodeType());
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new BadRequest("Unexpected JSON in the request body: " + e.getOriginalMessage());
        }
    }

    /** The schema request body {@code {"schema": text, "schemaType": type, "references": [...]}}. */
    private record SchemaRequest(String type, String schema, Integer id, Integer version, List<Reference> references) {
    }

    private static SchemaRequest schemaRequest(RoutingContext ctx) throws BadRequest, RegistryException {
        JsonNode body = body(ctx);
        List<Reference> references = references(body.path("references"));
        JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !type.isTextual()) {
            throw new RegistryException(422, RegistryException.INVALID_SCHEMA, "schemaType must be a string");
        }
        JsonNode schema = body.get("schema");
        if (schema == null || schema.isNull() || (schema.isTextual() && schema.asText().isBlank())) {
            throw new RegistryException(422, RegistryException.INVALID_SCHEMA, "Empty schema");
        }
        if (!schema.isTextual()) {
            throw new RegistryException(422, RegistryException.INVALID_SCHEMA,
                    "schema must be the schema's text as a JSON string, not " + schema.getNodeType());
        }
        return new SchemaRequest(type == null || type.isNull() ? null : type.asText(), schema.asText(),
                optionalInt(body, "id"), optionalInt(body, "version"), references);
    }

    /** An optional integer field of a request body (absent, null or negative = not given, as Confluent reads -1). */
    private static Integer optionalInt(JsonNode body, String field) throws RegistryException {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber()) {
            throw new RegistryException(422, RegistryException.INVALID_SCHEMA, field + " must be an integer, not " + node);
        }
        return node.asInt() < 0 ? null : node.asInt();
    }

    /** {@code [{"name": n, "subject": s, "version": v}, ...]}; absent or null is none. */
    private static List<Reference> references(JsonNode node) throws RegistryException {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new RegistryException(422, RegistryException.INVALID_SCHEMA, "references must be an array");
        }
        List<Reference> out = new ArrayList<>();
        for (JsonNode r : node) {
            if (!r.path("name").isTextual() || !r.path("subject").isTextual() || !r.path("version").canConvertToInt()) {
                throw new RegistryException(422, RegistryException.INVALID_SCHEMA, "a reference needs a \"name\", a"
                        + " \"subject\" and a \"version\": " + r);
            }
            out.add(new Reference(r.get("name").asText(), r.get("subject").asText(), r.get("version").asInt()));
        }
        return out;
    }

    private static ObjectNode versionBody(Registry.SubjectVersion v) {
        ObjectNode node = JSON.createObjectNode().put("subject", v.subject()).put("version", v.version()).put("id", v.id());
        if (v.type() != SchemaType.AVRO) {
            node.put("schemaType", v.type().name());
        }
        node.put("schema", v.schema());
        putReferences(node, v.references());
        return node;
    }

    private static void putReferences(ObjectNode node, List<Reference> references) {
        if (!references.isEmpty()) {
            var array = node.putArray("references");
            references.forEach(r -> array.addObject().put("name", r.name()).put("subject", r.subject()).put("version", r.version()));
        }
    }

    // ---- handlers ----

    private void listSubjects(RoutingContext ctx) {
        String prefix = ctx.request().getParam("subjectPrefix");
        ok(ctx, flag(ctx, "deletedOnly") ? registry.deletedSubjects(prefix) : registry.subjects(prefix, flag(ctx, "deleted")));
    }

    private void listVersions(RoutingContext ctx) throws RegistryException {
        String subject = ctx.pathParam("subject");
        ok(ctx, flag(ctx, "deletedOnly") ? registry.deletedVersions(subject) : registry.versions(subject, flag(ctx, "deleted")));
    }

    private void register(RoutingContext ctx) throws RegistryException, StoreException, BadRequest {
        SchemaRequest request = schemaRequest(ctx);
        int id = registry.register(ctx.pathParam("subject"), request.type(), request.schema(), flag(ctx, "normalize"),
                request.id(), request.version(), request.references());
        ok(ctx, JSON.createObjectNode().put("id", id));
    }

    private void lookup(RoutingContext ctx) throws RegistryException, BadRequest {
        SchemaRequest request = schemaRequest(ctx);
        ok(ctx, versionBody(registry.lookup(ctx.pathParam("subject"), request.type(), request.schema(),
                flag(ctx, "normalize"), flag(ctx, "deleted"), request.references())));
    }

    private void getVersion(RoutingContext ctx) throws RegistryException {
        ok(ctx, versionBody(registry.version(ctx.pathParam("subject"), ctx.pathParam("version"), flag(ctx, "deleted"))));
    }

    private void getVersionSchema(RoutingContext ctx) throws RegistryException {
        ok(ctx, registry.version(ctx.pathParam("subject"), ctx.pathParam("version"), flag(ctx, "deleted")).schema());
    }

    /** The ids of the schemas that reference this version. */
    private void referencedBy(RoutingContext ctx) throws RegistryException {
        ok(ctx, registry.referencedBy(ctx.pathParam("subject"), ctx.pathParam("version"), flag(ctx, "deleted")));
    }

    private void deleteVersion(RoutingContext ctx) throws RegistryException, StoreException {
        ok(ctx, registry.deleteVersion(ctx.pathParam("subject"), ctx.pathParam("version"), flag(ctx, "permanent")));
    }

    private void deleteSubject(RoutingContext ctx) throws RegistryException, StoreException {
        ok(ctx, registry.deleteSubject(ctx.pathParam("subject"), flag(ctx, "permanent")));
    }

    private void getById(RoutingContext ctx) throws RegistryException {
        Registry.IdSchema schema = registry.schema(id(ctx));
        ObjectNode node = JSON.createObjectNode();
        if (schema.type() != SchemaType.AVRO) {
            node.put("schemaType", schema.type().name());
        }
        node.put("schema", schema.schema());
        putReferences(node, schema.references());
        ok(ctx, node);
    }

    private void getByIdSchema(RoutingContext ctx) throws RegistryException {
        ok(ctx, registry.schema(id(ctx)).schema());
    }

    private void getByIdSubjects(RoutingContext ctx) throws RegistryException {
        ok(ctx, registry.usages(id(ctx), flag(ctx, "deleted")).stream().map(Registry.SubjectVersion::subject)
                .distinct().toList());
    }

    private void getByIdVersions(RoutingContext ctx) throws RegistryException {
        var out = JSON.createArrayNode();
        for (Registry.SubjectVersion v : registry.usages(id(ctx), flag(ctx, "deleted"))) {
            out.add(JSON.createObjectNode().put("subject", v.subject()).put("version", v.version()));
        }
        ok(ctx, out);
    }

    private void getSubjectConfig(RoutingContext ctx) throws RegistryException {
        ok(ctx, level(registry.subjectLevel(ctx.pathParam("subject"), flag(ctx, "defaultToGlobal")).name()));
    }

    private void putConfig(RoutingContext ctx, String subject) throws RegistryException, StoreException, BadRequest {
        JsonNode level = body(ctx).get("compatibility");
        if (level == null || !level.isTextual()) {
            throw new RegistryException(422, RegistryException.INVALID_COMPATIBILITY_LEVEL, "Invalid compatibility"
                    + " level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive,"
                    + " and full_transitive");
        }
        ok(ctx, JSON.createObjectNode().put("compatibility", registry.setLevel(subject, level.asText()).name()));
    }

    private void compatibility(RoutingContext ctx) throws RegistryException, BadRequest {
        SchemaRequest request = schemaRequest(ctx);
        answerCompatibility(ctx, registry.checkCompatibility(ctx.pathParam("subject"), ctx.pathParam("version"),
                request.type(), request.schema(), flag(ctx, "normalize"), request.references()));
    }

    /** {@code POST /compatibility/subjects/{s}/versions}: against the live versions (transitive or latest). */
    private void compatibilityAll(RoutingContext ctx) throws RegistryException, BadRequest {
        SchemaRequest request = schemaRequest(ctx);
        answerCompatibility(ctx, registry.checkCompatibility(ctx.pathParam("subject"), "latest",
                request.type(), request.schema(), flag(ctx, "normalize"), request.references()));
    }

    private void answerCompatibility(RoutingContext ctx, Registry.CompatibilityResult result) {
        ObjectNode node = JSON.createObjectNode().put("is_compatible", result.compatible());
        if (flag(ctx, "verbose")) {
            var messages = node.putArray("messages");
            result.messages().forEach(messages::add);
        }
        ok(ctx, node);
    }
}
