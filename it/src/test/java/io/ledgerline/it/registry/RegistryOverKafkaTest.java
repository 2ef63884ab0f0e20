package io.ledgerline.it.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBrokerTest;
import io.ledgerline.registry.Registry;
import io.ledgerline.registry.RegistryServer;
import io.ledgerline.registry.RestClient;
import io.ledgerline.registry.store.KafkaRecordLog;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.ledgerline.registry.RestClient.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry over a real {@code _schemas} topic (kafka-clients only), on Ledgerline and, with -Pkafka, on
 * Apache Kafka 4.4: REST answers, the records it writes (Confluent's format), a restart that replays the topic
 * to the same state and ids, and a second registry on the same topic that sees the first one's writes.
 * Each test uses its own topic name, as the broker is shared.
 */
class RegistryOverKafkaTest extends SharedBrokerTest {
    static final String V1 = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";
    static final String V2 = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
            + "{\"name\":\"email\",\"type\":\"string\",\"default\":\"\"}]}";
    static final String BREAKING = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
            + "{\"name\":\"age\",\"type\":\"int\"}]}";
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    /** A registry and its HTTP listener on a free port. */
    record Running(Registry registry, RegistryServer server, RestClient rest) implements AutoCloseable {
        static Running on(String bootstrap, String topic) throws Exception {
            Registry registry = Registry.start(new KafkaRecordLog(bootstrap, topic, TIMEOUT));
            RegistryServer server = RegistryServer.start(registry, "127.0.0.1", 0);
            return new Running(registry, server, new RestClient("http://127.0.0.1:" + server.port()));
        }

        int register(String subject, String schema) {
            RestClient.Answer a = rest.post("/subjects/" + subject + "/versions", schemaBody(schema));
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            return a.json().get("id").asInt();
        }

        @Override
        public void close() {
            server.close();
            registry.close();
        }
    }

    @Test
    void theRestApiOverTheTopic() throws Exception {
        String topic = Clients.uniqueTopic("_schemas-rest");
        try (Running r = Running.on(broker.bootstrapServers(), topic)) {
            assertThat(r.register("orders-value", V1)).isEqualTo(1);
            assertThat(r.register("orders-value", V2)).isEqualTo(2);
            assertThat(r.register("payments-value", V1)).isEqualTo(1);
            RestClient.Answer refused = r.rest().post("/subjects/orders-value/versions", schemaBody(BREAKING));
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.errorCode()).isEqualTo(40901);
            assertThat(r.rest().get("/subjects/orders-value/versions").body()).isEqualTo("[1,2]");
            assertThat(r.rest().get("/subjects/orders-value/versions/latest").json().get("id").asInt()).isEqualTo(2);
            assertThat(r.rest().get("/schemas/ids/1/subjects").body()).isEqualTo("[\"orders-value\",\"payments-value\"]");
            assertThat(r.rest().get("/subjects/nobody/versions").errorCode()).isEqualTo(40401);
            assertThat(r.rest().delete("/subjects/payments-value").body()).isEqualTo("[1]");
            assertThat(r.rest().delete("/subjects/payments-value?permanent=true").body()).isEqualTo("[1]");
            assertThat(r.rest().get("/subjects").body()).isEqualTo("[\"orders-value\"]");
            assertThat(r.rest().put("/config", "{\"compatibility\":\"FULL\"}").status()).isEqualTo(200);
        }
        Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                .all().get().get(new ConfigResource(ConfigResource.Type.TOPIC, topic));
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
    }

    @Test
    void theTopicHoldsConfluentsKeyAndValueFormat() throws Exception {
        String topic = Clients.uniqueTopic("_schemas-format");
        try (Running r = Running.on(broker.bootstrapServers(), topic)) {
            r.register("orders-value", V1);
            r.rest().put("/config/orders-value", "{\"compatibility\":\"NONE\"}");
            r.rest().delete("/subjects/orders-value/versions/1");
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker)) {
            List<ConsumerRecord<byte[], byte[]>> records = Clients.readAll(consumer, List.of(new TopicPartition(topic, 0)));
            assertThat(records).hasSize(3);
            assertThat(json(records.get(0).key())).isEqualTo(json(
                    "{\"keytype\":\"SCHEMA\",\"subject\":\"orders-value\",\"version\":1,\"magic\":1}".getBytes()));
            JsonNode value = json(records.get(0).value());
            assertThat(value.get("id").asInt()).isEqualTo(1);
            assertThat(value.get("schema").asText()).isEqualTo(V1);
            assertThat(value.get("deleted").asBoolean()).isFalse();
            assertThat(value.has("schemaType")).isFalse();
            assertThat(json(records.get(1).key())).isEqualTo(json(
                    "{\"keytype\":\"CONFIG\",\"subject\":\"orders-value\",\"magic\":0}".getBytes()));
            assertThat(json(records.get(1).value()).get("compatibilityLevel").asText()).isEqualTo("NONE");
            assertThat(json(records.get(2).value()).get("deleted").asBoolean()).as("a soft delete").isTrue();
        }
    }

    static JsonNode json(byte[] bytes) throws Exception {
        return JSON.readTree(bytes);
    }

    @Test
    void aRestartReplaysTheTopicToTheSameStateAndIds() throws Exception {
        String topic = Clients.uniqueTopic("_schemas-restart");
        String digest;
        try (Running r = Running.on(broker.bootstrapServers(), topic)) {
            r.register("a", V1);
            r.register("b", V2);
            r.rest().put("/config/a", "{\"compatibility\":\"FULL\"}");
            r.rest().delete("/subjects/b");
            digest = r.registry().digest();
        }
        try (Running again = Running.on(broker.bootstrapServers(), topic)) {
            assertThat(again.registry().digest()).isEqualTo(digest);
            assertThat(again.rest().get("/subjects/a/versions/1").json().get("id").asInt()).isEqualTo(1);
            assertThat(again.rest().get("/config/a").body()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
            assertThat(again.rest().get("/subjects?deleted=true").body()).isEqualTo("[\"a\",\"b\"]");
            assertThat(again.register("c", BREAKING)).as("new ids continue after the replayed ones").isEqualTo(3);
        }
    }

    @Test
    void aSecondRegistryOnTheTopicSeesTheFirstOnesWritesBeforeItDecides() throws Exception {
        String topic = Clients.uniqueTopic("_schemas-two");
        try (Running first = Running.on(broker.bootstrapServers(), topic);
             Running second = Running.on(broker.bootstrapServers(), topic)) {
            assertThat(first.register("a", V1)).isEqualTo(1);
            // The second one catches up with the topic before it decides, so it does not take id 1 again.
            assertThat(second.register("b", V2)).isEqualTo(2);
            assertThat(second.register("c", V1)).isEqualTo(1);
            assertThat(first.register("d", V2)).isEqualTo(2);
        }
    }
}
