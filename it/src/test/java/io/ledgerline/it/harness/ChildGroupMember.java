package io.ledgerline.it.harness;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A group consumer in a child JVM, for tests that kill it with SIGKILL: no LeaveGroup, no close, so the broker
 * learns of the death from the session timeout alone. The child ({@link #main}) prints "ASSIGNED p,p,..." after
 * each rebalance and "PROCESSED value" for each record before its batch is committed (commitSync after
 * processing); this side collects both.
 */
public final class ChildGroupMember extends ChildApp {
    public final List<String> processed = new CopyOnWriteArrayList<>();
    public final Set<Integer> assignment = ConcurrentHashMap.newKeySet();

    /** Starts a child consuming {@code topic} in {@code group}, sleeping {@code delayMs} per record (simulated work). */
    public ChildGroupMember(BrokerTarget broker, String group, String topic, long delayMs) throws IOException {
        launch("child group member", ChildGroupMember.class.getName(), broker.bootstrapServers(), group, topic, Long.toString(delayMs));
    }

    @Override
    protected void onLine(String line) {
        if (line.startsWith("PROCESSED ")) {
            processed.add(line.substring("PROCESSED ".length()));
        } else if (line.startsWith("ASSIGNED")) {
            Set<Integer> now = new TreeSet<>();
            for (String p : line.substring("ASSIGNED".length()).trim().split(",")) if (!p.isEmpty()) now.add(Integer.parseInt(p));
            assignment.retainAll(now);
            assignment.addAll(now);
        }
    }

    /** Args: bootstrap servers, group, topic, processing delay per record in ms. */
    public static void main(String[] args) throws Exception {
        long delayMs = Long.parseLong(args[3]);
        Set<Integer> assigned = new TreeSet<>();
        try (KafkaConsumer<byte[], byte[]> c = Groups.consumer(args[0], args[1], Map.of("max.poll.records", 20))) {
            c.subscribe(List.of(args[2]), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> ps) {
                    ps.forEach(p -> assigned.remove(p.partition()));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> ps) {
                    ps.forEach(p -> assigned.add(p.partition()));
                    System.out.println("ASSIGNED " + String.join(",", assigned.stream().map(String::valueOf).toList()));
                    System.out.flush();
                }
            });
            while (true) {
                var records = c.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (delayMs > 0) Thread.sleep(delayMs); // simulated processing work, not a wait
                    System.out.println("PROCESSED " + new String(r.value(), StandardCharsets.UTF_8));
                }
                System.out.flush();
                if (!records.isEmpty()) c.commitSync();
            }
        }
    }
}
