package io.ledgerline.it.client;

import io.ledgerline.client.AsyncProcessor;
import io.ledgerline.client.TerminalFailure;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for a slow model behind an asynchronous client: answers "enriched:" + value after a seeded random
 * latency (log-normal around {@code latencyMeanMs}), fails a share of calls (retriable IOException), and obeys
 * the value's prefix: "bad" → {@link TerminalFailure}, "hang" → never answers, "flaky" → fails its first two
 * calls. {@link #outage} makes every call fail or hang while set. It counts calls, the most calls under way at
 * once, and calls of one key that overlapped (which per-key ordering must make impossible).
 */
final class StubModel implements AsyncProcessor.AsyncFunction<String, byte[], String>, AutoCloseable {
    enum Outage { NONE, FAIL, HANG }

    private final Random random;
    private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "stub-model");
        t.setDaemon(true);
        return t;
    });
    private final double latencyMeanMs;
    private final double errorRate;
    volatile Outage outage = Outage.NONE;
    final AtomicLong calls = new AtomicLong();
    final AtomicLong callsDuringOutage = new AtomicLong();
    private final AtomicInteger active = new AtomicInteger();
    final AtomicInteger maxActive = new AtomicInteger();
    final AtomicInteger sameKeyOverlaps = new AtomicInteger();
    private final Map<String, Boolean> activeKeys = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> callsPerValue = new ConcurrentHashMap<>();

    StubModel(long seed, double latencyMeanMs, double errorRate) {
        this.random = new Random(seed);
        this.latencyMeanMs = latencyMeanMs;
        this.errorRate = errorRate;
    }

    @Override
    public CompletableFuture<String> apply(ConsumerRecord<String, byte[]> record) {
        calls.incrementAndGet();
        String value = new String(record.value(), StandardCharsets.UTF_8);
        int call = callsPerValue.computeIfAbsent(value, v -> new AtomicInteger()).incrementAndGet();
        String key = record.key() == null ? "<null>@" + record.partition() : record.key() + "@" + record.partition();
        if (activeKeys.putIfAbsent(key, Boolean.TRUE) != null) sameKeyOverlaps.incrementAndGet();
        maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
        CompletableFuture<String> answer = new CompletableFuture<>();
        answer.whenComplete((r, e) -> {
            activeKeys.remove(key);
            active.decrementAndGet();
        });
        Outage now = outage;
        if (now != Outage.NONE) callsDuringOutage.incrementAndGet();
        if (now == Outage.HANG || value.startsWith("hang")) return answer;
        long latencyMicros;
        boolean fail;
        synchronized (random) {
            // log-normal with sigma 1 and the given mean: exp(mu + sigma^2 / 2) = mean
            latencyMicros = (long) (latencyMeanMs * 1000 * Math.exp(random.nextGaussian() - 0.5));
            fail = random.nextDouble() < errorRate;
        }
        clock.schedule(() -> {
            if (now == Outage.FAIL) {
                answer.completeExceptionally(new IOException("model outage"));
            } else if (value.startsWith("bad")) {
                answer.completeExceptionally(new TerminalFailure("the model refused " + value));
            } else if (value.startsWith("flaky") && call <= 2) {
                answer.completeExceptionally(new IOException("flaky call " + call));
            } else if (fail) {
                answer.completeExceptionally(new IOException("random failure"));
            } else {
                answer.complete("enriched:" + value);
            }
        }, latencyMicros, TimeUnit.MICROSECONDS);
        return answer;
    }

    /** How many times the function was called for the record with this value. */
    int callsFor(String value) {
        AtomicInteger n = callsPerValue.get(value);
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() {
        clock.shutdownNow();
    }
}
