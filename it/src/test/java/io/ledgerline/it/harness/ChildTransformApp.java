package io.ledgerline.it.harness;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A consume-transform-produce application in a child JVM, for tests that kill it with SIGKILL: it reads
 * {@code in} in a group (read_committed), writes "out-" + value to {@code out} (same partition, same key) and
 * commits the consumed offsets with sendOffsetsToTransaction, one transaction per poll. It spends its simulated
 * work inside the transaction, so a kill most likely lands in one. The child ({@link #main}) prints
 * "COMMITTED n" after each commit of n records; this side counts the commits.
 */
public final class ChildTransformApp extends ChildApp {
    private final AtomicInteger commits = new AtomicInteger();

    /** Starts the application; {@code delayMs} of simulated work per record, spent inside the transaction. */
    public ChildTransformApp(BrokerTarget broker, String group, String in, String out, String transactionalId, long delayMs)
            throws IOException {
        launch("child transform app", ChildTransformApp.class.getName(), broker.bootstrapServers(), group, in, out, transactionalId,
                Long.toString(delayMs));
    }

    @Override
    protected void onLine(String line) {
        if (line.startsWith("COMMITTED ")) commits.incrementAndGet();
    }

    /** Transactions this run has committed so far. */
    public int commits() {
        return commits.get();
    }

    /** Args: bootstrap servers, group, input topic, output topic, transactional id, work per record in ms. */
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String out = args[3];
        long delayMs = Long.parseLong(args[5]);
        Map<String, Object> producerConfig = Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, args[4],
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Clients.PATIENCE.toMillis());
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, producerConfig);
             KafkaConsumer<byte[], byte[]> consumer = Groups.consumer(bootstrap, args[1], Map.of(
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                     ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10))) {
            producer.initTransactions();
            consumer.subscribe(List.of(args[2]));
            while (true) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) continue;
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    byte[] value = ("out-" + new String(r.value(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                    producer.send(new ProducerRecord<>(out, r.partition(), r.key(), value));
                    if (delayMs > 0) Thread.sleep(delayMs); // simulated work, not a wait
                    next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
                producer.commitTransaction();
                System.out.println("COMMITTED " + records.count());
                System.out.flush();
            }
        }
    }
}
