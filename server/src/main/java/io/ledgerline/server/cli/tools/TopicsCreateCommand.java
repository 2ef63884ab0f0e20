package io.ledgerline.server.cli.tools;

import io.ledgerline.server.cli.LedgerlineCli;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * {@code ledgerline topics create NAME [--partitions N] [--config KEY=VALUE]...}: CreateTopics with the
 * broker's default replication factor (one replica on Ledgerline), and without {@code --partitions} the broker's
 * {@code num.partitions}. The broker checks names and configs; its message is the error.
 */
@Command(name = "create",
        mixinStandardHelpOptions = true,
        versionProvider = LedgerlineCli.Version.class,
        description = "Create a topic.")
public final class TopicsCreateCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Name of the topic.")
    String topic;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Number of partitions. Default: the broker's num.partitions.")
    Integer partitions;

    @Option(names = "--config", paramLabel = "KEY=VALUE", converter = KeyValue.Converter.class,
            description = "A topic-level config (retention.ms=86400000, cleanup.policy=compact, ...); repeatable.")
    List<KeyValue> configs = new ArrayList<>();

    @Override
    protected int run() throws Exception {
        if (partitions != null && partitions < 1) throw usageError("--partitions must be at least 1, got " + partitions);
        Map<String, String> configMap = new LinkedHashMap<>();
        for (KeyValue kv : configs) configMap.put(kv.key(), kv.value());
        Admin admin = connect();
        try {
            NewTopic t = new NewTopic(topic, Optional.ofNullable(partitions), Optional.empty()).configs(configMap);
            CreateTopicsResult result = admin.createTopics(List.of(t));
            int count;
            try {
                count = result.numPartitions(topic).get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) throw new ToolException("topic '" + topic + "' already exists");
                throw failure(e.getCause(), "create topic '" + topic + "'");
            }
            out().println("created topic " + topic + " with " + count + (count == 1 ? " partition" : " partitions")
                    + (configMap.isEmpty() ? "" : ", " + String.join(", ", configs.stream().map(kv -> kv.key() + "=" + kv.value()).toList())));
            out().flush();
            return 0;
        } finally {
            close(admin);
        }
    }
}
