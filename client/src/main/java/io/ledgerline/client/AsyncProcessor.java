package io.ledgerline.client;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Consumes input topics as a consumer group and calls an asynchronous function per record, writing each result
 * to an output topic; slow or failing calls never stall the group. Build one with {@link #builder}, then
 * {@link #start()} it; {@link #close()} finishes what is under way (within {@link ProcessorSettings#closeTimeout()}),
 * commits it and leaves the group.
 *
 * <h2>Threads</h2>
 * One poll thread owns the {@link KafkaConsumer} and every {@link PartitionState}: it polls, admits records in
 * the chosen {@link Ordering}, starts calls up to {@code maxInFlight}, pauses partitions when its buffer is full
 * (and keeps polling, so the group never sees a missed {@code max.poll.interval.ms}) and commits. Calls complete
 * on the function's threads, timeouts and retry waits run on a timer thread, produce acknowledgements on the
 * producer's I/O thread; each of them ends by putting the record's {@link Work} on {@link #done}, which only the
 * poll thread reads.
 *
 * <h2>Commit after produce</h2>
 * A record is done when its output (or its dead letter and/or fallback) is acknowledged by the broker, and only
 * done offsets are committed ({@link OffsetTracker}): the committed offset is the lowest one not done, and the
 * done ones above it are listed in the commit's metadata, so a restarted processor skips them. A crash therefore
 * repeats at most the records under way (at-least-once: every input yields at least one output or dead letter),
 * never loses one.
 *
 * <h2>Exactly-once mode</h2>
 * With {@link ProcessorSettings.Builder#exactlyOnce} the completions do not write: the poll thread writes each done
 * record's output (or dead letter and fallback) into its open transaction and, every commit interval (and on
 * revocation and close), adds the offsets of all its partitions with {@code sendOffsetsToTransaction} and commits.
 * Outputs and offsets become visible together or not at all. Any transaction error stops the processor (the open
 * transaction is aborted): a restart with the same transactional.id resumes from the last committed transaction.
 */
public final class AsyncProcessor<K, V, R> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AsyncProcessor.class);
    /** How long the poll thread waits for completions per step while it drains (revocation, close). */
    private static final long DRAIN_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** The user's asynchronous function. It must not block: return a future and complete it elsewhere. */
    @FunctionalInterface
    public interface AsyncFunction<K, V, R> {
        CompletableFuture<R> apply(ConsumerRecord<K, V> record) throws Exception;
    }

    private final ProcessorSettings<K, V, R> s;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ScheduledExecutorService timer;
    private final ProcessorMetrics metrics;
    private final int windowOffsets;
    private final LinkedBlockingQueue<Work> done = new LinkedBlockingQueue<>();
    // Poll thread only:
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private final ArrayDeque<Work> ready = new ArrayDeque<>();
    private Set<TopicPartition> paused = new HashSet<>();
    private long lastCommitNanos = System.nanoTime();
    // Any thread:
    private final Thread pollThread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicInteger assignments = new AtomicInteger();
    private volatile boolean started;
    private volatile boolean closing;
    private volatile boolean clientsClosed;
    private volatile Throwable failure;
    private volatile int generation = -1;
    private final boolean exactlyOnce;
    /** Exactly-once mode, poll thread only: whether a transaction is open. */
    private boolean inTransaction;

    AsyncProcessor(ProcessorSettings<K, V, R> settings, MeterRegistry registry) {
        this.s = settings;
        this.exactlyOnce = settings.transactionalId() != null;
        this.windowOffsets = OffsetTracker.windowOffsetsFor(settings.commitMetadataBytesMax());
        this.metrics = new ProcessorMetrics(registry, settings.groupId());
        this.consumer = new KafkaConsumer<>(settings.consumerConfig());
        this.producer = new KafkaProducer<>(settings.producerConfig());
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "ledgerline-processor-timer-" + settings.groupId());
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        this.pollThread = new Thread(this::run, "ledgerline-processor-" + settings.groupId());
    }

    public static <K, V, R> ProcessorSettings.Builder<K, V, R> builder(
            org.apache.kafka.common.serialization.Deserializer<K> keyDeserializer,
            org.apache.kafka.common.serialization.Deserializer<V> valueDeserializer,
            org.apache.kafka.common.serialization.Serializer<R> outputSerializer) {
        return new ProcessorSettings.Builder<>(keyDeserializer, valueDeserializer, outputSerializer);
    }

    /** Subscribes and starts the poll thread. */
    public AsyncProcessor<K, V, R> start() {
        if (started) throw new IllegalStateException("the processor of group " + s.groupId() + " was already started");
        started = true;
        pollThread.start();
        return this;
    }

    /** The error that stopped the processor (it stopped polling and committed what was done), if any. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Whether the poll thread is running. */
    public boolean isRunning() {
        return started && stopped.getCount() > 0;
    }

    /** The consumer group generation of the last poll, -1 before the first assignment. */
    public int groupGeneration() {
        return generation;
    }

    /** How many times partitions were assigned to this processor (1 after the first join). */
    public int assignmentCount() {
        return assignments.get();
    }

    /** Finishes the calls under way within the close timeout, commits what is done, leaves the group. */
    @Override
    public void close() {
        closing = true;
        if (!started) {
            closeClients();
            return;
        }
        if (Thread.currentThread() == pollThread) return;
        try {
            if (!stopped.await(s.closeTimeout().toMillis() + 60_000, TimeUnit.MILLISECONDS)) {
                log.warn("processor {} did not stop within its close timeout {}", s.groupId(), s.closeTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- poll thread ------------------------------------------------------------------------------------

    private void run() {
        try {
            if (exactlyOnce) producer.initTransactions(); // fences a crashed predecessor and aborts what it left open
            checkWritable("output", s.outputTopic());
            if (s.dlqTopic() != null) checkWritable("dead-letter", s.dlqTopic());
            consumer.subscribe(s.inputTopics(), new Rebalance());
            while (!closing && failure == null) {
                drainDone(0);
                dispatch();
                backpressure();
                if (System.nanoTime() - lastCommitNanos >= s.commitInterval().toNanos()) commit(false, partitions.keySet());
                ConsumerRecords<byte[], byte[]> records = consumer.poll(s.pollTimeout());
                for (TopicPartition tp : records.partitions()) accept(tp, records.records(tp));
                observe();
            }
            if (failure == null) drainOnClose();
            commit(true, partitions.keySet());
        } catch (WakeupException e) {
            if (!closing) fail(e);
        } catch (Throwable t) {
            fail(t);
            try {
                if (exactlyOnce) {
                    if (inTransaction) producer.abortTransaction();
                } else {
                    commit(true, partitions.keySet());
                }
            } catch (RuntimeException again) {
                log.warn("processor {}: could not commit what was done after the failure", s.groupId(), again);
            }
        } finally {
            closeClients();
            stopped.countDown();
        }
    }

    /** Fails before joining the group when a topic the processor writes is missing: it would fail every record. */
    private void checkWritable(String role, String topic) {
        try {
            producer.partitionsFor(topic);
        } catch (KafkaException e) {
            throw new ProcessorException("the " + role + " topic " + topic + " cannot be written (" + e.getMessage()
                    + "); create it first: the processor creates no topics", e);
        }
    }

    private void closeClients() {
        clientsClosed = true;
        timer.shutdownNow();
        try {
            consumer.close(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            log.warn("processor {}: closing the consumer failed", s.groupId(), e);
        }
        producer.close(Duration.ofSeconds(30));
    }

    private void accept(TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records) {
        PartitionState ps = partitions.get(tp);
        assert ps != null && !ps.draining : "records of " + tp + " which is not assigned";
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (!ps.tracker.polled(r.offset())) {
                metrics.skippedOnRestart.increment();
                continue;
            }
            ps.add(new Work(r, ps, s.ordering()), ready);
        }
    }

    private void dispatch() {
        Work w;
        while (metrics.inFlight.get() < s.maxInFlight() && (w = ready.pollFirst()) != null) {
            if (w.partition.draining || w.partition.revoked) continue;
            start(w);
        }
    }

    /** Pauses every partition while the buffer is full, and a partition whose records wait for its window. */
    private void backpressure() {
        long total = 0;
        for (PartitionState ps : partitions.values()) total += ps.buffered;
        metrics.buffered.set(total);
        boolean full = total >= s.maxBufferedRecords();
        Set<TopicPartition> want = new HashSet<>();
        for (PartitionState ps : partitions.values()) {
            if (full || ps.hasPending()) want.add(ps.tp);
        }
        List<TopicPartition> pause = new ArrayList<>();
        for (TopicPartition tp : want) if (!paused.contains(tp)) pause.add(tp);
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition tp : paused) if (!want.contains(tp) && partitions.containsKey(tp)) resume.add(tp);
        if (!pause.isEmpty()) consumer.pause(pause);
        if (!resume.isEmpty()) consumer.resume(resume);
        paused = want;
    }

    private void observe() {
        generation = consumer.groupMetadata().generationId();
        long lag = 0;
        for (PartitionState ps : partitions.values()) {
            lag += consumer.currentLag(ps.tp).orElse(0) + ps.tracker.incompleteCount();
        }
        metrics.lag.set(lag);
    }

    /** Takes the done records off the queue, waiting up to {@code waitNanos} for the first. */
    private void drainDone(long waitNanos) throws InterruptedException {
        Work first = waitNanos > 0 ? done.poll(waitNanos, TimeUnit.NANOSECONDS) : done.poll();
        if (first == null) return;
        List<Work> batch = new ArrayList<>();
        batch.add(first);
        done.drainTo(batch);
        for (Work w : batch) {
            metrics.inFlight.decrementAndGet();
            PartitionState ps = w.partition;
            ps.inFlight--;
            if (ps.revoked || w.abandoned) continue;
            if (w.outputs != null) writeInTransaction(w);
            ps.tracker.complete(w.offset());
            ps.buffered--;
            ps.release(w, ready);
            ps.admit(ready);
        }
    }

    private void writeInTransaction(Work w) {
        assert exactlyOnce : "only the exactly-once mode writes on the poll thread";
        if (!inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
        }
        for (ProducerRecord<byte[], byte[]> record : w.outputs) {
            producer.send(record, (md, e) -> {
                if (e != null) fail(new ProcessorException("could not write " + record.topic() + " for " + w
                        + " in the transaction; it is aborted", e));
            });
        }
        w.onWritten.forEach(Runnable::run);
    }

    /** Exactly-once mode: the offsets of every partition join the open transaction, which commits. */
    private void commitTransaction() {
        Map<TopicPartition, OffsetAndMetadata> offsets = changedOffsets(partitions.keySet());
        lastCommitNanos = System.nanoTime();
        if (offsets.isEmpty() && !inTransaction) return;
        if (failure != null) {
            // a write of this transaction failed (or the processor is stopping on an error): it must not commit
            if (inTransaction) producer.abortTransaction();
            inTransaction = false;
            return;
        }
        if (!inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
        }
        if (!offsets.isEmpty()) producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
        producer.commitTransaction();
        inTransaction = false;
        committed(offsets);
    }

    private void drainOnClose() throws InterruptedException {
        long deadline = System.nanoTime() + s.closeTimeout().toNanos();
        ready.clear();
        while (metrics.inFlight.get() > 0 && System.nanoTime() < deadline && failure == null) {
            drainDone(Math.min(DRAIN_STEP_NANOS, deadline - System.nanoTime()));
        }
        if (metrics.inFlight.get() > 0) {
            log.info("processor {}: {} records still under way at close are abandoned (not committed)",
                    s.groupId(), metrics.inFlight.get());
        }
    }

    private void commit(boolean sync, Collection<TopicPartition> tps) {
        if (exactlyOnce) {
            // every partition's offsets: the transaction holds outputs of all of them
            commitTransaction();
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = changedOffsets(tps);
        lastCommitNanos = System.nanoTime();
        if (offsets.isEmpty()) return;
        commitNow(sync, offsets);
    }

    private Map<TopicPartition, OffsetAndMetadata> changedOffsets(Collection<TopicPartition> tps) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : tps) {
            PartitionState ps = partitions.get(tp);
            if (ps == null) continue;
            OptionalLong offset = ps.tracker.commitIfAny();
            if (offset.isEmpty()) continue;
            OffsetAndMetadata om = new OffsetAndMetadata(offset.getAsLong(), ps.tracker.commitMetadata());
            if (!om.equals(ps.lastCommitted)) offsets.put(tp, om);
        }
        return offsets;
    }

    private void commitNow(boolean sync, Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (sync) {
            try {
                consumer.commitSync(offsets);
                committed(offsets);
            } catch (KafkaException e) {
                log.warn("processor {}: commit of {} failed; the records after the last commit will be processed again",
                        s.groupId(), offsets.keySet(), e);
            }
        } else {
            consumer.commitAsync(offsets, (o, e) -> {
                if (e == null) {
                    committed(o);
                } else {
                    log.debug("processor {}: asynchronous commit failed, the next one repeats it", s.groupId(), e);
                }
            });
        }
    }

    private void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, om) -> {
            PartitionState ps = partitions.get(tp);
            if (ps != null) ps.lastCommitted = om;
        });
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            if (assigned.isEmpty()) return;
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(assigned));
            int skippable = 0;
            for (TopicPartition tp : assigned) {
                OffsetAndMetadata om = committed.get(tp);
                OffsetTracker tracker = om == null
                        ? OffsetTracker.load(-1, null, windowOffsets)
                        : OffsetTracker.load(om.offset(), om.metadata(), windowOffsets);
                skippable += tracker.completedAboveCount();
                PartitionState ps = new PartitionState(tp, tracker, s.ordering());
                ps.lastCommitted = om;
                partitions.put(tp, ps);
            }
            assignments.incrementAndGet();
            log.info("processor {}: assigned {} ({} records above the committed offsets already done)",
                    s.groupId(), assigned, skippable);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            List<PartitionState> leaving = new ArrayList<>();
            for (TopicPartition tp : revoked) {
                PartitionState ps = partitions.get(tp);
                if (ps != null) {
                    ps.draining = true;
                    leaving.add(ps);
                }
            }
            if (leaving.isEmpty()) return;
            // During close (KafkaConsumer.close() revokes everything) the close timeout was already spent waiting.
            long deadline = System.nanoTime() + (closing ? 0 : s.revocationTimeout().toNanos());
            try {
                while (leaving.stream().anyMatch(ps -> ps.inFlight > 0) && System.nanoTime() < deadline && failure == null) {
                    drainDone(Math.min(DRAIN_STEP_NANOS, deadline - System.nanoTime()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            commit(true, revoked);
            int abandoned = 0;
            for (PartitionState ps : leaving) {
                abandoned += ps.inFlight;
                ps.revoked = true;
                partitions.remove(ps.tp);
                paused.remove(ps.tp);
            }
            log.info("processor {}: revoked {}, committed what was done, {} records under way abandoned",
                    s.groupId(), revoked, abandoned);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            for (TopicPartition tp : lost) {
                PartitionState ps = partitions.remove(tp);
                if (ps != null) ps.revoked = true;
                paused.remove(tp);
            }
            log.warn("processor {}: lost {} without a chance to commit; their records will be processed again", s.groupId(), lost);
        }
    }

    // ---- any thread ---------------------------------------------------------------------------------------

    private void start(Work w) {
        metrics.inFlight.incrementAndGet();
        w.partition.inFlight++;
        ConsumerRecord<byte[], byte[]> r = w.raw;
        try {
            K key = s.keyDeserializer().deserialize(r.topic(), r.headers(), r.key());
            V value = s.valueDeserializer().deserialize(r.topic(), r.headers(), r.value());
            w.typed = new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.timestampType(),
                    r.serializedKeySize(), r.serializedValueSize(), key, value, r.headers(), r.leaderEpoch());
        } catch (RuntimeException e) {
            terminal(w, e, DeadLetters.Reason.DESERIALIZATION);
            return;
        }
        s.retryBudget().deposit();
        attempt(w);
    }

    @SuppressWarnings("unchecked")
    private void attempt(Work w) {
        if (w.partition.revoked || closing) {
            abandon(w);
            return;
        }
        int attempt = ++w.attempts;
        long t0 = System.nanoTime();
        CompletableFuture<R> call;
        try {
            call = s.function().apply((ConsumerRecord<K, V>) w.typed);
            if (call == null) {
                call = CompletableFuture.failedFuture(
                        new NullPointerException("the function returned null instead of a CompletableFuture"));
            }
        } catch (Throwable t) {
            call = CompletableFuture.failedFuture(t);
        }
        AtomicBoolean settled = new AtomicBoolean();
        CompletableFuture<R> pending = call;
        ScheduledFuture<?> deadline;
        try {
            deadline = timer.schedule(() -> {
                if (!settled.compareAndSet(false, true)) return;
                metrics.call("timeout", System.nanoTime() - t0);
                metrics.timeouts.increment();
                pending.cancel(true);
                failed(w, new TimeoutException("call " + attempt + " did not complete within " + s.callTimeout()));
            }, s.callTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            abandon(w);
            return;
        }
        call.whenComplete((result, error) -> {
            if (!settled.compareAndSet(false, true)) return;
            deadline.cancel(false);
            if (error == null) {
                metrics.call("success", System.nanoTime() - t0);
                produce(w, result);
            } else {
                metrics.call("failure", System.nanoTime() - t0);
                failed(w, unwrap(error));
            }
        });
    }

    private void failed(Work w, Throwable error) {
        if (w.partition.revoked || closing) {
            abandon(w);
            return;
        }
        boolean retriable;
        try {
            retriable = s.classifier().isRetriable(error);
        } catch (RuntimeException e) {
            log.warn("processor {}: the failure classifier threw on {}; taken as terminal", s.groupId(), error, e);
            retriable = false;
        }
        if (!retriable) {
            terminal(w, error, DeadLetters.Reason.TERMINAL);
        } else if (w.attempts >= s.retryPolicy().maxAttempts()) {
            terminal(w, error, DeadLetters.Reason.ATTEMPTS_EXHAUSTED);
        } else if (!s.retryBudget().tryWithdraw()) {
            terminal(w, error, DeadLetters.Reason.RETRY_BUDGET_EXHAUSTED);
        } else {
            metrics.retries.increment();
            long wait = s.retryPolicy().backoffNanos(w.attempts, ThreadLocalRandom.current().nextDouble());
            try {
                timer.schedule(() -> attempt(w), wait, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException stopping) {
                abandon(w);
            }
        }
    }

    private void produce(Work w, R result) {
        byte[] value;
        RecordHeaders headers = DeadLetters.copy(w.raw);
        try {
            value = s.outputSerializer().serialize(s.outputTopic(), headers, result);
        } catch (RuntimeException e) {
            terminal(w, e, DeadLetters.Reason.OUTPUT_REJECTED);
            return;
        }
        ProducerRecord<byte[], byte[]> output = new ProducerRecord<>(s.outputTopic(), null, w.raw.key(), value, headers);
        if (exactlyOnce) {
            w.outputs = List.of(output);
            w.onWritten = List.of(metrics.outputs::increment);
            done.add(w);
            return;
        }
        send(output, () -> {
            metrics.outputs.increment();
            done.add(w);
        }, e -> {
            if (e instanceof RetriableException) {
                fail(new ProcessorException("the output of " + w + " could not be written to " + s.outputTopic()
                        + " within the producer's delivery.timeout.ms", e));
            } else {
                terminal(w, e, DeadLetters.Reason.OUTPUT_REJECTED);
            }
        });
    }

    /** The record's processing ended without an output: dead letter and/or fallback, done when all are acknowledged. */
    private void terminal(Work w, Throwable error, DeadLetters.Reason reason) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(2);
        List<Runnable> counters = new ArrayList<>(2);
        if (s.dlqTopic() != null) {
            records.add(DeadLetters.deadLetter(s.dlqTopic(), w.raw, error, reason, w.attempts, s.groupId(),
                    s.function().getClass().getName()));
            counters.add(metrics.deadLetters::increment);
        }
        if (s.fallback()) {
            records.add(DeadLetters.fallback(s.outputTopic(), w.raw, reason));
            counters.add(metrics.fallbacks::increment);
        }
        assert !records.isEmpty() : "settings require a dead-letter topic or the fallback";
        if (exactlyOnce) {
            w.outputs = records;
            w.onWritten = counters;
            done.add(w);
            return;
        }
        AtomicInteger left = new AtomicInteger(records.size());
        for (int i = 0; i < records.size(); i++) {
            ProducerRecord<byte[], byte[]> record = records.get(i);
            Runnable counter = counters.get(i);
            send(record, () -> {
                counter.run();
                if (left.decrementAndGet() == 0) done.add(w);
            }, e -> fail(new ProcessorException("could not write the " + (record.topic().equals(s.dlqTopic())
                    ? "dead letter" : "fallback") + " of " + w + " to " + record.topic(), e)));
        }
    }

    private void send(ProducerRecord<byte[], byte[]> record, Runnable acked, Consumer<Exception> failed) {
        if (clientsClosed) return;
        try {
            producer.send(record, (md, e) -> {
                if (e == null) acked.run();
                else failed.accept(e);
            });
        } catch (RuntimeException e) {
            if (!clientsClosed) failed.accept(e);
        }
    }

    private void abandon(Work w) {
        w.abandoned = true;
        done.add(w);
    }

    private void fail(Throwable t) {
        if (clientsClosed) return;
        if (failure == null) {
            failure = t;
            log.error("processor {} stops: {}", s.groupId(), t.toString(), t);
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
