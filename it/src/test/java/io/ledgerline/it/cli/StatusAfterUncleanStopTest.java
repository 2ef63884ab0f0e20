package io.ledgerline.it.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.ChildBroker;
import io.ledgerline.it.harness.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After a SIGKILL of the broker (its own JVM, {@link ChildBroker}) and a restart, {@code ledgerline status} reports
 * that start's recovery: unclean, partitions checked, and the bytes cut from a torn tail (37 bytes of zeros appended
 * to a segment while the broker was down, as a write cut short leaves them). A clean restart after it reports a
 * clean stop. Apache Kafka (-Pkafka) does not expose its recovery: status says so, and still answers.
 */
class StatusAfterUncleanStopTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TORN_BYTES = 37;

    @Test
    void statusReportsTheRecoveryOfAStartAfterSigkill() throws Exception {
        try (ChildBroker broker = ChildBroker.start(Map.of())) {
            try (Admin admin = Clients.admin(broker)) {
                Clients.createTopic(admin, "orders", 2, Map.of());
            }
            try (KafkaProducer<byte[], byte[]> p = Clients.producer(broker)) {
                for (int i = 0; i < 10; i++) p.send(new ProducerRecord<>("orders", i % 2, null, ("order-" + i).getBytes())).get();
            }
            broker.kill9();
            if (!BrokerTarget.isKafka()) {
                Path segment = broker.dataDir().resolve("logs/orders-0/00000000000000000000.log");
                try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                    ch.write(ByteBuffer.wrap(new byte[TORN_BYTES]));
                }
            }
            broker.restart();

            Cli.Result text = Cli.run("", "status", "--bootstrap", broker.bootstrapServers());
            System.out.println("[cli] ledgerline status after kill -9 ->\n" + text);
            assertThat(text.exitCode()).as("%s", text).isZero();
            String lastStart = StatusTest.fields(text).get("last start");
            JsonNode json = JSON.readTree(Cli.run("", "status", "--bootstrap", broker.bootstrapServers(), "--format", "json").out());
            JsonNode s = json.get("brokers").get(0).get("lastStart");
            if (BrokerTarget.isKafka()) {
                assertThat(lastStart).isEqualTo("not reported by this broker");
                assertThat(s.isNull()).isTrue();
                return;
            }
            assertThat(lastStart).startsWith("recovered after an unclean stop: ")
                    .contains(TORN_BYTES + " byte(s) truncated [orders-0 00000000000000000000.log cut at position ")
                    .endsWith(" ms");
            assertThat(s.get("previousStop").asText()).isEqualTo("unclean");
            // orders-0, orders-1 and Ledgerline's three internal logs (metadata, offsets, transactions).
            assertThat(s.get("partitionsChecked").asLong()).isEqualTo(5);
            assertThat(s.get("batchesRead").asLong()).isGreaterThanOrEqualTo(10);
            assertThat(s.get("bytesTruncated").asLong()).isEqualTo(TORN_BYTES);
            assertThat(s.get("recoveryMs").asLong()).isNotNegative();
            assertThat(s.get("summary").asText()).isEqualTo(lastStart);

            broker.restart(); // a clean stop this time
            Cli.Result after = Cli.run("", "status", "--bootstrap", broker.bootstrapServers());
            assertThat(StatusTest.fields(after).get("last start")).isEqualTo("previous stop was clean: no recovery needed");
        }
    }
}
