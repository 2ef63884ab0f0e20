package io.ledgerline.it.registry;

import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.Seeds;
import io.ledgerline.it.harness.SharedBrokerTest;
import io.ledgerline.registry.RegistryModelTest;
import io.ledgerline.registry.store.KafkaRecordLog;
import org.junit.jupiter.api.Test;

import java.time.Duration;

/**
 * The registry's model-based test ({@link RegistryModelTest}: random requests, every answer against a reference
 * model) over the {@code _schemas}-format topic of a real broker, Ledgerline or (-Pkafka) Apache Kafka, then a
 * new registry replays that topic from offset 0 and must reach the same digest. Replay a run with
 * -Dledgerline.it.seed=N.
 */
class RegistryModelOverKafkaTest extends SharedBrokerTest {
    static final int STEPS = 250;

    @Test
    void everyAnswerMatchesTheModelAndTheTopicReplaysToTheSameDigest() throws Exception {
        long seed = Seeds.seed("RegistryModelOverKafkaTest");
        String topic = Clients.uniqueTopic("_schemas-model");
        Duration timeout = Duration.ofSeconds(30);
        RegistryModelTest.run(seed, STEPS, new KafkaRecordLog(broker.bootstrapServers(), topic, timeout),
                () -> new KafkaRecordLog(broker.bootstrapServers(), topic, timeout));
    }
}
