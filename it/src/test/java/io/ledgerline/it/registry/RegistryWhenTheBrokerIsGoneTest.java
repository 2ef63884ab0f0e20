package io.ledgerline.it.registry;

import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.SharedBroker;
import io.ledgerline.registry.Registry;
import io.ledgerline.registry.RegistryServer;
import io.ledgerline.registry.RestClient;
import io.ledgerline.registry.store.KafkaRecordLog;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.ledgerline.registry.RestClient.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker holding {@code _schemas} stops under a running registry: a write answers 500 with Confluent's
 * timeout code 50002 within the store timeout (not a hang, not a half-applied state), reads keep being answered
 * from the replayed state, and the process stays up.
 */
class RegistryWhenTheBrokerIsGoneTest {
    static final String V1 = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";
    static final String V2 = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
            + "{\"name\":\"email\",\"type\":\"string\",\"default\":\"\"}]}";

    @Test
    void aWriteAnswers50002AndReadsStillAnswer() throws Exception {
        BrokerTarget broker = BrokerTarget.start(SharedBroker.SETTINGS);
        try (Registry registry = Registry.start(new KafkaRecordLog(broker.bootstrapServers(), "_schemas", Duration.ofSeconds(3)));
             RegistryServer server = RegistryServer.start(registry, "127.0.0.1", 0)) {
            RestClient rest = new RestClient("http://127.0.0.1:" + server.port());
            assertThat(rest.post("/subjects/s/versions", schemaBody(V1)).json().get("id").asInt()).isEqualTo(1);
            String digest = registry.digest();
            broker.close();

            RestClient.Answer refused = rest.post("/subjects/s/versions", schemaBody(V2));
            assertThat(refused.status()).as(refused.body()).isEqualTo(500);
            assertThat(refused.errorCode()).as(refused.body()).isEqualTo(50002);
            assertThat(refused.json().get("message").asText()).contains("_schemas");
            assertThat(registry.digest()).isEqualTo(digest);
            assertThat(rest.get("/subjects/s/versions").body()).isEqualTo("[1]");
            assertThat(rest.get("/schemas/ids/1").status()).isEqualTo(200);
        } finally {
            broker.close();
        }
    }
}
