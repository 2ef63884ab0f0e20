package io.ledgerline.server.crash;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A broker SIGKILLed right after acknowledging offset commits keeps every acknowledged commit (the commit is
 * answered only once fsynced), and the consumer group that was running re-forms after the restart and goes on
 * from its committed offsets without skipping a record.
 */
class CommittedOffsetsSurviveKillNineTest {
    static final String TOPIC = "orders";
    static final int PARTITIONS = 3;
    static final int RECORDS = 900;
    static final String[] SETTINGS = {"group.initial.rebalance.delay.ms=100", "group.min.session.timeout.ms=1000"};

    @TempDir
    Path dataDir;

    @Test
    void acknowledgedCommitsSurviveAndTheGroupReforms() throws Exception {
        int port = ChildBrokerProcess.freePort();
        Map<TopicPartition, Long> acked = new HashMap<>();
        Set<String> processed = new HashSet<>();
        try (ChildBrokerProcess broker = ChildBrokerProcess.start(dataDir, port, SETTINGS)) {
            try (Admin admin = admin(broker.bootstrap())) {
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            produce(broker.bootstrap(), 0, RECORDS);
        }
        KafkaConsumer<String, String> consumer = null;
        ChildBrokerProcess broker = ChildBrokerProcess.start(dataDir, port, SETTINGS);
        try {
            consumer = consumer(broker.bootstrap());
            consumer.subscribe(List.of(TOPIC));
            // Process and commit about half, then SIGKILL the broker right after the last acknowledged commit.
            while (processed.size() < RECORDS / 2) {
                ConsumerRecords<String, String> batch = consumer.poll(Duration.ofMillis(100));
                Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
                for (ConsumerRecord<String, String> r : batch) {
                    processed.add(r.value());
                    commit.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1, "processed"));
                }
                if (!commit.isEmpty()) {
                    consumer.commitSync(commit);
                    commit.forEach((tp, o) -> acked.put(tp, o.offset()));
                }
            }
            broker.kill9();
            broker = ChildBrokerProcess.start(dataDir, port, SETTINGS);
            try (Admin admin = admin(broker.bootstrap())) {
                Map<TopicPartition, OffsetAndMetadata> after = admin.listConsumerGroupOffsets("billing")
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                for (Map.Entry<TopicPartition, Long> e : acked.entrySet()) {
                    assertThat(after.get(e.getKey())).as("committed offset of %s", e.getKey()).isNotNull();
                    assertThat(after.get(e.getKey()).offset()).as("committed offset of %s", e.getKey()).isEqualTo(e.getValue());
                    assertThat(after.get(e.getKey()).metadata()).isEqualTo("processed");
                }
                // The same consumer goes on: it reconnects, the group re-forms, nothing is skipped.
                KafkaConsumer<String, String> c = consumer;
                List<String> afterRestart = new ArrayList<>();
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                        processed.add(r.value());
                        afterRestart.add(r.value());
                    }
                    if (!afterRestart.isEmpty()) c.commitSync();
                    return processed.size() == RECORDS;
                });
                for (int i = 0; i < RECORDS; i++) assertThat(processed).contains("v" + i);
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("billing")).all().get(30, TimeUnit.SECONDS).get("billing");
                assertThat(group.members()).hasSize(1);
                assertThat(group.groupState().toString()).isEqualToIgnoringCase("Stable");
                Map<TopicPartition, OffsetAndMetadata> end = admin.listConsumerGroupOffsets("billing")
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                assertThat(end.values()).extracting(OffsetAndMetadata::offset).containsOnly((long) RECORDS / PARTITIONS);
            }
        } finally {
            if (consumer != null) consumer.close(Duration.ofSeconds(5));
            broker.close();
        }
    }

    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "billing");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "25");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    private static void produce(String bootstrap, int from, int to) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < to; i++) producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, "k" + i, "v" + i));
            producer.flush();
        }
    }
}
