package io.ledgerline.bench.compare;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness in miniature, in the default build: Ledgerline and Apache Kafka each start in their own JVM, every
 * workload runs once with a tiny size, and the table prints. It checks the harness, not performance: no figure
 * is asserted, only that every figure has a value for both systems (Kafka with fsync-every-message is left to
 * the full run to keep this under a minute). The transactional workloads are covered too, and with them their
 * read_committed check of every committed transaction, which fails the session when a record is missing.
 */
class CompareSmokeTest {

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void bothBrokersStartEveryWorkloadRunsAndTheTablePrints() throws Exception {
        Run run = smoke(null, "compare-smoke", "");
        Compare c = run.compare();
        String report = run.report();

        assertThat(c.results.errors()).isEmpty();
        List<Figure> every = new ArrayList<>(Compare.figures(Compare.Scale.SMOKE));
        every.addAll(Compare.transactions(Compare.Scale.SMOKE));
        for (Figure f : every) {
            assertThat(c.results.get(f.key(), Target.LEDGERLINE)).as("Ledgerline: " + f.label()).hasSize(1);
            assertThat(c.results.get(f.key(), Target.KAFKA)).as("Kafka: " + f.label()).hasSize(1);
        }
        assertThat(report).contains("| figure | Ledgerline", "ratio Ledgerline/Kafka", "nproc", "JVM", "command", "Transactions (");
    }

    /**
     * The fetch-session workload in miniature: Ledgerline and Kafka each started twice (sessions on, and off with
     * max.incremental.fetch.session.cache.slots=0), the trickle runs, every record is read back once in order (the
     * workload fails otherwise), and every row has a value for both systems.
     */
    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void fetchSessionWorkloadRunsWithSessionsOnAndOffOnBothBrokers() throws Exception {
        Run run = smoke(Set.of(Compare.FETCH_SESSIONS), "compare-smoke-fetch", " --workloads " + Compare.FETCH_SESSIONS);
        Compare c = run.compare();
        String report = run.report();

        assertThat(c.results.errors()).isEmpty();
        for (Figure f : Compare.fetchSessions(Compare.Scale.SMOKE)) {
            assertThat(c.results.get(f.key(), Target.LEDGERLINE)).as("Ledgerline: " + f.label()).hasSize(1);
            assertThat(c.results.get(f.key(), Target.KAFKA)).as("Kafka: " + f.label()).hasSize(1);
        }
        assertThat(c.results.get("startup_ms", Target.LEDGERLINE)).as("the broker sessions of the other workloads are skipped").isEmpty();
        assertThat(report).contains("Fetch sessions (KIP-227)", "bytes per fetch request, sessions off");
    }

    /** A smoke-scale run of Ledgerline and Kafka; progress and report printed. */
    record Run(Compare compare, String report) {}

    private static Run smoke(Set<String> workloads, String dir, String args) throws Exception {
        Compare.quietClientLogs();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(progress, true, StandardCharsets.UTF_8);
        Path work = Classpaths.classesDir().getParent().resolve(dir);
        Compare c = new Compare(Compare.Scale.SMOKE, EnumSet.of(Target.LEDGERLINE, Target.KAFKA), workloads, null, false, work, out);
        String report = c.run("Compare --smoke --targets LEDGERLINE,KAFKA" + args + " (CompareSmokeTest)");
        System.out.println(progress.toString(StandardCharsets.UTF_8));
        System.out.println(report);
        return new Run(c, report);
    }
}
