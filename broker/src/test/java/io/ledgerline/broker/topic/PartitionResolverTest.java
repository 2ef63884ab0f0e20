package io.ledgerline.broker.topic;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.config.BrokerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every answer of the one resolver of topic and partition references, by name and by id. */
class PartitionResolverTest {
    @TempDir
    static Path dir;
    static Broker broker;
    static PartitionResolver resolver;
    static TopicRegistry.Entry two;

    @BeforeAll
    static void start() throws IOException {
        broker = Broker.start(BrokerConfig.of(Map.of("data.dir", dir.toString(), "listen", "127.0.0.1:0")));
        two = broker.topics().create("two", 2, Map.of());
        resolver = new PartitionResolver(broker.topics());
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void aKnownTopicResolvesByNameAndByIdToItsEntryAndPartitions() {
        for (PartitionResolver.Resolved r : new PartitionResolver.Resolved[]{resolver.topic("two"), resolver.topic(two.topic().id()),
                resolver.topic(false, "two", null), resolver.topic(true, null, two.topic().id())}) {
            assertThat(r.found()).isTrue();
            assertThat(r.error()).isEqualTo(Errors.NONE);
            assertThat(r.entry().topic()).isEqualTo(two.topic());
            assertThat(r.partition(0)).isSameAs(two.partitions().get(0));
            assertThat(r.partition(1)).isSameAs(two.partitions().get(1));
            assertThat(r.partitionError(1)).isEqualTo(Errors.NONE);
        }
        assertThat(resolver.partition("two", 1)).isSameAs(two.partitions().get(1));
        assertThat(resolver.partition(new TopicPartition("two", 0))).isSameAs(two.partitions().get(0));
        assertThat(resolver.partitionError(new TopicPartition("two", 0))).isEqualTo(Errors.NONE);
    }

    @Test
    void anUnknownNameIsUnknownTopicOrPartitionForTheTopicAndEachPartition() {
        for (String name : new String[]{"nope", null}) {
            PartitionResolver.Resolved r = resolver.topic(name);
            assertThat(r.found()).isFalse();
            assertThat(r.entry()).isNull();
            assertThat(r.error()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(r.partition(0)).isNull();
            assertThat(r.partitionError(0)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(resolver.partition(name, 0)).isNull();
            assertThat(resolver.partitionError(name, 0)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
    }

    @Test
    void anUnknownIdIsUnknownTopicIdForTheTopicAndEachPartition() {
        for (Uuid id : new Uuid[]{Uuid.randomUuid(), Uuid.ZERO_UUID, null}) {
            PartitionResolver.Resolved r = resolver.topic(id);
            assertThat(r.found()).isFalse();
            assertThat(r.error()).isEqualTo(Errors.UNKNOWN_TOPIC_ID);
            assertThat(r.partition(0)).isNull();
            assertThat(r.partitionError(0)).as("by id, the topic's error wins").isEqualTo(Errors.UNKNOWN_TOPIC_ID);
        }
        assertThat(resolver.topic(true, "two", Uuid.randomUuid()).error()).as("by id, the name is not looked at")
                .isEqualTo(Errors.UNKNOWN_TOPIC_ID);
    }

    @Test
    void negativeAndOutOfRangePartitionsOfAKnownTopicAreUnknownTopicOrPartitionByNameAndById() {
        for (PartitionResolver.Resolved r : new PartitionResolver.Resolved[]{resolver.topic("two"), resolver.topic(two.topic().id())}) {
            for (int index : new int[]{-1, Integer.MIN_VALUE, 2, Integer.MAX_VALUE}) {
                assertThat(r.partition(index)).as("partition %d", index).isNull();
                assertThat(r.partitionError(index)).as("partition %d", index).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            }
        }
        for (int index : new int[]{-1, 2}) {
            assertThat(resolver.partition("two", index)).isNull();
            assertThat(resolver.partitionError(new TopicPartition("two", index))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
    }

    @Test
    void aResolutionSeesTopicsCreatedAndDeletedSinceThePreviousOne() {
        assertThat(resolver.topic("later").found()).isFalse();
        TopicRegistry.Entry later = broker.topics().create("later", 1, Map.of());
        assertThat(resolver.topic("later").entry().topic()).isEqualTo(later.topic());
        assertThat(resolver.topic(later.topic().id()).found()).isTrue();
        broker.topics().delete("later");
        assertThat(resolver.topic("later").error()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(resolver.topic(later.topic().id()).error()).isEqualTo(Errors.UNKNOWN_TOPIC_ID);
    }
}
