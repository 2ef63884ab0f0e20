package io.ledgerline.it.harness;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A subscribed group consumer polling on its own thread with commit-after-processing: it records its
 * current assignment, every partition set handed to onPartitionsRevoked / onPartitionsLost, every value
 * it processed, its generation, and what ended it. {@link #close()} closes the consumer (a dynamic member
 * leaves the group; a static one does not).
 */
public final class GroupMember implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    public final Set<TopicPartition> assignment = ConcurrentHashMap.newKeySet();
    /** Non-empty partition sets passed to onPartitionsRevoked, in order. */
    public final List<Set<TopicPartition>> revoked = new CopyOnWriteArrayList<>();
    /** Non-empty partition sets passed to onPartitionsLost, in order. */
    public final List<Set<TopicPartition>> lost = new CopyOnWriteArrayList<>();
    public final List<String> processed = new CopyOnWriteArrayList<>();
    public final AtomicReference<Throwable> failure = new AtomicReference<>();
    public volatile int generation = -1;

    public GroupMember(String name, KafkaConsumer<byte[], byte[]> consumer, String topic) {
        this.consumer = consumer;
        this.thread = new Thread(() -> run(topic), "group-member-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(String topic) {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) revoked.add(Set.copyOf(partitions));
                    assignment.removeAll(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assignment.addAll(partitions);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) lost.add(Set.copyOf(partitions));
                    assignment.removeAll(partitions);
                }
            });
            while (running) {
                var records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> r : records) processed.add(new String(r.value(), StandardCharsets.UTF_8));
                if (!records.isEmpty()) consumer.commitSync();
                generation = consumer.groupMetadata().generationId();
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure.set(t);
        } finally {
            consumer.close();
        }
    }

    public Set<Integer> partitions() {
        return Groups.numbers(assignment);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(Clients.PATIENCE.toMillis());
    }
}
