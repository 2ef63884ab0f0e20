package io.ledgerline.it.client;

import io.ledgerline.client.AsyncProcessor;
import io.ledgerline.client.Ordering;
import io.ledgerline.client.RetryPolicy;
import io.ledgerline.it.harness.ChildApp;
import io.ledgerline.it.harness.Groups;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An {@link AsyncProcessor} in a child JVM, for tests that SIGKILL it mid-stream: no close, no commit of what is
 * under way. Its function is a {@link StubModel} (mean latency 4 ms, 5% random failures), ordering per key, DLQ on,
 * at-least-once or exactly-once.
 * The child prints "ASSIGNED" once it has partitions.
 */
final class ChildProcessorApp extends ChildApp {
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final AtomicBoolean failed = new AtomicBoolean();

    /** {@code transactionalId}: null for the default (at-least-once) mode, else the exactly-once mode's id. */
    ChildProcessorApp(String bootstrap, String group, String in, String out, String dlq, long seed, String transactionalId)
            throws IOException {
        launch("child processor", ChildProcessorApp.class.getName(), bootstrap, group, in, out, dlq, Long.toString(seed),
                transactionalId == null ? "-" : transactionalId);
    }

    @Override
    protected void onLine(String line) {
        if (line.startsWith("ASSIGNED")) assigned.countDown();
        if (line.contains("processor") && line.contains("stops:")) failed.set(true);
    }

    boolean awaitAssigned(Duration patience) throws InterruptedException {
        return assigned.await(patience.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    boolean failed() {
        return failed.get();
    }

    /** Args: bootstrap, group, input, output, dead-letter topic, seed, transactional id or "-". */
    public static void main(String[] args) throws Exception {
        StubModel model = new StubModel(Long.parseLong(args[5]), 4, 0.05);
        var builder = AsyncProcessor
                .builder(new StringDeserializer(), new ByteArrayDeserializer(), new StringSerializer())
                .bootstrapServers(args[0]).groupId(args[1]).inputTopics(List.of(args[2])).outputTopic(args[3])
                .deadLetterTopic(args[4]).function(model).ordering(Ordering.KEY).maxInFlight(64)
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(50), 0.5))
                .commitInterval(Duration.ofMillis(100))
                .consumerConfig(Map.of(
                        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Groups.SESSION_TIMEOUT_MS,
                        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Groups.HEARTBEAT_INTERVAL_MS))
                ;
        if (!args[6].equals("-")) builder.exactlyOnce(args[6]);
        AsyncProcessor<String, byte[], String> processor = builder.build().start();
        while (processor.assignmentCount() == 0) Thread.sleep(10);
        System.out.println("ASSIGNED");
        System.out.flush();
        while (processor.isRunning()) Thread.sleep(100);
        System.out.println("STOPPED " + processor.failure().map(Throwable::toString).orElse("cleanly"));
    }
}
