package io.ledgerline.registry.store;

import io.ledgerline.schema.state.SchemasRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The {@code _schemas} topic through the Kafka client APIs only, so it works against Ledgerline and Apache
 * Kafka alike. One partition (a total order of the registry's history), compacted, created if absent.
 * A producer with {@code acks=all} and idempotence writes; one reader thread consumes the partition from
 * offset 0 for ever and hands each record to the replay callback. {@link #append} returns once the reader
 * has passed the offsets the broker assigned to the records, so a write takes effect by replay only.
 */
public final class KafkaRecordLog implements RecordLog {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaRecordLog.class);
    /** Confluent's default topic name, so existing tools and copies of Confluent's topic line up. */
    public static final String DEFAULT_TOPIC = "_schemas";
    /** Pause between retries of a retriable error (a topic whose metadata has not reached the broker yet). */
    private static final long RETRY_BACKOFF_MS = 100;

    private final String bootstrap;
    private final TopicPartition partition;
    private final Duration timeout;
    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread reader;
    private volatile boolean running;
    /** The offset of the next record to replay: every record below it has been replayed. Guarded by this. */
    private long replayedUpTo;
    private Throwable readerFailure;

    public KafkaRecordLog(String bootstrap, String topic, Duration timeout) {
        this.bootstrap = bootstrap;
        this.partition = new TopicPartition(topic, 0);
        this.timeout = timeout;
    }

    @Override
    public void start(Consumer<SchemasRecord> replay) throws StoreException {
        Properties common = new Properties();
        common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        admin = Admin.create(common);
        createTopicIfAbsent();

        Properties p = new Properties();
        p.putAll(common);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Math.max(timeout.toMillis(), 1000)));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(timeout.toMillis(), 1000)));
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());

        Properties c = new Properties();
        c.putAll(common);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));

        running = true;
        reader = new Thread(() -> readLoop(replay), "registry-replay-" + partition.topic());
        reader.setDaemon(true);
        reader.start();
        catchUp();
    }

    private void createTopicIfAbsent() throws StoreException {
        NewTopic topic = new NewTopic(partition.topic(), Optional.of(1), Optional.empty())
                .configs(Map.of("cleanup.policy", "compact"));
        try {
            admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("created the registry topic {} (1 partition, compacted)", partition.topic());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new StoreException(StoreException.STORE_ERROR, "cannot create the registry topic "
                        + partition.topic() + " at " + bootstrap + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new StoreException(StoreException.TIMEOUT, "no broker at " + bootstrap + " answered within "
                    + timeout.toMillis() + " ms (creating " + partition.topic() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(StoreException.STORE_ERROR, "interrupted", e);
        }
    }

    private void readLoop(Consumer<SchemasRecord> replay) {
        try {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    replay.accept(SchemasRecord.decode(r.key(), r.value()));
                }
                long position;
                try {
                    position = consumer.position(partition, Duration.ofSeconds(1));
                } catch (RetriableException e) {
                    // The broker is away (or the topic's metadata not there yet): writers time out, reading goes on.
                    continue;
                }
                synchronized (this) {
                    replayedUpTo = position;
                    notifyAll();
                }
            }
        } catch (WakeupException e) {
            // close() woke us up
        } catch (RuntimeException | Error e) {
            LOG.error("the registry stopped replaying {}: {}", partition.topic(), e.toString(), e);
            synchronized (this) {
                readerFailure = e;
                notifyAll();
            }
        }
    }

    @Override
    public void append(List<SchemasRecord> records) throws StoreException {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (SchemasRecord record : records) {
            SchemasRecord.Bytes bytes = SchemasRecord.encode(record);
            sent.add(producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), bytes.key(), bytes.value())));
        }
        long last = -1;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Future<RecordMetadata> f : sent) {
            try {
                last = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).offset();
            } catch (ExecutionException e) {
                throw new StoreException(StoreException.STORE_ERROR, "writing to " + partition.topic() + " failed: "
                        + e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new StoreException(StoreException.TIMEOUT, "writing to " + partition.topic() + " timed out after "
                        + timeout.toMillis() + " ms", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException(StoreException.STORE_ERROR, "interrupted", e);
            }
        }
        awaitReplayed(last + 1, deadline);
    }

    @Override
    public void catchUp() throws StoreException {
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitReplayed(endOffset(deadline), deadline);
    }

    /**
     * The partition's end offset. Retriable errors are retried until the deadline: on Apache Kafka a topic just
     * created is unknown to ListOffsets until its metadata has reached the broker.
     */
    private long endOffset(long deadlineNanos) throws StoreException {
        while (true) {
            long left = deadlineNanos - System.nanoTime();
            try {
                return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                        .get(Math.max(1, left), TimeUnit.NANOSECONDS).offset();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() >= deadlineNanos) {
                    throw new StoreException(e.getCause() instanceof RetriableException ? StoreException.TIMEOUT
                            : StoreException.STORE_ERROR, "cannot read the end of " + partition.topic() + ": "
                            + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new StoreException(StoreException.TIMEOUT, "reading the end of " + partition.topic()
                        + " timed out after " + timeout.toMillis() + " ms", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException(StoreException.STORE_ERROR, "interrupted", e);
            }
            try {
                Thread.sleep(RETRY_BACKOFF_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException(StoreException.STORE_ERROR, "interrupted", e);
            }
        }
    }

    private synchronized void awaitReplayed(long offset, long deadlineNanos) throws StoreException {
        while (replayedUpTo < offset) {
            if (readerFailure != null) {
                throw new StoreException(StoreException.STORE_ERROR, "the registry stopped reading " + partition.topic()
                        + ": " + readerFailure, readerFailure);
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new StoreException(StoreException.TIMEOUT, "the registry had not read its write back from "
                        + partition.topic() + " (offset " + offset + ") within " + timeout.toMillis() + " ms", null);
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException(StoreException.STORE_ERROR, "interrupted", e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (reader != null) {
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (consumer != null) {
            consumer.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
