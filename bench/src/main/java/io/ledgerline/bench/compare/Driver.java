package io.ledgerline.bench.compare;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;

/**
 * The client side of every workload: the official Java client (kafka-clients 4.4.0), the same code and the same
 * settings against every system. Consumers use {@code assign()} without a group (Ledgerline has no group
 * coordinator yet), so no workload depends on one.
 *
 * <p>Records are 1 KiB values with no key, uncompressed. Producers use acks=all and the client's defaults
 * otherwise (idempotent; batch.size 16 KiB, linger.ms 5 in 4.x) unless a workload overrides batching.
 */
final class Driver {
    static final int RECORD_BYTES = 1024;
    static final Map<String, String> DEFAULT_BATCHING = Map.of();
    static final Map<String, String> LINGER_5_BATCH_128K = Map.of(ProducerConfig.LINGER_MS_CONFIG, "5",
            ProducerConfig.BATCH_SIZE_CONFIG, "131072");

    private Driver() {}

    static Properties producerProps(String bootstrap, Map<String, String> extra) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        p.putAll(extra);
        return p;
    }

    static Properties consumerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }

    static byte[] payload() {
        byte[] b = new byte[RECORD_BYTES];
        new Random(42).nextBytes(b);
        return b;
    }

    /**
     * Start-up: a producer that retries fast (5-10 ms backoffs) sends one record to a new topic (auto-created)
     * until it is acknowledged. Returns the nanoTime of the acknowledgement.
     */
    static long firstProduce(String bootstrap, long timeoutMs) throws Exception {
        Properties p = producerProps(bootstrap, Map.of(
                ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "5",
                ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "10",
                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "5",
                ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "10",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeoutMs),
                ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, "1000",
                ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, "1000"));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>("startup", payload())).get(timeoutMs, TimeUnit.MILLISECONDS);
            return System.nanoTime();
        }
    }

    static void createTopics(String bootstrap, Map<String, Integer> partitionsByTopic) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> topics = new ArrayList<>();
            partitionsByTopic.forEach((t, n) -> topics.add(new NewTopic(t, n, (short) 1)));
            admin.createTopics(topics).all().get(120, TimeUnit.SECONDS);
        }
    }

    /**
     * The broker's finalized {@code transaction.version} feature level: 0 when none is finalized (Ledgerline);
     * below 2, the classic protocol (what Ledgerline's docs call transaction version 1: AddPartitionsToTxn from
     * the client, EndTxn ≤ v4); 2, KIP-890 part 2 (partitions added by the broker at Produce, an epoch bump per
     * transaction; Kafka 4.4's default for a new cluster). Printed with the transactional workloads, because the
     * two protocols differ in round trips.
     */
    static short transactionVersion(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            var range = admin.describeFeatures().featureMetadata().get(30, TimeUnit.SECONDS)
                    .finalizedFeatures().get("transaction.version");
            return range == null ? 0 : range.maxVersionLevel();
        }
    }

    /** What a produce or consume workload moved, and in what time. */
    record Throughput(long records, long bytes, double seconds) {
        double mibPerSec() {
            return bytes / seconds / (1024.0 * 1024.0);
        }

        double recordsPerSec() {
            return records / seconds;
        }
    }

    /**
     * {@code producers} producers (one KafkaProducer and one sending thread each) send 1 KiB records to
     * {@code topic}. Each producer first sends one record and waits for it (connection, metadata, producer id),
     * outside the clock.
     *
     * <p>Time-bound ({@code maxRecords} = Long.MAX_VALUE): throughput counts the records acknowledged within
     * {@code durationMs}, and what is still buffered at the deadline is abandoned (close with zero timeout), so a
     * slow broker cannot stretch the run by draining 32 MiB of client buffer. Count-bound: the producers send
     * {@code maxRecords} in all (or what {@code durationMs} allows), flush, and throughput is all of them over
     * the time to the end of the last flush.
     */
    static Throughput produce(String bootstrap, String topic, int producers, Map<String, String> batching,
                              long durationMs, long maxRecords) throws Exception {
        boolean countBound = maxRecords != Long.MAX_VALUE;
        List<KafkaProducer<byte[], byte[]>> list = new ArrayList<>();
        try {
            byte[] value = payload();
            for (int i = 0; i < producers; i++) {
                KafkaProducer<byte[], byte[]> pr = new KafkaProducer<>(producerProps(bootstrap, batching));
                list.add(pr);
                pr.send(new ProducerRecord<>(topic, value)).get(60, TimeUnit.SECONDS);
            }
            AtomicLong acked = new AtomicLong();
            AtomicReference<Exception> error = new AtomicReference<>();
            long perProducer = countBound ? maxRecords / producers : Long.MAX_VALUE;
            long t0 = together(list, durationMs, "bench-producer", error, (pr, end) -> {
                for (long n = 0; n < perProducer && System.nanoTime() < end; n++) {
                    pr.send(new ProducerRecord<>(topic, value), (md, e) -> {
                        boolean inWindow = countBound || System.nanoTime() <= end;
                        if (e != null) {
                            if (inWindow) error.compareAndSet(null, e);
                        } else if (inWindow) {
                            acked.incrementAndGet();
                        }
                    });
                }
                if (countBound) pr.flush();
            });
            if (!countBound) {
                long left = t0 + TimeUnit.MILLISECONDS.toNanos(durationMs) - System.nanoTime();
                if (left > 0) TimeUnit.NANOSECONDS.sleep(left);
            }
            double seconds = countBound ? (System.nanoTime() - t0) / 1e9 : durationMs / 1000.0;
            long n = acked.get();
            if (error.get() != null) throw new IllegalStateException("produce to " + topic + " failed", error.get());
            return new Throughput(n, n * RECORD_BYTES, seconds);
        } finally {
            for (KafkaProducer<byte[], byte[]> pr : list) pr.close(countBound ? Duration.ofSeconds(10) : Duration.ZERO);
        }
    }

    /** One client's part of a workload, given the deadline (a {@code System.nanoTime()}). */
    @FunctionalInterface
    interface Loop<T> {
        void run(T client, long deadlineNanos) throws Exception;
    }

    /**
     * Runs {@code loop} for every client, each on its own thread, all released at once after the threads exist;
     * the deadline is {@code durationMs} after the release. Returns the release time (nanoTime) once every thread
     * has ended. The first exception of any loop is put in {@code error}.
     */
    static <T> long together(List<T> clients, long durationMs, String threadName, AtomicReference<Exception> error,
                             Loop<T> loop) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        long[] deadline = new long[1];
        for (T c : clients) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    loop.run(c, deadline[0]);
                } catch (Exception e) {
                    error.compareAndSet(null, e);
                }
            }, threadName);
            threads.add(t);
            t.start();
        }
        long t0 = System.nanoTime();
        deadline[0] = t0 + TimeUnit.MILLISECONDS.toNanos(durationMs);
        start.countDown();
        for (Thread t : threads) t.join();
        return t0;
    }

    /** Records per transaction in the transactional workloads, spread evenly over {@link #TXN_PARTITIONS}. */
    static final int TXN_RECORDS = 10;
    /** Partitions each transaction writes to (records alternate 0, 1, 0, ...), as a transfer's debit and credit. */
    static final int TXN_PARTITIONS = 2;

    /**
     * What a transactional workload committed. {@code inWindow} counts the transactions whose commitTransaction()
     * returned within the window (the throughput); {@code committed} also counts the warm-up transactions and the
     * one each producer finished after the deadline (what the topic must hold). {@code brokerCpuPerTransaction}:
     * broker CPU seconds from the start of the window to the end of those last transactions, divided by the
     * transactions committed in that time. {@code transactionUs}:
     * microseconds from beginTransaction() to commitTransaction() returning, of the transactions in the window.
     * Nearly all of it is inside commitTransaction(): send() only buffers, and the commit flushes the records and
     * waits for every request they need (AddPartitionsToTxn under transaction version 1, Produce, EndTxn).
     */
    record Transactions(long inWindow, long committed, double seconds, Histogram transactionUs, double brokerCpuPerTransaction) {
        double perSec() {
            return inWindow / seconds;
        }
    }

    /**
     * {@code producers} transactional producers (one KafkaProducer, one thread and one transactional.id each:
     * {@code topic + "-" + i}) loop for {@code durationMs}: beginTransaction, send {@link #TXN_RECORDS} 1 KiB
     * records alternating between partitions 0 and 1 of {@code topic}, commitTransaction (which flushes and
     * blocks until the broker answers EndTxn). Before the clock: each producer's initTransactions and one
     * transaction, then {@code warmupMs} of the same loop by all producers (the broker's and the client's JIT;
     * Kafka also creates its transaction log on the first InitProducerId). A producer in the middle of a
     * transaction at the deadline finishes it (committed, not counted as throughput). Any error fails the
     * workload: nothing is aborted, so every transaction begun is committed, and {@link #verifyCommitted} can
     * check the topic against the count. {@code brokerCpuSeconds} reads the broker's CPU time.
     */
    static Transactions transactions(String bootstrap, String topic, int producers, long warmupMs, long durationMs,
                                     DoubleSupplier brokerCpuSeconds) throws Exception {
        List<KafkaProducer<byte[], byte[]>> list = new ArrayList<>();
        Histogram transactionUs = new SynchronizedHistogram(TimeUnit.SECONDS.toMicros(60), 3);
        AtomicLong inWindow = new AtomicLong();
        AtomicLong committed = new AtomicLong();
        AtomicReference<Exception> error = new AtomicReference<>();
        try {
            byte[] value = payload();
            for (int i = 0; i < producers; i++) {
                KafkaProducer<byte[], byte[]> pr = new KafkaProducer<>(producerProps(bootstrap,
                        Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic + "-" + i)));
                list.add(pr);
                pr.initTransactions();
                transaction(pr, topic, value, error);
                committed.incrementAndGet();
            }
            together(list, warmupMs, "bench-txn-warm-up", error, (pr, end) -> {
                while (System.nanoTime() < end && error.get() == null) {
                    transaction(pr, topic, value, error);
                    committed.incrementAndGet();
                }
            });
            long before = committed.get();
            double cpu0 = brokerCpuSeconds.getAsDouble();
            together(list, durationMs, "bench-txn-producer", error, (pr, end) -> {
                while (System.nanoTime() < end && error.get() == null) {
                    long t0 = System.nanoTime();
                    transaction(pr, topic, value, error);
                    long t1 = System.nanoTime();
                    committed.incrementAndGet();
                    if (t1 <= end) {
                        inWindow.incrementAndGet();
                        transactionUs.recordValue((t1 - t0) / 1000);
                    }
                }
            });
            double cpu = brokerCpuSeconds.getAsDouble() - cpu0;
            if (error.get() != null) throw new IllegalStateException("transactions to " + topic + " failed", error.get());
            return new Transactions(inWindow.get(), committed.get(), durationMs / 1000.0, transactionUs,
                    cpu / (committed.get() - before));
        } finally {
            for (KafkaProducer<byte[], byte[]> pr : list) pr.close(Duration.ofSeconds(10));
        }
    }

    /** One transaction of {@link #TXN_RECORDS} records, committed. */
    private static void transaction(KafkaProducer<byte[], byte[]> pr, String topic, byte[] value, AtomicReference<Exception> error) {
        pr.beginTransaction();
        for (int r = 0; r < TXN_RECORDS; r++) {
            pr.send(new ProducerRecord<>(topic, r % TXN_PARTITIONS, null, value), (md, e) -> {
                if (e != null) error.compareAndSet(null, e);
            });
        }
        pr.commitTransaction(); // throws if any send of the transaction failed
    }

    /**
     * The check that every committed transaction is there: a read_committed consumer reads both partitions of
     * {@code topic} from the beginning up to the log end offsets taken now (after every commitTransaction()
     * returned, so every data record lies below them; a marker the broker writes after answering EndTxn only
     * has to arrive before {@code timeoutMs}) and must find exactly {@code TXN_RECORDS / TXN_PARTITIONS ×
     * transactions} records in each partition. Throws otherwise.
     */
    static void verifyCommitted(String bootstrap, String topic, long transactions, long timeoutMs) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int i = 0; i < TXN_PARTITIONS; i++) tps.add(new TopicPartition(topic, i));
        Map<TopicPartition, Long> end;
        try (KafkaConsumer<byte[], byte[]> uncommitted = new KafkaConsumer<>(consumerProps(bootstrap))) {
            end = uncommitted.endOffsets(tps, Duration.ofSeconds(30));
        }
        Properties p = consumerProps(bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<TopicPartition, Long> counted = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long stopBy = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (!tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
                if (System.nanoTime() > stopBy) {
                    throw new IllegalStateException("read_committed consumer of " + topic + " did not reach the log end "
                            + end + " in " + timeoutMs + " ms (read " + counted + ")");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    counted.merge(new TopicPartition(r.topic(), r.partition()), 1L, Long::sum);
                }
            }
        }
        long perPartition = transactions * TXN_RECORDS / TXN_PARTITIONS;
        for (TopicPartition tp : tps) {
            long n = counted.getOrDefault(tp, 0L);
            if (n != perPartition) {
                throw new IllegalStateException(String.format("%s holds %,d committed records, expected %,d "
                        + "(%,d committed transactions × %d records / %d partitions); log end offsets %s",
                        tp, n, perPartition, transactions, TXN_RECORDS, TXN_PARTITIONS, end));
            }
        }
    }

    /** Produce and end-to-end latency at a fixed rate, in microseconds. */
    record Latency(Histogram produce, Histogram endToEnd, long sent, long received) {}

    /**
     * One producer sends {@code rate} records per second for {@code durationMs} to partition 0 of a 1-partition
     * topic while one consumer (assigned, positioned at the end) reads them. Both latencies are measured from
     * the record's <em>intended</em> send time (so a stalled send is charged to the broker, not hidden:
     * no coordinated omission): produce latency to the acknowledgement callback, end-to-end latency to the
     * consumer's poll returning it (the intended time travels in the record's first 8 bytes; same JVM, same
     * clock).
     */
    static Latency fixedRate(String bootstrap, String topic, int rate, long durationMs) throws Exception {
        Histogram produceUs = new SynchronizedHistogram(TimeUnit.SECONDS.toMicros(60), 3);
        Histogram e2eUs = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        TopicPartition tp = new TopicPartition(topic, 0);
        AtomicLong received = new AtomicLong();
        AtomicReference<Exception> error = new AtomicReference<>();
        long expected;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap, DEFAULT_BATCHING));
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(bootstrap))) {
            byte[] value = payload();
            ByteBuffer.wrap(value).putLong(0, -1L); // warm-up record: the consumer skips it
            producer.send(new ProducerRecord<>(topic, value)).get(60, TimeUnit.SECONDS);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            long startOffset = consumer.position(tp, Duration.ofSeconds(30));
            long count = rate * durationMs / 1000;
            expected = count;
            long stopBy = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs + 30_000);
            Thread reader = new Thread(() -> {
                try {
                    while (received.get() < count && System.nanoTime() < stopBy) {
                        ConsumerRecords<byte[], byte[]> recs = consumer.poll(Duration.ofMillis(100));
                        long now = System.nanoTime();
                        for (ConsumerRecord<byte[], byte[]> r : recs) {
                            long intended = ByteBuffer.wrap(r.value()).getLong(0);
                            if (intended == -1L) continue;
                            e2eUs.recordValue(Math.max(0, (now - intended) / 1000));
                            received.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    error.compareAndSet(null, e);
                }
            }, "bench-e2e-consumer");
            reader.start();
            if (startOffset < 0) throw new IllegalStateException("no position");
            long intervalNs = 1_000_000_000L / rate;
            long t0 = System.nanoTime() + 50_000_000L;
            for (long i = 0; i < count; i++) {
                long intended = t0 + i * intervalNs;
                long wait;
                while ((wait = intended - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
                ByteBuffer.wrap(value).putLong(0, intended);
                producer.send(new ProducerRecord<>(topic, 0, null, value), (md, e) -> {
                    if (e != null) error.compareAndSet(null, e);
                    else produceUs.recordValue(Math.max(0, (System.nanoTime() - intended) / 1000));
                });
            }
            producer.flush();
            reader.join(TimeUnit.MILLISECONDS.toMillis(durationMs + 35_000));
            if (error.get() != null) throw new IllegalStateException("fixed-rate workload failed", error.get());
        }
        if (received.get() < expected) throw new IllegalStateException("consumer received " + received.get() + " of " + expected);
        return new Latency(produceUs, e2eUs, expected, received.get());
    }

    /**
     * Consumer catch-up: one consumer assigned every partition of {@code topic}, from the beginning, reads to the
     * end offsets it saw at the start (default fetch settings).
     */
    static Throughput catchUp(String bootstrap, String topic, int partitions, long timeoutMs) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int i = 0; i < partitions; i++) tps.add(new TopicPartition(topic, i));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(bootstrap))) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long target = 0;
            for (Map.Entry<TopicPartition, Long> e : consumer.endOffsets(tps, Duration.ofSeconds(30)).entrySet()) {
                target += e.getValue() - consumer.position(e.getKey(), Duration.ofSeconds(30));
            }
            long records = 0;
            long bytes = 0;
            long t0 = System.nanoTime();
            long stopBy = t0 + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (records < target) {
                if (System.nanoTime() > stopBy) throw new IllegalStateException("catch-up read " + records + " of " + target + " in " + timeoutMs + " ms");
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    records++;
                    bytes += r.serializedValueSize();
                }
            }
            return new Throughput(records, bytes, (System.nanoTime() - t0) / 1e9);
        }
    }

    /**
     * What {@link #trickle} saw in its window: broker CPU seconds, the consumer's requests and responses to the
     * broker and their bytes (from the consumer's own per-node network metrics, {@code consumer-node-metrics}: the
     * size of each request and response as sent and received, size prefix included), and the records consumed.
     */
    record Trickle(double seconds, double brokerCpu, long requests, long requestBytes, long responses, long responseBytes,
                   long recordsInWindow, long recordsProduced) {
        double cpuMsPerSec() {
            return brokerCpu * 1000 / seconds;
        }

        double fetchesPerSec() {
            return requests / seconds;
        }

        double bytesPerRequest() {
            return requestBytes / (double) requests;
        }

        double bytesPerResponse() {
            return responseBytes / (double) responses;
        }
    }

    /**
     * Many partitions, little data (issue #9's fetch-session workload): one consumer assigned every partition of
     * {@code topic} (from offset 0, default fetch settings: fetch.min.bytes 1, fetch.max.wait.ms 500) while one
     * producer sends {@code perPartitionPerSec} 1 KiB records a second to each partition, round robin at a fixed
     * pace (first one record to each partition, acknowledged before the clock starts). After {@code warmupMs} (the
     * consumer's first full fetch, the JIT), broker CPU and the consumer's network
     * metrics are read at the start and end of {@code durationMs}. Then the producer stops and the consumer reads
     * to the end: every acknowledged record must arrive exactly once, in offset order per partition, or the
     * workload fails.
     */
    static Trickle trickle(String bootstrap, String topic, int partitions, int perPartitionPerSec, long warmupMs,
                           long durationMs, DoubleSupplier brokerCpuSeconds) throws Exception {
        List<TopicPartition> tps = new ArrayList<>();
        for (int i = 0; i < partitions; i++) tps.add(new TopicPartition(topic, i));
        long[] next = new long[partitions];
        AtomicLong produced = new AtomicLong();
        AtomicLong consumed = new AtomicLong();
        AtomicReference<Exception> error = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean producing = new java.util.concurrent.atomic.AtomicBoolean(true);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(bootstrap));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap, DEFAULT_BATCHING))) {
            byte[] value = payload();
            // every partition takes a record (acknowledged) before the clock: a new topic's partitions all have a leader
            List<java.util.concurrent.Future<?>> first = new ArrayList<>();
            for (int p = 0; p < partitions; p++) first.add(producer.send(new ProducerRecord<>(topic, p, null, value)));
            for (var f : first) f.get(120, TimeUnit.SECONDS);
            produced.addAndGet(partitions);
            consumer.assign(tps);
            for (TopicPartition tp : tps) consumer.seek(tp, 0);
            long periodNanos = 1_000_000_000L / ((long) partitions * perPartitionPerSec);
            Thread sender = new Thread(() -> {
                long due = System.nanoTime();
                for (long n = 0; producing.get() && error.get() == null; n++) {
                    LockSupport.parkNanos(due - System.nanoTime());
                    producer.send(new ProducerRecord<>(topic, (int) (n % partitions), null, value), (md, e) -> {
                        if (e != null) error.compareAndSet(null, e);
                        else produced.incrementAndGet();
                    });
                    due += periodNanos;
                }
            }, "bench-trickle-producer");
            sender.start();
            long t0 = System.nanoTime();
            long start = t0 + TimeUnit.MILLISECONDS.toNanos(warmupMs);
            long end = start + TimeUnit.MILLISECONDS.toNanos(durationMs);
            double cpu0 = 0;
            double[] net0 = null;
            long inWindow0 = 0;
            while (System.nanoTime() < end && error.get() == null) {
                if (net0 == null && System.nanoTime() >= start) {
                    cpu0 = brokerCpuSeconds.getAsDouble();
                    net0 = nodeTotals(consumer);
                    inWindow0 = consumed.get();
                }
                poll(consumer, next, consumed);
            }
            double cpu = brokerCpuSeconds.getAsDouble() - cpu0;
            double[] net1 = nodeTotals(consumer);
            long inWindow = consumed.get() - inWindow0;
            producing.set(false);
            sender.join(10_000);
            producer.flush();
            if (error.get() != null) throw new IllegalStateException("trickle workload failed", error.get());
            long stopBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumed.get() < produced.get() && System.nanoTime() < stopBy) poll(consumer, next, consumed);
            if (consumed.get() != produced.get()) {
                throw new IllegalStateException("consumer received " + consumed.get() + " of " + produced.get() + " records");
            }
            long sum = 0;
            for (long n : next) sum += n;
            if (sum != produced.get()) throw new IllegalStateException("partition ends sum to " + sum + ", produced " + produced.get());
            return new Trickle(durationMs / 1000.0, cpu, (long) (net1[0] - net0[0]), (long) (net1[1] - net0[1]),
                    (long) (net1[2] - net0[2]), (long) (net1[3] - net0[3]), inWindow, produced.get());
        }
    }

    /** One poll; each record must be the next offset of its partition (no gap, no duplicate). */
    private static void poll(KafkaConsumer<byte[], byte[]> consumer, long[] next, AtomicLong consumed) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            if (r.offset() != next[r.partition()]) {
                throw new IllegalStateException("partition " + r.partition() + ": offset " + r.offset() + ", expected " + next[r.partition()]);
            }
            next[r.partition()]++;
            consumed.incrementAndGet();
        }
    }

    /** The consumer's requests sent, bytes sent, responses received and bytes received, summed over its connections. */
    private static double[] nodeTotals(KafkaConsumer<byte[], byte[]> consumer) {
        double[] t = new double[4];
        for (var e : consumer.metrics().entrySet()) {
            if (!e.getKey().group().equals("consumer-node-metrics")) continue;
            int i = switch (e.getKey().name()) {
                case "request-total" -> 0;
                case "outgoing-byte-total" -> 1;
                case "response-total" -> 2;
                case "incoming-byte-total" -> 3;
                default -> -1;
            };
            if (i >= 0) t[i] += ((Number) e.getValue().metricValue()).doubleValue();
        }
        return t;
    }
}
