package io.ledgerline.broker.admin;

import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.ledgerline.broker.testkit.TestBroker.get;
import static org.assertj.core.api.Assertions.assertThat;

/** What the admin APIs change is in the metadata log (and the partition logs), so a restart keeps it all. */
class ConfigsSurviveRestartTest {
    @TempDir
    Path dir;

    @Test
    void createdAlteredGrownDeletedAndTrimmedTopicsAreTheSameAfterARestart() throws Exception {
        Uuid id;
        try (TestBroker kafka = TestBroker.start(dir, Map.of())) {
            kafka.createTopic("rs-configs", 1, Map.of("retention.ms", "1000", "cleanup.policy", "compact"));
            get(kafka.admin().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, "rs-configs"), List.of(
                    new AlterConfigOp(new ConfigEntry("segment.bytes", "2097152"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE),
                    new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.APPEND)))).all());
            get(kafka.admin().createPartitions(Map.of("rs-configs", NewPartitions.increaseTo(3))).all());
            kafka.append("rs-configs", 0, 10, 10);
            get(kafka.admin().deleteRecords(Map.of(new TopicPartition("rs-configs", 0), RecordsToDelete.beforeOffset(6))).all());
            kafka.createTopic("rs-deleted", 1, Map.of());
            get(kafka.admin().deleteTopics(List.of("rs-deleted")).all());
            id = kafka.broker().topics().get("rs-configs").topic().id();

            kafka.restart();

            assertThat(kafka.broker().topics().get("rs-configs").topic().id()).isEqualTo(id);
            assertThat(kafka.broker().topics().get("rs-configs").partitions()).hasSize(3);
            assertThat(kafka.broker().topics().get("rs-deleted")).isNull();
            assertThat(get(kafka.admin().listTopics().names())).contains("rs-configs").doesNotContain("rs-deleted");
            ConfigEntry segment = kafka.topicConfig("rs-configs", "segment.bytes");
            assertThat(segment.value()).isEqualTo("2097152");
            assertThat(segment.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(kafka.topicConfig("rs-configs", "retention.ms").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
            assertThat(kafka.topicConfig("rs-configs", "cleanup.policy").value()).isEqualTo("compact,delete");
            for (int p = 0; p < 3; p++) {
                assertThat(kafka.broker().topics().partition("rs-configs", p).config().segmentBytes()).isEqualTo(2_097_152);
                assertThat(kafka.broker().topics().partition("rs-configs", p).config().compact()).isTrue();
            }
            assertThat(kafka.broker().topics().partition("rs-configs", 0).logStartOffset()).isEqualTo(6);
            assertThat(kafka.broker().topics().partition("rs-configs", 0).highWatermark()).isEqualTo(10);
        }
    }
}
