package io.ledgerline.broker.group;

import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A group consumer in its own JVM, for tests that kill it with SIGKILL (no LeaveGroup, no close: the only way
 * to be sure the broker learns of the death from the session timeout alone). Args: bootstrap, group, topic,
 * processing delay per record in ms. Prints "ASSIGNED p,p,..." after each rebalance and "PROCESSED value" for
 * each record before the batch is committed (commitSync after processing).
 */
public final class ChildConsumer {
    public static void main(String[] args) throws Exception {
        long delayMs = Long.parseLong(args[3]);
        Set<Integer> assigned = new TreeSet<>();
        try (KafkaConsumer<String, String> c = TestBroker.consumer(args[0], args[1], Map.of("max.poll.records", "20"))) {
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
                for (ConsumerRecord<String, String> r : records) {
                    if (delayMs > 0) Thread.sleep(delayMs); // simulated processing work
                    System.out.println("PROCESSED " + r.value());
                }
                System.out.flush();
                if (!records.isEmpty()) c.commitSync();
            }
        }
    }
}
