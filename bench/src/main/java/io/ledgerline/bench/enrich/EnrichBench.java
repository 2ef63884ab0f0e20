package io.ledgerline.bench.enrich;

import io.ledgerline.client.AsyncProcessor;
import io.ledgerline.client.RetryBudget;
import io.ledgerline.client.RetryPolicy;
import io.ledgerline.server.LedgerlineServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records/s of a slow model behind the naive loop (poll, call and wait, produce and wait, commit, per record: the
 * loop teams write first) and behind {@link AsyncProcessor}, in the same run against one in-process Ledgerline
 * broker. The model answers after a log-normal latency (sigma 0.5) of the given mean and fails the given share of
 * calls (retried). Prints one line per run and the medians and their ratio; see docs/benchmarks.md. The
 * processor's figure is its steady state (outputs between the 10% and the 90% mark); its end-to-end figure (from
 * the group join to the last commit, including the latency tail of the last calls) is printed too.
 *
 * <p>Args (all optional): mean latency ms (1000), failure rate (0.02), in-flight limit (500), records for the
 * processor (5000), records for the naive loop (10), repeats (3).
 */
public final class EnrichBench {
    private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
    private final Random random = new Random(42);
    private final double meanMs;
    private final double failureRate;

    private EnrichBench(double meanMs, double failureRate) {
        this.meanMs = meanMs;
        this.failureRate = failureRate;
    }

    /** The model: "enriched:" + value after a log-normal latency; fails {@link #failureRate} of the calls. */
    private CompletableFuture<String> model(String value) {
        double sigma = 0.5;
        long micros;
        boolean fail;
        synchronized (random) {
            micros = (long) (meanMs * 1000 * Math.exp(sigma * random.nextGaussian() - sigma * sigma / 2));
            fail = random.nextDouble() < failureRate;
        }
        CompletableFuture<String> answer = new CompletableFuture<>();
        clock.schedule(() -> {
            if (fail) answer.completeExceptionally(new IOException("model failure"));
            else answer.complete("enriched:" + value);
        }, micros, TimeUnit.MICROSECONDS);
        return answer;
    }

    /** The medians of one invocation, in records/s. */
    record Medians(double naiveLoop, double processor) {}

    public static void main(String[] args) throws Exception {
        run(args);
    }

    static Medians run(String[] args) throws Exception {
        double meanMs = args.length > 0 ? Double.parseDouble(args[0]) : 1000;
        double failureRate = args.length > 1 ? Double.parseDouble(args[1]) : 0.02;
        int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        int processorRecords = args.length > 3 ? Integer.parseInt(args[3]) : 5000;
        int naiveRecords = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        int repeats = args.length > 5 ? Integer.parseInt(args[5]) : 3;
        EnrichBench bench = new EnrichBench(meanMs, failureRate);
        Path dir = Files.createTempDirectory("enrich-bench-");
        System.out.printf("model mean %.0f ms (log-normal, sigma 0.5), failures %.1f%%, in flight %d; load average at start: %s%n",
                meanMs, failureRate * 100, inFlight, loadAverage());
        List<Double> naive = new ArrayList<>();
        List<Double> ours = new ArrayList<>();
        try (LedgerlineServer server = LedgerlineServer.start(Map.of("data.dir", dir.toString(), "listen", "127.0.0.1:0",
                "group.initial.rebalance.delay.ms", "0", "registry.enabled", "false"))) {
            String bootstrap = server.bootstrapServers();
            for (int run = 1; run <= repeats; run++) {
                double n = bench.naive(bootstrap, run, naiveRecords);
                double o = bench.processor(bootstrap, run, processorRecords, inFlight);
                naive.add(n);
                ours.add(o);
                System.out.printf("run %d: naive loop %.2f records/s, AsyncProcessor %.1f records/s (steady state: 10%% to 90%%"
                                + " of the outputs); load average %s%n",
                        run, n, o, loadAverage());
            }
        } finally {
            bench.clock.shutdownNow();
            try (var paths = Files.walk(dir)) {
                paths.sorted(Collections.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        double mn = median(naive);
        double mo = median(ours);
        System.out.printf("median of %d: naive loop %.2f records/s, AsyncProcessor %.1f records/s, ratio %.0f; "
                        + "concurrency / mean latency = %.0f records/s, AsyncProcessor reaches %.0f%% of it%n",
                repeats, mn, mo, mo / mn, inFlight / (meanMs / 1000), 100 * mo / (inFlight / (meanMs / 1000)));
        return new Medians(mn, mo);
    }

    /** The naive loop: one record at a time; a failed call is retried (up to 3 calls) like the processor's. */
    private double naive(String bootstrap, int run, int records) throws Exception {
        String in = "naive-in-" + run;
        String out = "naive-out-" + run;
        setUp(bootstrap, in, out, records);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "naive-" + run);
             KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            consumer.subscribe(List.of(in));
            int done = 0;
            long start = System.nanoTime();
            while (done < records) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    String value = new String(r.value(), StandardCharsets.UTF_8);
                    String result = null;
                    for (int attempt = 1; attempt <= 3 && result == null; attempt++) {
                        try {
                            result = model(value).get();
                        } catch (ExecutionException e) {
                            if (attempt == 3) result = value; // passed through, as a fallback would
                        }
                    }
                    producer.send(new ProducerRecord<>(out, r.key(), result.getBytes(StandardCharsets.UTF_8))).get();
                    consumer.commitSync(Map.of(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
                    done++;
                }
            }
            return records / ((System.nanoTime() - start) / 1e9);
        }
    }

    private double processor(String bootstrap, int run, int records, int inFlight) throws Exception {
        String in = "proc-in-" + run;
        String out = "proc-out-" + run;
        setUp(bootstrap, in, out, records);
        AtomicInteger outputs = new AtomicInteger();
        long[] marks = new long[2]; // when 10% and 90% of the outputs were made: the steady state between them
        long start = System.nanoTime();
        try (AsyncProcessor<String, String, String> processor = AsyncProcessor
                .builder(new StringDeserializer(), new StringDeserializer(), new StringSerializer())
                .bootstrapServers(bootstrap).groupId("proc-" + run).inputTopics(List.of(in)).outputTopic(out)
                .fallback(true).maxInFlight(inFlight).callTimeout(Duration.ofSeconds(30))
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(2), 0.5))
                .retryBudget(new RetryBudget(0.1, 100))
                .function(r -> model(r.value()).thenApply(v -> {
                    int n = outputs.incrementAndGet();
                    if (n == records / 10) marks[0] = System.nanoTime();
                    if (n == records * 9 / 10) marks[1] = System.nanoTime();
                    return v;
                }))
                .build().start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicPartition tp = new TopicPartition(in, 0);
            while (true) {
                OffsetAndMetadata c = admin.listConsumerGroupOffsets("proc-" + run).partitionsToOffsetAndMetadata().get().get(tp);
                if (c != null && c.offset() >= records) break;
                if (processor.failure().isPresent()) throw new IllegalStateException(processor.failure().get());
                Thread.sleep(20);
            }
            double endToEnd = records / ((System.nanoTime() - start) / 1e9);
            double steady = (records * 9 / 10 - records / 10) / ((marks[1] - marks[0]) / 1e9);
            System.out.printf("run %d: AsyncProcessor end to end (group join to the last commit) %.1f records/s%n", run, endToEnd);
            return steady;
        }
    }

    /** One-partition input with {@code records} records, and the output topic. */
    private static void setUp(String bootstrap, String in, String out, int records) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(in, 1, (short) 1), new NewTopic(out, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(in, ("k" + i).getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String group) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
