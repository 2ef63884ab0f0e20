package io.ledgerline.it;

import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.Ports;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A broker bound to the wildcard address: without an advertised address it is refused at start, as Apache Kafka
 * refuses {@code listeners=PLAINTEXT://0.0.0.0:...} without {@code advertised.listeners} ("advertised.listeners cannot
 * use the nonroutable meta-address 0.0.0.0"); with one, clients are sent there and work. On both targets
 * ({@code -Pkafka}: {@code listen}/{@code advertised.listener} become Kafka's {@code listeners}/{@code advertised.listeners}).
 */
class WildcardListenerTest {
    @TempDir
    Path dir;

    @Test
    void wildcardListenWithoutAnAdvertisedAddressIsRefusedAtStart() throws Exception {
        int port = Ports.free();
        assertThatThrownBy(() -> BrokerTarget.startOn(dir, port, Ports.free(), Map.of("listen", "0.0.0.0:" + port)).close())
                .hasMessageContaining("advertised.listener") // Ledgerline's advertised.listener, Kafka's advertised.listeners
                .hasMessageContaining("0.0.0.0");
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).as("nothing listens").isInstanceOf(ConnectException.class);
    }

    @Test
    void wildcardListenWithAnAdvertisedAddressSendsClientsThere() throws Exception {
        int port = Ports.free();
        BrokerTarget broker = BrokerTarget.startOn(dir, port, Ports.free(),
                Map.of("listen", "0.0.0.0:" + port, "advertised.listener", "127.0.0.1:" + port));
        try (Admin admin = Clients.admin(broker)) {
            assertThat(admin.describeCluster().nodes().get(60, TimeUnit.SECONDS))
                    .singleElement().satisfies(n -> assertThat(List.of(n.host(), n.port())).containsExactly("127.0.0.1", port));
            String topic = Clients.uniqueTopic("wildcard");
            Clients.createTopic(admin, topic, 1, Map.of());
            TopicPartition tp = new TopicPartition(topic, 0);
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
                for (int i = 0; i < 10; i++) producer.send(new ProducerRecord<>(topic, 0, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
                producer.flush();
                Node leader = producer.partitionsFor(topic).get(0).leader();
                assertThat(List.of(leader.host(), leader.port())).containsExactly("127.0.0.1", port);
            }
            try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker)) {
                assertThat(Clients.readAll(consumer, List.of(tp))).hasSize(10);
            }
        } finally {
            broker.close();
        }
    }
}
