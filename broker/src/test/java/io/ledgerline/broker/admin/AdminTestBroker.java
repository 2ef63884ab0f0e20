package io.ledgerline.broker.admin;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One broker for a test class, the official AdminClient connected to it, and a raw protocol client for what
 * the AdminClient cannot send (legacy AlterConfigs, old versions, malformed requests).
 */
final class AdminTestBroker implements AutoCloseable {
    static final long TIMEOUT_S = 15;

    private final Map<String, String> settings;
    private Broker broker;
    private Admin admin;

    private AdminTestBroker(Map<String, String> settings) throws IOException {
        this.settings = settings;
        open();
    }

    /** A broker on a free port over {@code dir}, with extra broker settings. */
    static AdminTestBroker start(Path dir, Map<String, String> extra) throws IOException {
        Map<String, String> s = new HashMap<>(extra);
        s.put("data.dir", dir.toString());
        s.put("listen", "127.0.0.1:0");
        return new AdminTestBroker(Map.copyOf(s));
    }

    private void open() throws IOException {
        broker = Broker.start(BrokerConfig.of(settings));
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        admin = Admin.create(p);
    }

    /** Clean stop and start over the same data directory (the port changes). */
    void restart() throws IOException {
        close();
        open();
    }

    Broker broker() {
        return broker;
    }

    Admin admin() {
        return admin;
    }

    String bootstrap() {
        return broker.advertisedHost() + ":" + broker.port();
    }

    RawClient raw() {
        return new RawClient(broker.advertisedHost(), broker.port());
    }

    void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    Config describeTopicConfig(String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(r)).all().get(TIMEOUT_S, TimeUnit.SECONDS).get(r);
    }

    ConfigEntry topicConfig(String topic, String key) throws Exception {
        return describeTopicConfig(topic).get(key);
    }

    /** Appends {@code count} small records straight to the partition log and waits until they are readable. */
    long append(String topic, int partition, int count, int valueBytes) throws Exception {
        PartitionLog log = broker.topics().partition(topic, partition);
        long last = -1;
        for (int i = 0; i < count; i++) {
            byte[] value = new byte[valueBytes];
            MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord(System.currentTimeMillis(), ("k" + i).getBytes(StandardCharsets.UTF_8), value));
            last = log.append(records).lastOffset();
        }
        log.durable(last).get(TIMEOUT_S, TimeUnit.SECONDS);
        return last;
    }

    @Override
    public void close() {
        if (admin != null) admin.close();
        if (broker != null) broker.close();
        admin = null;
        broker = null;
    }

    /** Waits for an AdminClient future and asserts it failed with exactly {@code type}, its message containing {@code text}. */
    static void assertFails(KafkaFuture<?> future, Class<? extends Throwable> type, String text) {
        assertThatThrownBy(() -> future.get(TIMEOUT_S, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isExactlyInstanceOf(type)
                .hasMessageContaining(text);
    }

    static <T> T get(KafkaFuture<T> future) throws Exception {
        return future.get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    /** A blocking one-request-at-a-time Kafka protocol client built on kafka-clients' request classes. */
    static final class RawClient implements AutoCloseable {
        private final SocketChannel channel;
        private int correlationId;

        RawClient(String host, int port) {
            try {
                channel = SocketChannel.open(new InetSocketAddress(host, port));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @SuppressWarnings("unchecked")
        <R extends AbstractResponse> R send(AbstractRequest request) {
            RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-test", ++correlationId);
            ByteBuffer body = request.serializeWithHeader(header);
            ByteBuffer size = ByteBuffer.allocate(4).putInt(body.remaining()).flip();
            try {
                while (size.hasRemaining() || body.hasRemaining()) channel.write(new ByteBuffer[] {size, body});
                ByteBuffer len = readFully(4);
                ByteBuffer frame = readFully(len.getInt());
                R response = (R) AbstractResponse.parseResponse(frame, header);
                assertThat(response.apiKey()).isEqualTo(request.apiKey());
                return response;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private ByteBuffer readFully(int n) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(n);
            while (b.hasRemaining()) {
                if (channel.read(b) < 0) throw new IOException("connection closed by the broker");
            }
            return b.flip();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
