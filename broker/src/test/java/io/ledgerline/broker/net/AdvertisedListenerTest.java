package io.ledgerline.broker.net;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.broker.testkit.RawClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code advertised.listener}: the address every answer that names the broker gives (Metadata, FindCoordinator,
 * DescribeCluster), so that a broker bound to a wildcard address, or reached through NAT or a container's port
 * mapping, sends clients to where they can reach it. (The refusal of a wildcard {@code listen} without it is in
 * the server module's StartupErrorsTest.)
 */
class AdvertisedListenerTest {
    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void wildcardListenWithAdvertisedListenerServesRealClientsAtTheAdvertisedAddress() throws Exception {
        int port = freePort();
        BrokerConfig config = BrokerConfig.of(Map.of("data.dir", dir.toString(), "listen", "0.0.0.0:" + port,
                "advertised.listener", "127.0.0.1:" + port, "group.initial.rebalance.delay.ms", "0"));
        try (Broker broker = Broker.start(config)) {
            assertThat(broker.port()).isEqualTo(port);
            String bootstrap = "127.0.0.1:" + port;
            Properties a = new Properties();
            a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (Admin admin = Admin.create(a)) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                        .containsExactly(new Node(0, "127.0.0.1", port));
            }

            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 20; i++) producer.send(new ProducerRecord<>("adv", "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
                // The producer learned the leader from Metadata: the advertised address.
                assertThat(producer.partitionsFor("adv").get(0).leader()).isEqualTo(new Node(0, "127.0.0.1", port));
            }

            // A group member: FindCoordinator, then JoinGroup/SyncGroup/Fetch/OffsetCommit at the coordinator's address.
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.GROUP_ID_CONFIG, "adv-group");
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            List<String> values = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("adv"));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (values.size() < 20 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) values.add(r.value());
                }
                consumer.commitSync(Duration.ofSeconds(30));
            }
            assertThat(values).hasSize(20).contains("v0", "v19");
        }
    }

    @Test
    void everyAnswerThatNamesTheBrokerGivesTheAdvertisedAddressNotTheBoundOne() throws Exception {
        BrokerConfig config = BrokerConfig.of(Map.of("data.dir", dir.toString(), "listen", "127.0.0.1:0",
                "advertised.listener", "broker1.example.com:19092"));
        try (Broker broker = Broker.start(config);
             RawClient raw = new RawClient("127.0.0.1", broker.port())) {
            assertThat(broker.port()).isNotEqualTo(19092);
            assertThat(broker.advertisedHost()).isEqualTo("broker1.example.com");
            assertThat(broker.advertisedPort()).isEqualTo(19092);

            MetadataResponse metadata = (MetadataResponse) raw.send(
                    new MetadataRequest.Builder(new MetadataRequestData().setTopics(List.of())).build((short) 12));
            assertThat(metadata.brokers()).containsExactly(new Node(0, "broker1.example.com", 19092));

            FindCoordinatorResponse v3 = (FindCoordinatorResponse) raw.send(new FindCoordinatorRequest.Builder(
                    new FindCoordinatorRequestData().setKey("g").setKeyType((byte) 0)).build((short) 3));
            assertThat(v3.data().host()).isEqualTo("broker1.example.com");
            assertThat(v3.data().port()).isEqualTo(19092);
            FindCoordinatorResponse v4 = (FindCoordinatorResponse) raw.send(new FindCoordinatorRequest.Builder(
                    new FindCoordinatorRequestData().setCoordinatorKeys(List.of("g")).setKeyType((byte) 1)).build((short) 4));
            FindCoordinatorResponseData.Coordinator coordinator = v4.data().coordinators().get(0);
            assertThat(coordinator.host()).isEqualTo("broker1.example.com");
            assertThat(coordinator.port()).isEqualTo(19092);

            DescribeClusterResponse cluster = (DescribeClusterResponse) raw.send(
                    new DescribeClusterRequest.Builder(new DescribeClusterRequestData()).build((short) 0));
            DescribeClusterBroker self = cluster.data().brokers().iterator().next();
            assertThat(self.host()).isEqualTo("broker1.example.com");
            assertThat(self.port()).isEqualTo(19092);
        }
    }
}
