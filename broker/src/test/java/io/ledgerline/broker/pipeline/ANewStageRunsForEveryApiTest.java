package io.ledgerline.broker.pipeline;

import io.ledgerline.broker.Apis;
import io.ledgerline.broker.Broker;
import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.broker.protocol.ApiTable;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.log.io.FileOpener;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * "A new cross-cutting stage is one class registered in one place": a test-only stage, given to the broker through
 * {@link Apis.Extensions} (which {@code Apis.pipeline}, the one place the pipeline is built, puts in the chain), sees
 * every request a real Admin client, producer and group consumer send, whatever their API, blocking ones included.
 */
class ANewStageRunsForEveryApiTest {

    /** The new stage: counts requests per API key, and the ones that reached it off an event loop (none should). */
    static final class CountsRequestsPerApiKey implements Stage {
        final Map<ApiKeys, LongAdder> counts = new EnumMap<>(ApiKeys.class);
        final LongAdder offEventLoop = new LongAdder();

        CountsRequestsPerApiKey() {
            for (ApiKeys k : ApiKeys.values()) counts.put(k, new LongAdder());
        }

        @Override
        public CompletableFuture<AbstractResponse> handle(KafkaRequest request, ApiTable.Entry entry, Next next) {
            counts.get(request.apiKey()).increment();
            if (io.netty.util.internal.ThreadExecutorMap.currentExecutor() == null) offEventLoop.increment();
            return next.handle(request);
        }

        long total() {
            return counts.values().stream().mapToLong(LongAdder::sum).sum();
        }
    }

    @Test
    void theStageSeesEveryRequestOfAnAdminAProducerAndAGroupConsumer(@TempDir Path dir) throws Exception {
        CountsRequestsPerApiKey counter = new CountsRequestsPerApiKey();
        try (Broker broker = Broker.start(BrokerConfig.of(Map.of("data.dir", dir.toString(), "listen", "127.0.0.1:0",
                        "group.initial.rebalance.delay.ms", "0")), FileOpener.DEFAULT, System::currentTimeMillis,
                new Apis.Extensions(QuotaPolicy.NONE, List.of(counter)))) {
            String bootstrap = broker.advertisedHost() + ":" + broker.advertisedPort();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic("mix", 2, (short) 1))).all().get(15, TimeUnit.SECONDS);
                admin.describeCluster().clusterId().get(15, TimeUnit.SECONDS);
                admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "mix"))).all().get(15, TimeUnit.SECONDS);
            }
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                for (int i = 0; i < 10; i++) producer.send(new ProducerRecord<>("mix", "k" + i, "v" + i)).get(15, TimeUnit.SECONDS);
            }
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.GROUP_ID_CONFIG, "mix-group");
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
                consumer.subscribe(List.of("mix"));
                int[] read = {0};
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                    read[0] += records.count();
                    return read[0] >= 10;
                });
                consumer.commitSync();
            }

            // Every request the broker parsed went through the stage (the clients are closed: nothing is in flight).
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(counter.total()).isEqualTo(broker.connectionStats().requests.sum()));
            assertThat(counter.total()).isPositive();
            for (ApiKeys k : List.of(ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.CREATE_TOPICS, ApiKeys.DESCRIBE_CLUSTER,
                    ApiKeys.DESCRIBE_CONFIGS, ApiKeys.INIT_PRODUCER_ID, ApiKeys.PRODUCE, ApiKeys.FIND_COORDINATOR,
                    ApiKeys.JOIN_GROUP, ApiKeys.SYNC_GROUP, ApiKeys.OFFSET_FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.FETCH,
                    ApiKeys.OFFSET_COMMIT, ApiKeys.LEAVE_GROUP)) {
                assertThat(counter.counts.get(k).sum()).as("%s requests seen by the stage", k).isPositive();
            }
            assertThat(counter.counts.get(ApiKeys.PRODUCE).sum()).as("one produce per acknowledged send").isGreaterThanOrEqualTo(10);
            // Before OffloadStage: on the network thread, even for blocking APIs (CreateTopics, InitProducerId).
            assertThat(counter.offEventLoop.sum()).isZero();
            assertThat(broker.connectionStats().unexpectedErrors.sum()).isZero();
        }
    }
}
