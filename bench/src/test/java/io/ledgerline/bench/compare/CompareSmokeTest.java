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
        Compare.quietClientLogs();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(progress, true, StandardCharsets.UTF_8);
        Path work = Classpaths.classesDir().getParent().resolve("compare-smoke");
        Compare c = new Compare(Compare.Scale.SMOKE, EnumSet.of(Target.LEDGERLINE, Target.KAFKA), null, null, false, work, out);

        String report = c.run("Compare --smoke --targets LEDGERLINE,KAFKA (CompareSmokeTest)");
        System.out.println(progress.toString(StandardCharsets.UTF_8));
        System.out.println(report);

        assertThat(c.results.errors()).isEmpty();
        List<Figure> every = new ArrayList<>(Compare.figures(Compare.Scale.SMOKE));
        every.addAll(Compare.transactions(Compare.Scale.SMOKE));
        for (Figure f : every) {
            assertThat(c.results.get(f.key(), Target.LEDGERLINE)).as("Ledgerline: " + f.label()).hasSize(1);
            assertThat(c.results.get(f.key(), Target.KAFKA)).as("Kafka: " + f.label()).hasSize(1);
        }
        assertThat(report).contains("| figure | Ledgerline", "ratio Ledgerline/Kafka", "nproc", "JVM", "command", "Transactions (");
    }
}
