package io.ledgerline.it.client;

import io.ledgerline.client.AsyncProcessor;
import io.ledgerline.client.ProcessorException;
import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A missing output or dead-letter topic (the shared broker does not create topics on demand) stops the processor
 * before it joins the group, with a failure naming the topic and the fix, instead of failing every record.
 */
@ExtendWith(SharedBroker.class)
class ProcessorMissingTopicTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"output", "dead-letter"})
    void aMissingTopicStopsTheProcessorNamingTheTopic(String role, BrokerTarget broker) throws Exception {
        String in = Clients.uniqueTopic("proc-missing-in");
        String existing = Clients.uniqueTopic("proc-missing-exists");
        String missing = Clients.uniqueTopic("proc-missing-absent");
        try (Admin admin = Clients.admin(broker)) {
            Clients.createTopic(admin, in, 1, Map.of());
            Clients.createTopic(admin, existing, 1, Map.of());
        }
        boolean outputMissing = role.equals("output");
        try (AsyncProcessor<String, byte[], String> processor = Processors.builder(broker, Clients.uniqueTopic("proc-missing"),
                        in, outputMissing ? missing : existing)
                .deadLetterTopic(outputMissing ? existing : missing)
                .producerConfig(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000))
                .function(r -> CompletableFuture.completedFuture("x")).build().start()) {
            await("the processor stops").atMost(Clients.PATIENCE).until(() -> !processor.isRunning());
            assertThat(processor.failure()).get().isInstanceOf(ProcessorException.class)
                    .extracting(Throwable::getMessage).asString()
                    .contains("the " + role + " topic " + missing + " cannot be written")
                    .contains("create it first");
            assertThat(processor.assignmentCount()).isZero();
        }
    }
}
