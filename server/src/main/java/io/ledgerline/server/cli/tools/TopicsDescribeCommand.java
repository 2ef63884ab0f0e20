package io.ledgerline.server.cli.tools;

import io.ledgerline.server.cli.LedgerlineCli;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * {@code ledgerline topics describe TOPIC}: the topic's id and partition count, the configs that differ from
 * the defaults, and per partition its leader and its start and end offsets (end minus start is the number of
 * records it holds, less transaction markers).
 *
 * <p>Configs shown: those set on the topic (source DYNAMIC_TOPIC_CONFIG), and those whose broker-wide value is
 * not the built-in default (a {@code log.*} broker setting), marked "(broker)". Output:
 * <pre>
 * topic payments  id 6dO3ri4ZT_K1VNbEQ3Pa4Q  partitions 2
 * configs retention.ms=86400000
 * partition  leader  start  end
 * 0          0       0      12
 * 1          0       0      9
 * </pre>
 */
@Command(name = "describe",
        mixinStandardHelpOptions = true,
        versionProvider = LedgerlineCli.Version.class,
        description = "Show a topic's partitions (leader, start and end offsets) and its non-default configs.")
public final class TopicsDescribeCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Name of the topic.")
    String topic;

    @Override
    protected int run() throws Exception {
        Admin admin = connect();
        try {
            TopicDescription d;
            try {
                d = admin.describeTopics(List.of(topic)).topicNameValues().get(topic).get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) throw unknownTopic(topic);
                throw failure(e.getCause(), "describe topic '" + topic + "'");
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = await(admin.describeConfigs(List.of(resource)).values().get(resource), "describe the configs of '" + topic + "'");
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (TopicPartitionInfo p : d.partitions()) {
                earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
                latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = await(admin.listOffsets(earliest).all(), "list offsets");
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = await(admin.listOffsets(latest).all(), "list offsets");

            PrintWriter out = out();
            out.println("topic " + topic + "  id " + d.topicId() + "  partitions " + d.partitions().size());
            List<String> changed = new ArrayList<>();
            for (ConfigEntry e : config.entries()) {
                if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) changed.add(e.name() + "=" + e.value());
                else if (e.source() != ConfigEntry.ConfigSource.DEFAULT_CONFIG && e.source() != ConfigEntry.ConfigSource.UNKNOWN) {
                    changed.add(e.name() + "=" + e.value() + " (broker)");
                }
            }
            changed.sort(null);
            out.println("configs " + (changed.isEmpty() ? "(all defaults)" : String.join(", ", changed)));
            out.printf("%-10s %-7s %-12s %s%n", "partition", "leader", "start", "end");
            for (TopicPartitionInfo p : d.partitions()) {
                TopicPartition tp = new TopicPartition(topic, p.partition());
                out.printf("%-10d %-7s %-12d %d%n", p.partition(), p.leader() == null || p.leader().isEmpty() ? "none" : p.leader().idString(),
                        starts.get(tp).offset(), ends.get(tp).offset());
            }
            out.flush();
            return 0;
        } finally {
            close(admin);
        }
    }
}
