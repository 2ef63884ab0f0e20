package io.ledgerline.it.client;

import io.ledgerline.client.AsyncProcessor;
import io.ledgerline.client.ProcessorSettings;
import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.Groups;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Steps shared by the processor tests: a builder with the tests' group timers, reading topics, committed offsets. */
final class Processors {
    private Processors() {}

    /** String keys, raw values, String outputs; the short group timers of {@link Groups}. */
    static ProcessorSettings.Builder<String, byte[], String> builder(BrokerTarget broker, String group, String in, String out) {
        return AsyncProcessor.builder(new StringDeserializer(), new ByteArrayDeserializer(), new StringSerializer())
                .bootstrapServers(broker.bootstrapServers())
                .groupId(group)
                .inputTopics(List.of(in))
                .outputTopic(out)
                .consumerConfig(Map.of(
                        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Groups.SESSION_TIMEOUT_MS,
                        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Groups.HEARTBEAT_INTERVAL_MS,
                        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Groups.MAX_POLL_INTERVAL_MS));
    }

    /** Creates input and output with {@code partitions} partitions each and a one-partition dead-letter topic. */
    static void createTopics(Admin admin, String in, String out, String dlq, int partitions) throws Exception {
        Clients.createTopic(admin, in, partitions, Map.of());
        Clients.createTopic(admin, out, partitions, Map.of());
        Clients.createTopic(admin, dlq, 1, Map.of());
    }

    /** Reads {@code topic} from a separate consumer until it holds at least {@code atLeast} records, within the patience. */
    static List<ConsumerRecord<byte[], byte[]>> awaitRecords(BrokerTarget broker, String topic, int partitions, int atLeast) {
        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = Clients.consumer(broker)) {
            List<TopicPartition> tps = Clients.partitions(topic, partitions);
            c.assign(tps);
            c.seekToBeginning(tps);
            await(topic + " holds " + atLeast + " records").atMost(Clients.PATIENCE.multipliedBy(3))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        c.poll(Duration.ofMillis(200)).forEach(seen::add);
                        return seen.size() >= atLeast;
                    });
        }
        return seen;
    }

    /** Waits until the group's committed offsets reach the end of every partition of {@code topic}. */
    static void awaitCommittedToEnd(Admin admin, String group, String topic, int partitions) {
        await("group " + group + " committed to the end of " + topic).atMost(Clients.PATIENCE).untilAsserted(() -> {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            for (TopicPartition tp : Clients.partitions(topic, partitions)) {
                long end = Clients.offset(admin, tp, org.apache.kafka.clients.admin.OffsetSpec.latest());
                assertThat(committed.get(tp)).as("committed offset of %s", tp).isNotNull();
                assertThat(committed.get(tp).offset()).as("committed offset of %s", tp).isEqualTo(end);
            }
        });
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : string(h.value());
    }
}
