package io.ledgerline.bench.compare;

import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The side-by-side benchmark: Ledgerline and Apache Kafka 4.4 started one after the other, each in its own JVM
 * with the same flags and heap, single node on 127.0.0.1 with a fresh data directory, driven by the same client
 * code ({@link Driver}), and one table of medians (min–max) with the ratio Ledgerline/Kafka.
 *
 * <p>A run is {@code runs} rounds; a round starts each system once (Ledgerline, Kafka with its default
 * durability, Kafka fsyncing every message) and runs every workload against it. The order rotates from round
 * to round so no system always gets the coldest client JIT or the page cache the previous one left.
 *
 * <pre>
 *   full:  mvn -B -Pbench -pl bench -am verify -DskipTests       (docs/benchmarks.md; about 15 minutes)
 *   some:  mvn -B -Pbench -pl bench -am verify -DskipTests -Dbench.args="--workloads txn_1,txn_n"
 *   smoke: CompareSmokeTest in the default build       (tiny workloads; both brokers start; the table prints)
 * </pre>
 * Options: {@code --smoke}, {@code --runs N}, {@code --targets LEDGERLINE,KAFKA}, {@code --workloads a,b},
 * {@code --baseline SERVER_JAR} (adds the BASELINE target: that earlier build, run beside this one)
 * (workload keys: p1_default, p16_default, p1_linger, catchup, p16_linger, latency, pA_4, pB_4, txn_1, txn_n,
 * fetch_sessions (on brokers of its own, sessions on and off; alone, it skips the broker sessions of the others);
 * start-up and idle memory are measured in every session), {@code --jfr TARGET} (record that broker with JFR's
 * profile settings; recordings kept in the work directory), {@code --keep} (keep data directories),
 * {@code --work DIR}. The bench profile passes {@code -Dbench.args} (default {@code --full}) as the options. The
 * exit status is 1 when a session failed (its error is listed under the tables).
 */
public final class Compare {

    /**
     * Workload sizes. Full: about 120 s per broker session, nine sessions. {@code txnSessionWarmupMs}: the
     * transactional workloads are preceded by this long of the {@code txnProducers} loop, untimed, so that both
     * brokers' transaction paths are compiled by the JIT (with 4 s, the compiler threads were still the largest CPU
     * users of either broker during the timed window, and Kafka's transactions/s with 8 producers was half of
     * what it reached after 20 s); {@code txnWarmupMs}: each workload's own producers, untimed, before its clock.
     */
    record Scale(String name, int runs, long throughputMs, long loadRecords, int rate, long latencyMs,
                 int manyPartitionsA, int manyPartitionsB, int producers, int txnProducers, long txnSessionWarmupMs,
                 long txnWarmupMs, long idleSettleMs, int fetchPartitions, long fetchWarmupMs, long fetchMs) {
        static final Scale FULL = new Scale("full", 3, 8_000, 1_048_576, 5_000, 10_000, 64, 256, 4, 8, 15_000, 1_000, 2_000,
                256, 10_000, 20_000);
        /** Checks the harness, not the brokers: every code path once, in well under a minute. */
        static final Scale SMOKE = new Scale("smoke", 1, 300, 2_000, 500, 500, 4, 8, 2, 2, 100, 50, 200, 8, 500, 1_000);

        Scale withRuns(int n) {
            return new Scale(name, n, throughputMs, loadRecords, rate, latencyMs, manyPartitionsA, manyPartitionsB, producers,
                    txnProducers, txnSessionWarmupMs, txnWarmupMs, idleSettleMs, fetchPartitions, fetchWarmupMs, fetchMs);
        }
    }

    /** What one transaction of the {@code txn_*} workloads writes, for the labels. */
    private static final String TXN = Driver.TXN_RECORDS + " × 1 KiB records over " + Driver.TXN_PARTITIONS + " partitions";

    static List<Figure> figures(Scale s) {
        String lat = String.format("%,d rec/s, 1 partition", s.rate);
        return List.of(
                Figure.lowerAbsolute("startup_ms", "start-up: JVM fork to first acknowledged produce (ms)", 1000),
                Figure.lower("rss_idle", "resident memory idle, " + s.idleSettleMs / 1000.0 + " s after first produce (MiB)", 0.25),
                Figure.lower("rss_load", "resident memory under load, max (MiB)", Double.NaN),
                Figure.higher("p1_default", "produce, 1 partition, default batching (MiB/s)", 1.0),
                Figure.higher("p16_default", "produce, 16 partitions, default batching (MiB/s)", 1.0),
                Figure.higher("p1_linger", String.format("produce, 1 partition, linger.ms=5 batch.size=128 KiB, %,d records (MiB/s)", s.loadRecords), 1.0),
                Figure.higher("p16_linger", "produce, 16 partitions, linger.ms=5 batch.size=128 KiB (MiB/s)", 1.0),
                Figure.higher("pA_4", "produce, " + s.manyPartitionsA + " partitions, " + s.producers + " producers, linger.ms=5 batch.size=128 KiB (MiB/s)", 1.0),
                Figure.higher("pB_4", "produce, " + s.manyPartitionsB + " partitions, " + s.producers + " producers, linger.ms=5 batch.size=128 KiB (MiB/s)", 1.0),
                Figure.lower("lat_p50", "produce latency p50 at " + lat + " (ms)", Double.NaN),
                Figure.lower("lat_p99", "produce latency p99 at " + lat + " (ms)", 0.5),
                Figure.lower("lat_p999", "produce latency p99.9 at " + lat + " (ms)", Double.NaN),
                Figure.lower("e2e_p50", "end-to-end latency p50 at " + lat + " (ms)", Double.NaN),
                Figure.lower("e2e_p99", "end-to-end latency p99 at " + lat + " (ms)", 1.0),
                Figure.lower("e2e_p999", "end-to-end latency p99.9 at " + lat + " (ms)", Double.NaN),
                Figure.higher("catchup", String.format("consumer catch-up, %,d stored records, 1 partition (MiB/s)", s.loadRecords), 1.0),
                Figure.higher("txn_1", "transactions/s, 1 transactional producer, " + TXN, Double.NaN),
                Figure.higher("txn_n", "transactions/s, " + s.txnProducers + " transactional producers, " + TXN, Double.NaN),
                Figure.lower("cpu_produce", "broker CPU per GiB produced, all produce-throughput workloads (s/GiB)", 0.7),
                Figure.lower("cpu_consume", "broker CPU per GiB consumed, catch-up (s/GiB)", 0.7),
                Figure.lower("disk_per_record", "disk per 1 KiB record, allocated blocks (bytes)", Double.NaN));
    }

    /** Per-workload broker CPU, printed as a second table. */
    static List<Figure> cpuDetail(Scale s) {
        List<Figure> f = new ArrayList<>();
        for (String w : List.of("p1_default", "p16_default", "p1_linger", "p16_linger", "pA_4", "pB_4")) {
            f.add(Figure.lower("cpu_" + w, "broker CPU s/GiB: " + w.replace("pA", "p" + s.manyPartitionsA).replace("pB", "p" + s.manyPartitionsB), Double.NaN));
        }
        f.add(Figure.lower("cpu_latency", "broker CPU s/GiB: fixed-rate latency workload (produce + consume)", Double.NaN));
        return f;
    }

    /** The transactional workloads in detail, printed as a third table. */
    static List<Figure> transactions(Scale s) {
        List<Figure> f = new ArrayList<>();
        for (String w : List.of("txn_1", "txn_n")) {
            String who = w.equals("txn_1") ? "1 producer" : s.txnProducers + " producers";
            f.add(Figure.higher(w, "transactions/s, " + who, Double.NaN));
            f.add(Figure.lower(w + "_p50", "transaction latency p50, " + who + ": beginTransaction to commitTransaction returned (ms)", Double.NaN));
            f.add(Figure.lower(w + "_p99", "transaction latency p99, " + who + " (ms)", Double.NaN));
            f.add(Figure.lower("cpu_" + w, "broker CPU per 1,000 transactions, " + who + " (s)", Double.NaN));
        }
        return f;
    }

    /** The fetch-session workload's key: not part of a broker session, it starts brokers of its own. */
    static final String FETCH_SESSIONS = "fetch_sessions";

    /** The fetch-session workload's rows, sessions on and off (Ledgerline and Kafka only). */
    static List<Figure> fetchSessions(Scale s) {
        List<Figure> f = new ArrayList<>();
        for (String m : List.of("on", "off")) {
            String when = m.equals("on") ? "sessions on (default)" : "sessions off (max.incremental.fetch.session.cache.slots=0)";
            f.add(Figure.lower("fs_cpu_" + m, "broker CPU, " + when + " (ms of CPU per s)", Double.NaN));
            f.add(Figure.higher("fs_rate_" + m, "fetch requests per s, " + when, Double.NaN));
            f.add(Figure.lower("fs_cpufetch_" + m, "broker CPU per fetch, " + when + " (µs)", Double.NaN));
            f.add(Figure.lower("fs_req_" + m, "bytes per fetch request, " + when, Double.NaN));
            f.add(Figure.lower("fs_resp_" + m, "bytes per fetch response, " + when, Double.NaN));
        }
        f.add(Figure.lower("fs_cpu_ratio", "broker CPU per s, sessions off / on (each round's ratio)", Double.NaN));
        f.add(Figure.lower("fs_cpufetch_ratio", "broker CPU per fetch, sessions off / on (each round's ratio)", Double.NaN));
        f.add(Figure.lower("fs_req_ratio", "bytes per fetch request, sessions off / on (each round's ratio)", Double.NaN));
        f.add(Figure.lower("fs_resp_ratio", "bytes per fetch response, sessions off / on (each round's ratio)", Double.NaN));
        return f;
    }

    private final Scale scale;
    private final Set<Target> targets;
    private final Set<String> workloads;
    private final Target jfr;
    private final boolean keep;
    private final Path work;
    private final Classpaths cp;
    private final PrintStream out;
    final Results results = new Results();

    Compare(Scale scale, Set<Target> targets, Set<String> workloads, Target jfr, boolean keep, Path work, PrintStream out)
            throws IOException {
        this(scale, targets, workloads, jfr, keep, work, null, out);
    }

    Compare(Scale scale, Set<Target> targets, Set<String> workloads, Target jfr, boolean keep, Path work, Path baseline,
            PrintStream out) throws IOException {
        this.scale = scale;
        this.targets = targets;
        this.workloads = workloads;
        this.jfr = jfr;
        this.keep = keep;
        this.work = work;
        if (targets.contains(Target.BASELINE) != (baseline != null)) {
            throw new IllegalArgumentException("the BASELINE target runs the build given by --baseline JAR, and only with it");
        }
        this.cp = baseline == null ? Classpaths.locate() : Classpaths.locate().withBaseline(baseline);
        this.out = out;
    }

    public static void main(String[] argv) throws Exception {
        // exec-maven-plugin passes ${bench.args} as one argument: split it
        List<String> args = new ArrayList<>();
        for (String a : argv) args.addAll(Arrays.asList(a.trim().split("\\s+")));
        args.removeIf(String::isEmpty);
        Scale scale = Scale.FULL;
        Integer runs = null;
        Set<Target> targets = null;
        Path baseline = null;
        Set<String> workloads = null;
        Target jfr = null;
        boolean keep = false;
        Path work = Classpaths.classesDir().getParent().resolve("compare");
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--full" -> scale = Scale.FULL;
                case "--smoke" -> scale = Scale.SMOKE;
                case "--runs" -> runs = Integer.parseInt(args.get(++i));
                case "--targets" -> {
                    targets = EnumSet.noneOf(Target.class);
                    for (String t : args.get(++i).split(",")) targets.add(Target.valueOf(t.trim().toUpperCase()));
                }
                case "--workloads" -> workloads = Set.of(args.get(++i).split(","));
                case "--jfr" -> jfr = Target.valueOf(args.get(++i).toUpperCase());
                case "--keep" -> keep = true;
                case "--work" -> work = Path.of(args.get(++i));
                case "--baseline" -> baseline = Path.of(args.get(++i));
                default -> throw new IllegalArgumentException("unknown option " + args.get(i)
                        + " (options: --full --smoke --runs N --targets A,B --workloads a,b --jfr TARGET --keep --work DIR"
                        + " --baseline SERVER_JAR)");
            }
        }
        if (targets == null) {
            targets = EnumSet.of(Target.LEDGERLINE, Target.KAFKA, Target.KAFKA_FSYNC);
            if (baseline != null) targets.add(Target.BASELINE);
        }
        if (runs != null) scale = scale.withRuns(runs);
        quietClientLogs();
        Compare c = new Compare(scale, targets, workloads, jfr, keep, work, baseline, System.out);
        String report = c.run("Compare " + String.join(" ", args));
        System.out.println();
        System.out.println(report);
        if (!c.results.errors().isEmpty()) {
            System.err.println("[bench] " + c.results.errors().size() + " session(s) failed: see Errors above");
            System.exit(1);
        }
    }

    /** kafka-clients logs every refused connection while a broker starts; only errors matter here. */
    static void quietClientLogs() {
        var logger = LoggerFactory.getLogger("org.apache.kafka");
        if (logger instanceof ch.qos.logback.classic.Logger l) l.setLevel(ch.qos.logback.classic.Level.ERROR);
    }

    /** Runs every round and returns the report (also written to {@code work/results.md}). */
    String run(String invocation) throws IOException {
        long started = System.nanoTime();
        String loadBefore = loadAverage();
        deleteTree(work);
        Files.createDirectories(work);
        List<Target> order = new ArrayList<>(targets);
        for (int round = 0; round < scale.runs; round++) {
            for (int i = 0; i < order.size(); i++) {
                Target t = order.get((i + round) % order.size());
                long s0 = System.nanoTime();
                out.printf("[bench] round %d/%d: %s (load %s)%n", round + 1, scale.runs, t.header(), loadAverage());
                try {
                    if (workloads == null || !workloads.equals(Set.of(FETCH_SESSIONS))) session(t, round);
                    if (wants(FETCH_SESSIONS) && t != Target.KAFKA_FSYNC) fetchSessionsWorkload(t, round);
                } catch (Exception e) {
                    results.error("round " + (round + 1) + " " + t + ": " + e);
                    out.println("[bench] " + t + " session failed: " + e);
                    e.printStackTrace(out);
                }
                out.printf("[bench]   session took %.1f s%n", (System.nanoTime() - s0) / 1e9);
            }
        }
        String report = report(invocation, loadBefore, loadAverage(), (System.nanoTime() - started) / 1e9);
        Files.writeString(work.resolve("results.md"), report);
        return report;
    }

    private boolean wants(String workload) {
        return workloads == null || workloads.contains(workload);
    }

    private void session(Target t, int round) throws Exception {
        Path dir = work.resolve("r" + (round + 1) + "-" + t.name().toLowerCase());
        Files.createDirectories(dir);
        List<String> extra = new ArrayList<>();
        if (t == jfr) {
            extra.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + dir.resolve(t.name().toLowerCase() + ".jfr"));
        }
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicLong maxRss = new AtomicLong();
        Thread sampler = null;
        BrokerProcess b = BrokerProcess.start(t, dir, cp, extra);
        try {
            long acked;
            try {
                acked = Driver.firstProduce(b.bootstrap(), 120_000);
            } catch (Exception e) {
                throw new IllegalStateException("no acknowledged produce from " + t + " (alive=" + b.isAlive() + "):\n" + b.outputTail(), e);
            }
            results.add("startup_ms", t, (acked - b.spawnedNanos) / 1e6);
            out.printf("[bench]   start-up %.0f ms%n", (acked - b.spawnedNanos) / 1e6);
            Thread.sleep(scale.idleSettleMs);
            results.add("rss_idle", t, b.rssBytes() / 1048576.0);

            Map<String, Integer> topics = new LinkedHashMap<>();
            topics.put("p1_default", 1);
            topics.put("p16_default", 16);
            topics.put("p1_linger", 1);
            topics.put("p16_linger", 16);
            topics.put("latency", 1);
            topics.put("pA_4", scale.manyPartitionsA);
            topics.put("pB_4", scale.manyPartitionsB);
            topics.put("txn_1", Driver.TXN_PARTITIONS);
            topics.put("txn_n", Driver.TXN_PARTITIONS);
            topics.put("txn_warmup", Driver.TXN_PARTITIONS);
            Driver.createTopics(b.bootstrap(), topics);

            sampler = new Thread(() -> {
                while (sampling.get()) {
                    try {
                        maxRss.accumulateAndGet(b.rssBytes(), Math::max);
                        Thread.sleep(100);
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "bench-rss-sampler");
            sampler.setDaemon(true);
            sampler.start();

            double[] produceCpu = {0};
            long[] produceBytes = {0};
            long cap = Math.max(120_000, scale.throughputMs);
            produceWorkload(b, "p1_default", 1, Driver.DEFAULT_BATCHING, scale.throughputMs, Long.MAX_VALUE, produceCpu, produceBytes);
            produceWorkload(b, "p16_default", 1, Driver.DEFAULT_BATCHING, scale.throughputMs, Long.MAX_VALUE, produceCpu, produceBytes);
            long disk0 = b.diskBytes();
            Driver.Throughput load = produceWorkload(b, "p1_linger", 1, Driver.LINGER_5_BATCH_128K, cap, scale.loadRecords, produceCpu, produceBytes);
            if (load != null) {
                results.add("disk_per_record", t, (b.diskBytes() - disk0) / (double) (load.records() + 1));
                if (wants("catchup")) {
                    double c0 = b.cpuSeconds();
                    Driver.Throughput c = Driver.catchUp(b.bootstrap(), "p1_linger", 1, 300_000);
                    double cpu = b.cpuSeconds() - c0;
                    results.add("catchup", t, c.mibPerSec());
                    results.add("cpu_consume", t, cpu / (c.bytes() / 1073741824.0));
                    out.printf("[bench]   catchup: %,d records, %.1f MiB/s, broker CPU %.1f s%n", c.records(), c.mibPerSec(), cpu);
                }
            }
            produceWorkload(b, "p16_linger", 1, Driver.LINGER_5_BATCH_128K, scale.throughputMs, Long.MAX_VALUE, produceCpu, produceBytes);
            if (wants("latency")) {
                double c0 = b.cpuSeconds();
                Driver.Latency l = Driver.fixedRate(b.bootstrap(), "latency", scale.rate, scale.latencyMs);
                double cpu = b.cpuSeconds() - c0;
                results.add("lat_p50", t, l.produce().getValueAtPercentile(50) / 1000.0);
                results.add("lat_p99", t, l.produce().getValueAtPercentile(99) / 1000.0);
                results.add("lat_p999", t, l.produce().getValueAtPercentile(99.9) / 1000.0);
                results.add("e2e_p50", t, l.endToEnd().getValueAtPercentile(50) / 1000.0);
                results.add("e2e_p99", t, l.endToEnd().getValueAtPercentile(99) / 1000.0);
                results.add("e2e_p999", t, l.endToEnd().getValueAtPercentile(99.9) / 1000.0);
                results.add("cpu_latency", t, cpu / (2.0 * l.sent() * Driver.RECORD_BYTES / 1073741824.0));
                out.printf("[bench]   latency: produce p50/p99/p99.9 %.2f/%.2f/%.2f ms, e2e %.2f/%.2f/%.2f ms%n",
                        l.produce().getValueAtPercentile(50) / 1000.0, l.produce().getValueAtPercentile(99) / 1000.0,
                        l.produce().getValueAtPercentile(99.9) / 1000.0, l.endToEnd().getValueAtPercentile(50) / 1000.0,
                        l.endToEnd().getValueAtPercentile(99) / 1000.0, l.endToEnd().getValueAtPercentile(99.9) / 1000.0);
            }
            produceWorkload(b, "pA_4", scale.producers, Driver.LINGER_5_BATCH_128K, scale.throughputMs, Long.MAX_VALUE, produceCpu, produceBytes);
            produceWorkload(b, "pB_4", scale.producers, Driver.LINGER_5_BATCH_128K, scale.throughputMs, Long.MAX_VALUE, produceCpu, produceBytes);
            if (produceBytes[0] > 0) results.add("cpu_produce", t, produceCpu[0] / (produceBytes[0] / 1073741824.0));
            if (wants("txn_1") || wants("txn_n")) {
                out.printf("[bench]   transaction.version finalized by %s: %d%n", t, Driver.transactionVersion(b.bootstrap()));
                Driver.Transactions w = Driver.transactions(b.bootstrap(), "txn_warmup", scale.txnProducers, 0,
                        scale.txnSessionWarmupMs, b::cpuSeconds);
                Driver.verifyCommitted(b.bootstrap(), "txn_warmup", w.committed(), 120_000);
                out.printf("[bench]   transactions warm-up: %d producers, %,d transactions in %.1f s (%.1f/s), all read back%n",
                        scale.txnProducers, w.committed(), w.seconds(), w.perSec());
            }
            transactionWorkload(b, "txn_1", 1);
            transactionWorkload(b, "txn_n", scale.txnProducers);
            if (maxRss.get() > 0) results.add("rss_load", t, maxRss.get() / 1048576.0);
            if (!b.isAlive()) throw new IllegalStateException(t + " died:\n" + b.outputTail());
        } finally {
            sampling.set(false);
            if (sampler != null) sampler.join(1000);
            b.close();
            if (!keep) deleteTree(b.dataDir);
        }
    }

    /**
     * The fetch-session workload ({@link Driver#trickle}) on two fresh brokers of {@code t}: one with its defaults
     * (incremental fetch sessions on), one with {@code max.incremental.fetch.session.cache.slots=0} (no session is
     * ever created, in Kafka as in Ledgerline: every fetch is a full one). Which goes first alternates by round.
     */
    private void fetchSessionsWorkload(Target t, int round) throws Exception {
        Map<String, Driver.Trickle> got = new LinkedHashMap<>();
        List<String> modes = round % 2 == 0 ? List.of("on", "off") : List.of("off", "on");
        for (String m : modes) {
            Path dir = work.resolve("r" + (round + 1) + "-" + t.name().toLowerCase() + "-fetch-sessions-" + m);
            Files.createDirectories(dir);
            Map<String, String> settings = m.equals("on") ? Map.of() : Map.of("max.incremental.fetch.session.cache.slots", "0");
            BrokerProcess b = BrokerProcess.start(t, dir, cp, List.of(), settings);
            try {
                try {
                    Driver.firstProduce(b.bootstrap(), 120_000);
                } catch (Exception e) {
                    throw new IllegalStateException("no acknowledged produce from " + t + " (alive=" + b.isAlive() + "):\n" + b.outputTail(), e);
                }
                Driver.createTopics(b.bootstrap(), Map.of("fetch_sessions", scale.fetchPartitions));
                Driver.Trickle r = Driver.trickle(b.bootstrap(), "fetch_sessions", scale.fetchPartitions, 1, scale.fetchWarmupMs,
                        scale.fetchMs, b::cpuSeconds);
                if (!b.isAlive()) throw new IllegalStateException(t + " died:\n" + b.outputTail());
                got.put(m, r);
                results.add("fs_cpu_" + m, t, r.cpuMsPerSec());
                results.add("fs_rate_" + m, t, r.fetchesPerSec());
                results.add("fs_cpufetch_" + m, t, r.brokerCpu() * 1e6 / r.requests());
                results.add("fs_req_" + m, t, r.bytesPerRequest());
                results.add("fs_resp_" + m, t, r.bytesPerResponse());
                out.printf("[bench]   fetch sessions %s: %.1f s, broker CPU %.0f ms/s, %.1f fetches/s, %.0f bytes/request, %.0f bytes/response, "
                                + "%,d records consumed in the window, %,d produced in all, all read back once in order%n",
                        m, r.seconds(), r.cpuMsPerSec(), r.fetchesPerSec(), r.bytesPerRequest(), r.bytesPerResponse(),
                        r.recordsInWindow(), r.recordsProduced());
            } finally {
                b.close();
                if (!keep) deleteTree(b.dataDir);
            }
        }
        Driver.Trickle on = got.get("on"), off = got.get("off");
        results.add("fs_cpu_ratio", t, off.cpuMsPerSec() / on.cpuMsPerSec());
        results.add("fs_cpufetch_ratio", t, (off.brokerCpu() / off.requests()) / (on.brokerCpu() / on.requests()));
        results.add("fs_req_ratio", t, off.bytesPerRequest() / on.bytesPerRequest());
        results.add("fs_resp_ratio", t, off.bytesPerResponse() / on.bytesPerResponse());
    }

    private Driver.Throughput produceWorkload(BrokerProcess b, String key, int producers, Map<String, String> batching,
                                              long durationMs, long maxRecords, double[] cpuSum, long[] bytesSum) throws Exception {
        if (!wants(key)) return null;
        String topic = key;
        double c0 = b.cpuSeconds();
        Driver.Throughput r = Driver.produce(b.bootstrap(), topic, producers, batching, durationMs, maxRecords);
        double cpu = b.cpuSeconds() - c0;
        results.add(key, b.target, r.mibPerSec());
        results.add("cpu_" + key, b.target, cpu / (r.bytes() / 1073741824.0));
        cpuSum[0] += cpu;
        bytesSum[0] += r.bytes();
        out.printf("[bench]   %s: %,d records in %.1f s = %.1f MiB/s, broker CPU %.1f s%n", key, r.records(), r.seconds(), r.mibPerSec(), cpu);
        return r;
    }

    /**
     * A transactional workload on its own 2-partition topic, then the check that the topic holds exactly the
     * committed transactions' records (a failed check fails the session: its figures are not reported).
     */
    private void transactionWorkload(BrokerProcess b, String key, int producers) throws Exception {
        if (!wants(key)) return;
        Driver.Transactions r = Driver.transactions(b.bootstrap(), key, producers, scale.txnWarmupMs, scale.throughputMs, b::cpuSeconds);
        Driver.verifyCommitted(b.bootstrap(), key, r.committed(), 120_000);
        results.add(key, b.target, r.perSec());
        results.add(key + "_p50", b.target, r.transactionUs().getValueAtPercentile(50) / 1000.0);
        results.add(key + "_p99", b.target, r.transactionUs().getValueAtPercentile(99) / 1000.0);
        results.add("cpu_" + key, b.target, r.brokerCpuPerTransaction() * 1000);
        out.printf("[bench]   %s: %d producer(s), %,d transactions in %.1f s = %.1f/s (%,d committed in all, all %,d records "
                        + "read back read_committed); transaction p50/p99 %.2f/%.2f ms, broker CPU %.2f ms per transaction%n",
                key, producers, r.inWindow(), r.seconds(), r.perSec(), r.committed(), r.committed() * Driver.TXN_RECORDS,
                r.transactionUs().getValueAtPercentile(50) / 1000.0, r.transactionUs().getValueAtPercentile(99) / 1000.0,
                r.brokerCpuPerTransaction() * 1000);
    }

    private String report(String invocation, String loadBefore, String loadAfter, double seconds) {
        StringBuilder s = new StringBuilder();
        s.append("## Ledgerline vs Apache Kafka 4.4, side by side (").append(scale.name).append(" run)\n\n");
        s.append("- date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append('\n');
        s.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs (nproc), ")
                .append(memTotal()).append(" RAM, ").append(cpuModel()).append(", Linux ").append(System.getProperty("os.version")).append('\n');
        s.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.runtime.version"))
                .append(" for both brokers and the client; broker JVM flags (both): ").append(String.join(" ", BrokerProcess.JVM_FLAGS))
                .append("; client/harness JVM: ").append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())).append('\n');
        s.append("- load average (1/5/15 min): ").append(loadBefore).append(" at start, ").append(loadAfter).append(" at end; ")
                .append(String.format("run took %.0f s", seconds)).append('\n');
        s.append("- command: `mvn -B -Pbench -pl bench -am verify -DskipTests` (").append(invocation).append(")\n");
        s.append("- Ledgerline from ").append(cp.ledgerlineSource()).append("; Apache Kafka 4.4.0 (kafka_2.13) from Maven Central, KRaft, single node\n");
        if (cp.baseline() != null) s.append("- Ledgerline baseline from ").append(cp.baselineSource()).append('\n');
        boolean brokerSessions = workloads == null || !workloads.equals(Set.of(FETCH_SESSIONS));
        s.append("- ").append(scale.runs).append(" rounds, system order rotated each round; every cell: median (min–max) of the rounds; ")
                .append("1 KiB records, no key, no compression, acks=all, idempotent producer (client default)");
        if (brokerSessions) {
            s.append("; time-bound produce workloads run ").append(scale.throughputMs / 1000.0).append(" s each; fixed-rate workload ")
                    .append(scale.rate).append(" rec/s for ").append(scale.latencyMs / 1000.0).append(" s (latencies from the intended send time)");
        }
        s.append("\n\n");
        if (brokerSessions) appendMainTables(s);
        if (wants(FETCH_SESSIONS)) {
            s.append("\nFetch sessions (KIP-227): one consumer assigned all ").append(scale.fetchPartitions)
                    .append(" partitions of a topic (default fetch settings), one producer sending 1 record (1 KiB) per second to each; ")
                    .append("each system started twice per round, with its defaults (sessions on) and with ")
                    .append("max.incremental.fetch.session.cache.slots=0 (off); ").append(scale.fetchWarmupMs / 1000.0)
                    .append(" s of warm-up, then ").append(scale.fetchMs / 1000.0).append(" s measured: broker CPU (utime+stime) per second, ")
                    .append("the consumer's requests and bytes (consumer-node-metrics: request-total, outgoing-byte-total, ")
                    .append("response-total, incoming-byte-total); every record read back exactly once, in order (median (min–max)):\n\n");
            Set<Target> shown = EnumSet.of(Target.LEDGERLINE, Target.KAFKA);
            if (targets.contains(Target.BASELINE)) shown.add(Target.BASELINE);
            s.append(results.table(fetchSessions(scale), shown));
        }
        List<String> errors = results.errors();
        if (!errors.isEmpty()) {
            s.append("\nErrors (their rounds are missing from the medians):\n");
            for (String e : errors) s.append("- ").append(e.replace('\n', ' ')).append('\n');
        }
        return s.toString();
    }

    private void appendMainTables(StringBuilder s) {
        s.append(results.table(figures(scale), targets));
        s.append("\nBroker CPU per GiB, by workload (median (min–max)):\n\n");
        s.append(results.table(cpuDetail(scale), targets));
        s.append("\nTransactions (").append(TXN).append(" each, records alternating between the partitions; ")
                .append("transactional producers, one transactional.id each, client defaults; ")
                .append(scale.txnSessionWarmupMs / 1000.0).append(" s of warm-up by ").append(scale.txnProducers)
                .append(" producers before the first workload, each workload ").append(scale.txnWarmupMs / 1000.0)
                .append(" s of warm-up, then ")
                .append(scale.throughputMs / 1000.0).append(" s timed; every committed transaction read back read_committed) ")
                .append("(median (min–max)):\n\n");
        s.append(results.table(transactions(scale), targets));
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String memTotal() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(l.substring(9).trim().split("\\s+")[0]);
                    return String.format("%.1f GiB", kb / 1048576.0);
                }
            }
        } catch (IOException ignored) {
            // below
        }
        return "? GiB";
    }

    private static String cpuModel() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (l.startsWith("model name")) return l.substring(l.indexOf(':') + 1).trim();
            }
        } catch (IOException ignored) {
            // below
        }
        return "unknown CPU";
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }
}
