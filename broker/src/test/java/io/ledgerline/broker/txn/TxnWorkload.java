package io.ledgerline.broker.txn;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;

/**
 * A seeded random workload of a {@link TransactionCoordinator}, driven through its request methods with the clock
 * held by the test: InitProducerId (first, bumps, KIP-360 expectations right and wrong, fencing an ongoing
 * transaction), AddPartitionsToTxn and AddOffsetsToTxn (some with a fenced epoch), EndTxn commit and abort (some
 * mismatched), transaction timeouts and transactional-id expiration (tombstones). Each step waits until the
 * coordinator is quiet ({@link #awaitQuiet}), so a seed replays the same run. Counts what it reached, so a test can
 * refuse a seed that reached nothing interesting. Single-threaded (the test's thread).
 */
final class TxnWorkload {
    static final List<String> IDS = List.of("t0", "t1", "t2", "t3", "t4");
    static final String TOPIC = "seeded";
    static final int PARTITIONS = 3;
    /** The transactional.id.expiration.ms the coordinator under test is given. */
    static final long EXPIRATION_MS = 2500;
    private static final List<String> GROUPS = List.of("g0", "g1");
    private static final int[] TIMEOUTS_MS = {500, 3000, 60_000};

    /** What the test's producers believe they hold, per transactional id. */
    private record Held(long producerId, short epoch) {}

    private final Map<String, Held> held = new HashMap<>();
    private final AtomicLong clock;
    int commits, aborts, expirations, fenced;

    /** @param clock the coordinator's clock, advanced by the workload */
    TxnWorkload(AtomicLong clock) {
        this.clock = clock;
    }

    /** The coordinator settings the workload assumes: the scans run only when the workload calls them. */
    static TransactionCoordinator.Settings settings() {
        return new TransactionCoordinator.Settings(900_000, 3_600_000, EXPIRATION_MS, 3_600_000);
    }

    /** One random request (or clock advance, or scan), answered, then the coordinator quiet. */
    void step(Random random, TransactionCoordinator tc) throws Exception {
        String id = IDS.get(random.nextInt(IDS.size()));
        Held h = held.getOrDefault(id, new Held(RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH));
        // Mostly the epoch the producer holds; sometimes a stale one, as a zombie would send.
        short epoch = random.nextInt(10) == 0 ? (short) (h.epoch() - 1) : h.epoch();
        int op = random.nextInt(100);
        if (op < 15) {
            boolean kip360 = h.producerId() >= 0 && random.nextInt(3) == 0;
            TransactionCoordinator.InitResult r = get(tc.initProducerId(id, TIMEOUTS_MS[random.nextInt(TIMEOUTS_MS.length)],
                    kip360 ? h.producerId() : RecordBatch.NO_PRODUCER_ID, kip360 ? epoch : RecordBatch.NO_PRODUCER_EPOCH));
            if (r.error() == Errors.NONE) held.put(id, new Held(r.producerId(), r.epoch()));
            count(r.error());
        } else if (op < 45) {
            Set<TopicPartition> parts = new HashSet<>();
            for (int p = 0; p < PARTITIONS; p++) if (random.nextBoolean()) parts.add(new TopicPartition(TOPIC, p));
            if (parts.isEmpty()) parts.add(new TopicPartition(TOPIC, random.nextInt(PARTITIONS)));
            count(get(tc.add(id, h.producerId(), epoch, parts, Set.of())));
        } else if (op < 55) {
            count(get(tc.add(id, h.producerId(), epoch, Set.of(), Set.of(GROUPS.get(random.nextInt(GROUPS.size()))))));
        } else if (op < 75) {
            boolean commit = random.nextInt(3) > 0;
            TxnMetadata before = tc.describe(id);
            Errors e = get(tc.endTxn(id, h.producerId(), epoch, commit));
            count(e);
            awaitQuiet(tc);
            TxnMetadata after = tc.describe(id);
            if (e == Errors.NONE && before != null && before.state() == TransactionState.ONGOING && after != null) {
                if (after.state() == TransactionState.COMPLETE_COMMIT) commits++;
                if (after.state() == TransactionState.COMPLETE_ABORT) aborts++;
            }
        } else if (op < 88) {
            clock.addAndGet(random.nextInt(1500));
        } else if (op < 92) {
            tc.abortTimedOut();
        } else {
            int before = known(tc);
            tc.expireTransactionalIds();
            awaitQuiet(tc);
            expirations += before - known(tc);
        }
        awaitQuiet(tc);
    }

    /** Whether the run reached commits, aborts, expirations and fenced requests (a seed that did not proves less). */
    List<Integer> coverage() {
        return List.of(commits, aborts, expirations, fenced);
    }

    private void count(Errors e) {
        if (e == Errors.PRODUCER_FENCED) fenced++;
    }

    private static int known(TransactionCoordinator tc) {
        int n = 0;
        for (String id : IDS) if (tc.describe(id) != null) n++;
        return n;
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(15, TimeUnit.SECONDS);
    }

    /** Every write applied or dropped, none in flight, and no transaction between its decision and its completion. */
    static void awaitQuiet(TransactionCoordinator tc) {
        await("the coordinator quiet: every write settled, no id pending, none completing")
                .atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(2)).until(() -> tc.settled().isDone()
                && IDS.stream().noneMatch(tc::pending)
                && IDS.stream().map(tc::describe).noneMatch(m -> m != null && m.state().completing()));
    }
}
