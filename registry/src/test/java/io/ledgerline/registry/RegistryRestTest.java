package io.ledgerline.registry;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.ledgerline.registry.RestClient.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REST API over an in-memory record log: every endpoint's answer and every bad input with Confluent's
 * status and error code. (RegistryOverKafkaTest in the it module runs the API over the _schemas topic.)
 */
class RegistryRestTest extends RegistryOverHttp {
    static final String V1 = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";
    static final String V2 = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
            + "{\"name\":\"email\",\"type\":\"string\",\"default\":\"\"}]}";
    /** Adds a field without default: not BACKWARD compatible with V1. */
    static final String BREAKING = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
            + "{\"name\":\"age\",\"type\":\"int\"}]}";

    int register(String subject, String schema) {
        RestClient.Answer a = rest.post("/subjects/" + subject + "/versions", schemaBody(schema));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.json().get("id").asInt();
    }

    static void assertError(RestClient.Answer answer, int status, int code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.errorCode()).as(answer.body()).isEqualTo(code);
        assertThat(answer.json().path("message").asText()).isNotBlank();
        assertThat(answer.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
    }

    @Test
    void registerGetAndLookUpAVersion() {
        int id = register("orders-value", V1);
        assertThat(id).isEqualTo(1);
        // The same schema again, differently spaced: the same id, no new version.
        assertThat(register("orders-value", V1.replace(",", " , "))).isEqualTo(1);
        assertThat(rest.get("/subjects/orders-value/versions").body()).isEqualTo("[1]");

        RestClient.Answer v = rest.get("/subjects/orders-value/versions/1");
        assertThat(v.status()).isEqualTo(200);
        assertThat(v.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(v.json().get("subject").asText()).isEqualTo("orders-value");
        assertThat(v.json().get("version").asInt()).isEqualTo(1);
        assertThat(v.json().get("id").asInt()).isEqualTo(1);
        assertThat(v.json().has("schemaType")).as("Avro is the default and not named").isFalse();
        assertThat(v.json().get("schema").asText()).isEqualTo(V1);
        assertThat(rest.get("/subjects/orders-value/versions/latest").json()).isEqualTo(v.json());
        assertThat(rest.get("/subjects/orders-value/versions/-1").json()).isEqualTo(v.json());
        assertThat(rest.get("/subjects/orders-value/versions/1/schema").json()).isEqualTo(rest.get("/schemas/ids/1/schema").json());

        RestClient.Answer found = rest.post("/subjects/orders-value", schemaBody(V1));
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().get("version").asInt()).isEqualTo(1);
        assertThat(found.json().get("id").asInt()).isEqualTo(1);
    }

    @Test
    void idsAreGlobalTheSameSchemaInAnotherSubjectKeepsItsId() {
        assertThat(register("a-value", V1)).isEqualTo(1);
        assertThat(register("b-value", V2)).isEqualTo(2);
        assertThat(register("c-value", V1)).isEqualTo(1);
        assertThat(rest.get("/schemas/ids/1/subjects").body()).isEqualTo("[\"a-value\",\"c-value\"]");
        assertThat(rest.get("/schemas/ids/1/versions").json().toString())
                .isEqualTo("[{\"subject\":\"a-value\",\"version\":1},{\"subject\":\"c-value\",\"version\":1}]");
        assertThat(rest.get("/schemas/ids/2").json().get("schema").asText()).isEqualTo(V2);
        assertThat(rest.get("/subjects").body()).isEqualTo("[\"a-value\",\"b-value\",\"c-value\"]");
        assertThat(rest.get("/subjects?subjectPrefix=b").body()).isEqualTo("[\"b-value\"]");
        assertThat(rest.get("/schemas/types").body()).isEqualTo("[\"JSON\",\"PROTOBUF\",\"AVRO\"]");
    }

    @Test
    void anEvolutionIsCheckedAgainstTheSubjectsLevel() {
        register("s", V1);
        RestClient.Answer refused = rest.post("/subjects/s/versions", schemaBody(BREAKING));
        assertError(refused, 409, 40901);
        assertThat(refused.json().get("message").asText())
                .startsWith("Schema being registered is incompatible with an earlier schema for subject \"s\"")
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE");
        assertThat(rest.get("/subjects/s/versions").body()).as("nothing registered").isEqualTo("[1]");

        assertThat(rest.post("/compatibility/subjects/s/versions/latest", schemaBody(BREAKING)).body())
                .isEqualTo("{\"is_compatible\":false}");
        RestClient.Answer verbose = rest.post("/compatibility/subjects/s/versions/1?verbose=true", schemaBody(BREAKING));
        assertThat(verbose.json().get("messages").get(0).asText()).contains("age");
        assertThat(rest.post("/compatibility/subjects/s/versions/latest", schemaBody(V2)).body())
                .isEqualTo("{\"is_compatible\":true}");
        assertThat(rest.post("/compatibility/subjects/nobody/versions/latest", schemaBody(V2)).body())
                .as("nothing to break").isEqualTo("{\"is_compatible\":true}");

        assertThat(rest.put("/config/s", "{\"compatibility\":\"none\"}").body()).isEqualTo("{\"compatibility\":\"NONE\"}");
        assertThat(register("s", BREAKING)).isEqualTo(2);
        assertThat(rest.get("/subjects/s/versions").body()).isEqualTo("[1,2]");
    }

    @Test
    void configGlobalAndPerSubject() {
        assertThat(rest.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
        assertThat(rest.put("/config", "{\"compatibility\":\"FULL_TRANSITIVE\"}").body())
                .isEqualTo("{\"compatibility\":\"FULL_TRANSITIVE\"}");
        assertThat(rest.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");

        assertError(rest.get("/config/s"), 404, 40408);
        assertThat(rest.get("/config/s?defaultToGlobal=true").body()).isEqualTo("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");
        rest.put("/config/s", "{\"compatibility\":\"FORWARD\"}");
        assertThat(rest.get("/config/s").body()).isEqualTo("{\"compatibilityLevel\":\"FORWARD\"}");

        register("s", V1);
        assertThat(rest.delete("/config/s").body()).isEqualTo("{\"compatibilityLevel\":\"FORWARD\"}");
        assertError(rest.get("/config/s"), 404, 40408);
        assertThat(rest.delete("/config").body()).isEqualTo("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");
        assertThat(rest.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    }

    @Test
    void softAndPermanentDeletes() {
        register("s", V1);
        rest.put("/config/s", "{\"compatibility\":\"NONE\"}");
        register("s", BREAKING);
        assertThat(rest.delete("/subjects/s/versions/1").body()).isEqualTo("1");
        assertThat(rest.get("/subjects/s/versions").body()).isEqualTo("[2]");
        assertThat(rest.get("/subjects/s/versions?deleted=true").body()).isEqualTo("[1,2]");
        assertThat(rest.get("/subjects/s/versions?deletedOnly=true").body()).isEqualTo("[1]");
        assertError(rest.get("/subjects/s/versions/1"), 404, 40402);
        assertThat(rest.get("/subjects/s/versions/1?deleted=true").status()).isEqualTo(200);
        assertThat(rest.get("/schemas/ids/1").status()).as("a soft-deleted schema's id still resolves").isEqualTo(200);
        assertError(rest.delete("/subjects/s/versions/1"), 404, 40406);
        assertError(rest.delete("/subjects/s/versions/2?permanent=true"), 404, 40407);
        assertThat(rest.delete("/subjects/s/versions/1?permanent=true").body()).isEqualTo("1");
        assertError(rest.get("/schemas/ids/1"), 404, 40403);
        assertError(rest.get("/subjects/s/versions/1?deleted=true"), 404, 40402);

        assertError(rest.delete("/subjects/s?permanent=true"), 404, 40405);
        assertThat(rest.delete("/subjects/s").body()).isEqualTo("[2]");
        assertThat(rest.get("/subjects").body()).isEqualTo("[]");
        assertThat(rest.get("/subjects?deleted=true").body()).isEqualTo("[\"s\"]");
        assertThat(rest.get("/subjects?deletedOnly=true").body()).isEqualTo("[\"s\"]");
        assertError(rest.get("/subjects/s/versions"), 404, 40401);
        assertError(rest.delete("/subjects/s"), 404, 40404);
        assertThat(rest.delete("/subjects/s?permanent=true").body()).isEqualTo("[2]");
        assertThat(rest.get("/subjects?deleted=true").body()).isEqualTo("[]");
        assertError(rest.get("/config/s"), 404, 40408);
        assertError(rest.delete("/subjects/s"), 404, 40401);

        // Ids are never reused: the next schema gets 3 even though 1 and 2 are gone.
        assertThat(register("t", V2)).isEqualTo(3);
    }

    @Test
    void reRegisteringASoftDeletedSchemaMakesANewVersionWithTheSameId() {
        register("s", V1);
        rest.delete("/subjects/s/versions/1");
        assertThat(register("s", V1)).isEqualTo(1);
        assertThat(rest.get("/subjects/s/versions").body()).isEqualTo("[2]");
    }

    @Test
    void unknownSubjectVersionAndId() {
        assertError(rest.get("/subjects/nobody/versions"), 404, 40401);
        assertError(rest.get("/subjects/nobody/versions/1"), 404, 40401);
        assertError(rest.get("/subjects/nobody/versions/latest/schema"), 404, 40401);
        assertError(rest.post("/subjects/nobody", schemaBody(V1)), 404, 40401);
        assertError(rest.delete("/subjects/nobody"), 404, 40401);
        assertError(rest.delete("/subjects/nobody/versions/1"), 404, 40401);
        assertError(rest.post("/compatibility/subjects/nobody/versions/1", schemaBody(V1)), 404, 40401);
        register("s", V1);
        assertError(rest.get("/subjects/s/versions/2"), 404, 40402);
        assertError(rest.delete("/subjects/s/versions/2"), 404, 40402);
        assertError(rest.post("/compatibility/subjects/s/versions/7", schemaBody(V2)), 404, 40402);
        assertError(rest.post("/subjects/s", schemaBody(V2)), 404, 40403);
        assertError(rest.get("/schemas/ids/99"), 404, 40403);
        assertError(rest.get("/schemas/ids/99/schema"), 404, 40403);
        assertError(rest.get("/schemas/ids/99/subjects"), 404, 40403);
        assertError(rest.get("/schemas/ids/99/versions"), 404, 40403);
        assertError(rest.get("/schemas/ids/99999999999"), 404, 40403);
        assertError(rest.get("/schemas/ids/abc"), 404, 404);
        assertError(rest.get("/no/such/path"), 404, 404);
        assertError(rest.put("/subjects", "{}"), 405, 405);
        assertError(rest.delete("/config/nobody"), 404, 40401);
    }

    @Test
    void invalidVersions() {
        register("s", V1);
        for (String bad : new String[] {"0", "-2", "abc", "2147483648", "1.5", "LATEST"}) {
            assertError(rest.get("/subjects/s/versions/" + bad), 422, 42202);
            assertError(rest.delete("/subjects/s/versions/" + bad), 422, 42202);
            assertError(rest.post("/compatibility/subjects/s/versions/" + bad, schemaBody(V2)), 422, 42202);
        }
        assertThat(rest.get("/subjects/s/versions/0").json().get("message").asText())
                .isEqualTo("The specified version '0' is not a valid version id. Allowed values are between"
                        + " [1, 2^31-1] and the string \"latest\"");
    }

    @Test
    void invalidSchemas() {
        int before = log.size();
        assertError(rest.post("/subjects/s/versions", schemaBody("{\"type\":\"record\",\"name\":\"R\"}")), 422, 42201);
        assertError(rest.post("/subjects/s/versions", schemaBody("not a schema")), 422, 42201);
        assertError(rest.post("/subjects/s/versions", schemaBody("")), 422, 42201);
        assertError(rest.post("/subjects/s/versions", "{}"), 422, 42201);
        assertError(rest.post("/subjects/s/versions", "{\"schema\":42}"), 422, 42201);
        assertError(rest.post("/subjects/s/versions", schemaBody(V1, "XML")), 422, 42201);
        assertError(rest.post("/subjects/s/versions", schemaBody("syntax = \"proto3\"; message A { int32 x = ; }", "PROTOBUF")), 422, 42201);
        assertError(rest.post("/subjects/s/versions", "{\"schema\":" + jsonString(V1)
                + ",\"references\":[{\"name\":\"x\",\"subject\":\"y\",\"version\":1}]}"), 422, 42201);
        assertError(rest.post("/subjects/s", schemaBody("nope")), 422, 42201);
        assertError(rest.post("/compatibility/subjects/s/versions/latest", schemaBody("nope")), 422, 42201);
        RestClient.Answer parser = rest.post("/subjects/s/versions", schemaBody("{\"type\":\"record\",\"name\":\"R\"}"));
        assertThat(parser.json().get("message").asText()).contains("fields");
        assertThat(log.size()).as("nothing written").isEqualTo(before);
    }

    static String jsonString(String s) {
        return new com.fasterxml.jackson.databind.node.TextNode(s).toString();
    }

    @Test
    void malformedJsonBodiesAre400() {
        assertError(rest.post("/subjects/s/versions", "{\"schema\":"), 400, 400);
        assertError(rest.post("/subjects/s/versions", ""), 400, 400);
        assertError(rest.post("/subjects/s/versions", "[1,2]"), 400, 400);
        assertError(rest.put("/config", "{compatibility:FULL}"), 400, 400);
        assertError(rest.post("/subjects/s", "nope"), 400, 400);
    }

    @Test
    void invalidCompatibilityLevels() {
        assertError(rest.put("/config", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
        assertError(rest.put("/config", "{\"compatibility\":1}"), 422, 42203);
        assertError(rest.put("/config", "{}"), 422, 42203);
        assertError(rest.put("/config/s", "{\"compatibility\":\"\"}"), 422, 42203);
        assertThat(rest.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    }

    @Test
    void aStoreThatCannotBeWrittenAnswers50001AndChangesNothing() {
        register("s", V1);
        String digest = registry.digest();
        log.failNextAppends(1);
        assertError(rest.post("/subjects/s/versions", schemaBody(V2)), 500, 50001);
        assertThat(registry.digest()).isEqualTo(digest);
        assertThat(rest.get("/subjects/s/versions").body()).isEqualTo("[1]");
        assertThat(register("s", V2)).as("the next write goes through").isEqualTo(2);
    }

    @Test
    void normalizeGivesSchemasThatDifferInPropertyOrderOneId() {
        String ab = "{\"type\":\"record\",\"name\":\"R\",\"a\":1,\"b\":2,\"fields\":[{\"name\":\"f\",\"type\":\"int\"}]}";
        String ba = "{\"type\":\"record\",\"name\":\"R\",\"b\":2,\"a\":1,\"fields\":[{\"name\":\"f\",\"type\":\"int\"}]}";
        int first = rest.post("/subjects/n/versions?normalize=true", schemaBody(ab)).json().get("id").asInt();
        int second = rest.post("/subjects/n/versions?normalize=true", schemaBody(ba)).json().get("id").asInt();
        assertThat(second).isEqualTo(first);
        assertThat(rest.post("/subjects/n?normalize=true", schemaBody(ba)).status()).isEqualTo(200);
    }

    @Test
    void aRestartReplaysTheLogToTheSameState() throws Exception {
        register("a", V1);
        register("b", V2);
        rest.put("/config/a", "{\"compatibility\":\"FULL\"}");
        rest.delete("/subjects/b");
        String digest = registry.digest();

        try (Registry restarted = Registry.start(log.copy())) {
            assertThat(restarted.digest()).isEqualTo(digest);
            assertThat(restarted.register("c", null, BREAKING, false)).as("ids continue after the replayed ones").isEqualTo(3);
        }
    }

    @Test
    void aTopicWrittenByConfluentIsServedWithItsIds() {
        // Records as Confluent Schema Registry writes them (storage/SchemaKey, SchemaValue, ConfigKey, ...):
        // a schema text with other spacing, an id that is not 1, a global config, and a key type we skip.
        log.appendRaw("{\"keytype\":\"SCHEMA\",\"subject\":\"legacy-value\",\"version\":1,\"magic\":1}".getBytes(),
                ("{\"subject\":\"legacy-value\",\"version\":1,\"id\":41,\"schema\":" + jsonString(V1.replace(",", ", "))
                        + ",\"deleted\":false}").getBytes());
        log.appendRaw("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}".getBytes(),
                "{\"compatibilityLevel\":\"FULL\"}".getBytes());
        log.appendRaw("{\"keytype\":\"NOOP\",\"magic\":0}".getBytes(), null);
        log.appendRaw("{\"keytype\":\"MODE\",\"subject\":null,\"magic\":0}".getBytes(), "{\"mode\":\"READWRITE\"}".getBytes());
        log.appendRaw("not json".getBytes(), "x".getBytes());

        assertThat(rest.get("/subjects/legacy-value/versions/1").json().get("id").asInt()).isEqualTo(41);
        assertThat(rest.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
        assertThat(rest.post("/subjects/legacy-value", schemaBody(V1)).json().get("id").asInt()).isEqualTo(41);
        assertThat(register("legacy-value", V1)).as("its own schema, not a new version").isEqualTo(41);
        assertThat(register("other", V2)).as("new ids continue after Confluent's").isEqualTo(42);
    }

    @Test
    void concurrentRegistrationsGetDistinctIdsAndDenseVersions() throws Exception {
        rest.put("/config", "{\"compatibility\":\"NONE\"}");
        int threads = 8;
        int each = 10;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<Integer>> ids = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                for (int i = 0; i < each; i++) {
                    String schema = "{\"type\":\"record\",\"name\":\"R" + t + "_" + i + "\",\"fields\":[]}";
                    ids.add(pool.submit(() -> register("shared", schema)));
                }
            }
            java.util.Set<Integer> distinct = new java.util.TreeSet<>();
            for (var f : ids) {
                distinct.add(f.get());
            }
            assertThat(distinct).hasSize(threads * each);
            assertThat(distinct).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, threads * each).boxed().toList());
        } finally {
            pool.shutdownNow();
        }
        assertThat(rest.get("/subjects/shared/versions").json()).hasSize(threads * each);
        try (Registry restarted = Registry.start(log.copy())) {
            assertThat(restarted.digest()).isEqualTo(registry.digest());
        }
    }

    @Test
    void readOnlyModeRefusesWritesButReRegisteringAnExistingSchemaSucceeds() {
        assertThat(rest.get("/mode").body()).isEqualTo("{\"mode\":\"READWRITE\"}");
        register("s", V1);
        assertThat(rest.put("/mode", "{\"mode\":\"READONLY\"}").body()).isEqualTo("{\"mode\":\"READONLY\"}");
        RestClient.Answer refused = rest.post("/subjects/s/versions", schemaBody(V2));
        assertError(refused, 422, 42205);
        assertThat(refused.json().get("message").asText()).isEqualTo("Subject s in context  is in read-only mode");
        assertThat(register("s", V1)).as("an existing schema is found, not written").isEqualTo(1);
        assertError(rest.delete("/subjects/s/versions/1"), 422, 42205);
        assertError(rest.delete("/subjects/s"), 422, 42205);
        assertThat(rest.get("/subjects/s/versions/1").status()).as("reads go on").isEqualTo(200);

        // A subject's own mode wins over the global one.
        assertError(rest.get("/mode/s"), 404, 40409);
        assertThat(rest.get("/mode/s?defaultToGlobal=true").body()).isEqualTo("{\"mode\":\"READONLY\"}");
        rest.put("/mode/s", "{\"mode\":\"READWRITE\"}");
        assertThat(register("s", V2)).isEqualTo(2);
        assertError(rest.post("/subjects/t/versions", schemaBody(V1)), 422, 42205);
        assertThat(rest.delete("/mode/s").body()).isEqualTo("{\"mode\":\"READWRITE\"}");
        assertError(rest.post("/subjects/s/versions", schemaBody(BREAKING.replace("age", "other"))), 422, 42205);
        rest.put("/mode", "{\"mode\":\"readwrite\"}");
        assertThat(rest.get("/mode").body()).isEqualTo("{\"mode\":\"READWRITE\"}");
    }

    @Test
    void invalidModes() {
        assertError(rest.put("/mode", "{\"mode\":\"SIDEWAYS\"}"), 422, 42204);
        assertError(rest.put("/mode", "{}"), 422, 42204);
        assertError(rest.put("/mode/s", "{\"mode\":7}"), 422, 42204);
        assertError(rest.put("/mode", "{\"mode\":"), 400, 400);
        assertThat(rest.get("/mode").body()).isEqualTo("{\"mode\":\"READWRITE\"}");
    }

    @Test
    void importModeKeepsTheIdsAndVersionsOfAnotherRegistry() {
        register("s", V1);
        assertError(rest.put("/mode", "{\"mode\":\"IMPORT\"}"), 422, 42205);
        assertThat(rest.put("/mode/fresh", "{\"mode\":\"IMPORT\"}").status()).as("an empty subject may import").isEqualTo(200);
        String imported = "{\"schema\":" + jsonString(V2) + ",\"id\":100,\"version\":5}";
        RestClient.Answer a = rest.post("/subjects/fresh/versions", imported);
        assertThat(a.json().get("id").asInt()).as(a.body()).isEqualTo(100);
        assertThat(rest.get("/subjects/fresh/versions").body()).isEqualTo("[5]");
        assertThat(rest.post("/subjects/fresh/versions", imported).json().get("id").asInt()).as("idempotent").isEqualTo(100);
        // Not checked for compatibility in IMPORT mode, but ids must agree with what the registry has.
        assertError(rest.post("/subjects/fresh/versions", "{\"schema\":" + jsonString(V1) + ",\"id\":7}"), 422, 42207);
        assertError(rest.post("/subjects/fresh/versions", "{\"schema\":" + jsonString(BREAKING) + ",\"id\":100}"), 422, 42207);
        assertError(rest.post("/subjects/fresh/versions", schemaBody(BREAKING)), 422, 42205);
        assertError(rest.post("/subjects/s/versions", "{\"schema\":" + jsonString(BREAKING) + ",\"id\":200}"), 422, 42205);
        assertError(rest.post("/subjects/fresh/versions", "{\"schema\":" + jsonString(BREAKING) + ",\"id\":\"x\"}"), 422, 42201);

        assertThat(rest.put("/mode?force=true", "{\"mode\":\"IMPORT\"}").status()).isEqualTo(200);
        rest.put("/mode", "{\"mode\":\"READWRITE\"}");
        rest.delete("/mode/fresh");
        assertThat(register("later", BREAKING)).as("new ids continue after the imported ones").isEqualTo(101);
    }

    @Test
    void referencedByIsEmptyForAVersionThatExists() {
        register("s", V1);
        assertThat(rest.get("/subjects/s/versions/1/referencedby").body()).isEqualTo("[]");
        assertError(rest.get("/subjects/s/versions/2/referencedby"), 404, 40402);
        assertError(rest.get("/subjects/nobody/versions/1/referencedby"), 404, 40401);
        assertError(rest.get("/subjects/s/versions/x/referencedby"), 422, 42202);
    }

    @Test
    void aBodyOverTheLimitIsRefusedAndTheRegistryGoesOn() {
        String huge = schemaBody("\"" + "x".repeat((int) io.ledgerline.registry.http.RegistryHttp.BODY_BYTES_MAX) + "\"");
        assertError(rest.post("/subjects/s/versions", huge), 413, 413);
        assertThat(register("s", V1)).isEqualTo(1);
    }
}
