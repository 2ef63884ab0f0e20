package io.ledgerline.coordinator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The runtime's contract over a log whose durability the test decides: records applied only once durable, in log
 * order whatever order durability comes in, never when their write fails; the response after the apply; load
 * replays through the same method. The seeded test compares every step with a reference model.
 */
class CoordinatorRuntimeTest {

    /** State: the applied records in order. */
    static final class Applied implements StateMachine<String> {
        final List<String> records = new ArrayList<>();

        @Override
        public void replay(String record) {
            records.add(record);
        }
    }

    /** Appends stay pending until the test completes or fails them; durable ones are what replay feeds. */
    static final class ManualLog implements InternalLog<String> {
        final List<List<String>> appended = new ArrayList<>();
        final List<CompletableFuture<Void>> futures = new ArrayList<>();
        final List<String> durable = new ArrayList<>();

        @Override
        public synchronized CompletableFuture<Void> append(List<String> records) {
            appended.add(records);
            CompletableFuture<Void> f = new CompletableFuture<>();
            futures.add(f);
            return f;
        }

        @Override
        public synchronized void replay(Consumer<String> apply) {
            durable.forEach(apply);
        }

        synchronized void succeed(int i) {
            futures.get(i).complete(null);
        }

        synchronized void fail(int i) {
            futures.get(i).completeExceptionally(new IllegalStateException("fsync failed (test)"));
        }
    }

    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final Object lock = new Object();

    @AfterEach
    void stop() throws InterruptedException {
        executor.shutdown();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private List<String> applied(Applied state) {
        synchronized (lock) {
            return List.copyOf(state.records);
        }
    }

    @Test
    void aWriteIsAppliedAndAnsweredOnlyOnceDurable() {
        Applied state = new Applied();
        ManualLog log = new ManualLog();
        CoordinatorRuntime<String> rt = new CoordinatorRuntime<>("test", state, log, executor, lock);
        rt.load();
        CompletableFuture<String> answer = rt.write(() -> Result.of(List.of("a", "b"), "ok"));
        assertThat(log.appended).containsExactly(List.of("a", "b"));
        assertThat(applied(state)).isEmpty();
        assertThat(answer).isNotDone();
        List<String> seen = new ArrayList<>();
        rt.forEachInFlight(seen::add);
        assertThat(seen).containsExactly("a", "b");

        log.succeed(0);
        assertThat(answer.join()).isEqualTo("ok");
        assertThat(applied(state)).containsExactly("a", "b");
        List<String> after = new ArrayList<>();
        rt.forEachInFlight(after::add);
        assertThat(after).isEmpty();
    }

    @Test
    void aLaterWriteDurableFirstWaitsForTheOneBefore() {
        Applied state = new Applied();
        ManualLog log = new ManualLog();
        CoordinatorRuntime<String> rt = new CoordinatorRuntime<>("test", state, log, executor, lock);
        rt.load();
        CompletableFuture<String> first = rt.write(() -> Result.of(List.of("1"), "first"));
        CompletableFuture<String> second = rt.write(() -> Result.of(List.of("2"), "second"));
        log.succeed(1);
        // The executor has handled the second's durability: it ran, found the head pending, applied nothing.
        CompletableFuture.runAsync(() -> { }, executor).join();
        assertThat(second).isNotDone();
        assertThat(applied(state)).isEmpty();
        log.succeed(0);
        assertThat(second.join()).isEqualTo("second");
        assertThat(first).isCompletedWithValue("first");
        assertThat(applied(state)).containsExactly("1", "2");
    }

    @Test
    void aFailedWriteIsNeverAppliedAndItsAnswerFails() {
        Applied state = new Applied();
        ManualLog log = new ManualLog();
        CoordinatorRuntime<String> rt = new CoordinatorRuntime<>("test", state, log, executor, lock);
        rt.load();
        CompletableFuture<String> failed = rt.write(() -> Result.of(List.of("lost"), "no"));
        CompletableFuture<String> kept = rt.write(() -> Result.of(List.of("kept"), "yes"));
        log.fail(0);
        log.succeed(1);
        assertThat(kept.join()).isEqualTo("yes");
        assertThatThrownBy(failed::join).hasRootCauseMessage("fsync failed (test)");
        assertThat(applied(state)).containsExactly("kept");
    }

    @Test
    void closingAnswersEveryWaitingWriteWithTheReasonAndRefusesLaterOnes() {
        Applied state = new Applied();
        ManualLog log = new ManualLog();
        CoordinatorRuntime<String> rt = new CoordinatorRuntime<>("test", state, log, executor, lock);
        rt.load();
        CompletableFuture<String> waiting = rt.write(() -> Result.of(List.of("pending"), "never"));
        rt.close(() -> new IllegalStateException("shutting down (test)"));
        assertThatThrownBy(waiting::join).hasRootCauseMessage("shutting down (test)");
        CompletableFuture<String> later = rt.write(() -> Result.of(List.of("late"), "never"));
        assertThatThrownBy(later::join).hasRootCauseMessage("shutting down (test)");
        assertThat(log.appended).as("nothing appended after close").containsExactly(List.of("pending"));
        // The append was durable after all: the log keeps it, the closed runtime does not apply it (the next load does).
        log.succeed(0);
        CompletableFuture.runAsync(() -> { }, executor).join();
        assertThat(applied(state)).isEmpty();
    }

    @Test
    void aWriteWhoseExecutorIsGoneIsAnsweredNotForgotten() throws InterruptedException {
        ExecutorService gone = Executors.newSingleThreadExecutor();
        Applied state = new Applied();
        ManualLog log = new ManualLog();
        CoordinatorRuntime<String> rt = new CoordinatorRuntime<>("test", state, log, gone, lock);
        rt.load();
        CompletableFuture<String> first = rt.write(() -> Result.of(List.of("a"), "a"));
        CompletableFuture<String> second = rt.write(() -> Result.of(List.of("b"), "b"));
        gone.shutdown();
        assertThat(gone.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        log.succeed(1); // its hand-over is refused: both waiting writes are answered
        assertThatThrownBy(first::join).hasRootCauseMessage("test: the coordinator is closed");
        assertThatThrownBy(second::join).hasRootCauseMessage("test: the coordinator is closed");
        assertThat(applied(state)).isEmpty();
    }

    @Test
    void anOperationWithoutRecordsAnswersAtOnceAndAppendsNothing() {
        Applied state = new Applied();
        ManualLog log = new ManualLog();
        CoordinatorRuntime<String> rt = new CoordinatorRuntime<>("test", state, log, executor, lock);
        rt.load();
        assertThat(rt.write(() -> Result.of("read"))).isCompletedWithValue("read");
        assertThat(log.appended).isEmpty();
    }

    @Test
    void anAppendThatThrowsFailsItsWriteAndLaterWritesGoOn() {
        Applied state = new Applied();
        InternalLog<String> throwing = new InternalLog<>() {
            int n;

            @Override
            public CompletableFuture<Void> append(List<String> records) {
                if (n++ == 0) throw new IllegalStateException("log offline (test)");
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void replay(Consumer<String> apply) {
            }
        };
        CoordinatorRuntime<String> rt = new CoordinatorRuntime<>("test", state, throwing, executor, lock);
        rt.load();
        CompletableFuture<String> a = rt.write(() -> Result.of(List.of("x"), "x"));
        CompletableFuture<String> b = rt.write(() -> Result.of(List.of("y"), "y"));
        assertThat(b.join()).isEqualTo("y");
        assertThatThrownBy(a::join).hasRootCauseMessage("log offline (test)");
        assertThat(applied(state)).containsExactly("y");
    }

    @Test
    void loadReplaysTheDurableLogThroughTheSameMethodOnce() {
        ManualLog log = new ManualLog();
        log.durable.addAll(List.of("r1", "r2", "r3"));
        Applied state = new Applied();
        CoordinatorRuntime<String> rt = new CoordinatorRuntime<>("test", state, log, executor, lock);
        assertThat(rt.load()).isEqualTo(3);
        assertThat(applied(state)).containsExactly("r1", "r2", "r3");
        assertThatThrownBy(rt::load).isInstanceOf(IllegalStateException.class).hasMessageContaining("already loaded");
    }

    /**
     * Seeded model-based test: random writes, each made durable or failed in a random order; after every step the
     * applied state must equal the model's (the writes in log order up to the first undecided one, minus the failed),
     * and a fresh replay of the durable writes gives the identical state. {@code -Dledgerline.seed=N} replays one seed.
     */
    @Test
    void everyStepMatchesTheReferenceModel() {
        long only = Long.getLong("ledgerline.seed", -1);
        for (long seed = only >= 0 ? only : 1; seed <= (only >= 0 ? only : 20); seed++) runModel(seed);
    }

    private void runModel(long seed) {
        Random random = new Random(seed);
        Applied state = new Applied();
        ManualLog log = new ManualLog();
        CoordinatorRuntime<String> rt = new CoordinatorRuntime<>("model", state, log, executor, lock);
        rt.load();
        // Model: per write, its records and its fate (null undecided, true durable, false failed).
        List<List<String>> writes = new ArrayList<>();
        List<Boolean> fate = new ArrayList<>();
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int step = 0; step < 200; step++) {
            List<Integer> undecided = new ArrayList<>();
            for (int i = 0; i < fate.size(); i++) if (fate.get(i) == null) undecided.add(i);
            if (undecided.isEmpty() || random.nextInt(3) == 0) {
                int n = writes.size();
                List<String> records = new ArrayList<>();
                for (int k = random.nextInt(3) + 1; k > 0; k--) records.add(n + "." + k);
                writes.add(records);
                fate.add(null);
                answers.add(rt.write(() -> Result.of(records, n)));
            } else {
                int i = undecided.get(random.nextInt(undecided.size()));
                boolean ok = random.nextInt(5) != 0;
                fate.set(i, ok);
                if (ok) log.succeed(i);
                else log.fail(i);
            }
            CompletableFuture.runAsync(() -> { }, executor).join(); // the runtime has handled every completion so far
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < writes.size() && fate.get(i) != null; i++) {
                if (fate.get(i)) expected.addAll(writes.get(i));
                assertThat(answers.get(i)).as("seed %d step %d: write %d decided, so answered", seed, step, i).isDone();
                assertThat(answers.get(i).isCompletedExceptionally()).as("seed %d write %d failed", seed, i).isEqualTo(!fate.get(i));
            }
            assertThat(applied(state)).as("seed %d step %d", seed, step).isEqualTo(expected);
        }
        // Decide the rest, then a fresh replay of what is durable equals the live state.
        for (int i = 0; i < fate.size(); i++) {
            if (fate.get(i) == null) {
                fate.set(i, true);
                log.succeed(i);
            }
        }
        rt.settled().join();
        for (int i = 0; i < writes.size(); i++) if (fate.get(i)) log.durable.addAll(writes.get(i));
        Applied fresh = new Applied();
        new CoordinatorRuntime<>("replay", fresh, log, executor, new Object()).load();
        assertThat(fresh.records).as("seed %d: a fresh replay gives the identical state", seed).isEqualTo(applied(state));
    }
}
