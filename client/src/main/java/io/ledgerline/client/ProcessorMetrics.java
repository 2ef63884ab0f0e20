package io.ledgerline.client;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The processor's meters, tagged {@code group}. Names are dotted Micrometer names; a Prometheus registry shows
 * them as {@code ledgerline_processor_*} (for example {@code ledgerline_processor_in_flight}).
 */
final class ProcessorMetrics {
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicLong buffered = new AtomicLong();
    final AtomicLong lag = new AtomicLong();
    private final Timer callSuccess;
    private final Timer callFailure;
    private final Timer callTimeout;
    final Counter retries;
    final Counter timeouts;
    final Counter deadLetters;
    final Counter fallbacks;
    final Counter outputs;
    final Counter skippedOnRestart;

    ProcessorMetrics(MeterRegistry registry, String group) {
        Tags tags = Tags.of("group", group);
        Gauge.builder("ledgerline.processor.in.flight", inFlight, AtomicInteger::get).tags(tags)
                .description("records whose function call, retry wait or output produce is under way").register(registry);
        Gauge.builder("ledgerline.processor.buffered", buffered, AtomicLong::get).tags(tags)
                .description("records polled and not yet done (in flight or waiting for their key or a slot)").register(registry);
        Gauge.builder("ledgerline.processor.lag", lag, AtomicLong::get).tags(tags)
                .description("records of the assigned partitions not yet done: not yet polled plus polled and not done").register(registry);
        callSuccess = call(registry, tags, "success");
        callFailure = call(registry, tags, "failure");
        callTimeout = call(registry, tags, "timeout");
        retries = counter(registry, tags, "ledgerline.processor.retries", "retries of failed calls");
        timeouts = counter(registry, tags, "ledgerline.processor.timeouts", "calls that did not complete within the call timeout");
        deadLetters = counter(registry, tags, "ledgerline.processor.dlq", "records written to the dead-letter topic");
        fallbacks = counter(registry, tags, "ledgerline.processor.fallback", "unprocessed records written to the output topic, marked");
        outputs = counter(registry, tags, "ledgerline.processor.outputs", "outputs of the function written to the output topic");
        skippedOnRestart = counter(registry, tags, "ledgerline.processor.skipped",
                "records found done in the committed metadata and not processed again");
    }

    private static Timer call(MeterRegistry registry, Tags tags, String outcome) {
        return Timer.builder("ledgerline.processor.call").tags(tags.and("outcome", outcome))
                .description("latency of one call of the function").register(registry);
    }

    private static Counter counter(MeterRegistry registry, Tags tags, String name, String description) {
        return Counter.builder(name).tags(tags).description(description).register(registry);
    }

    void call(String outcome, long nanos) {
        Timer t = switch (outcome) {
            case "success" -> callSuccess;
            case "timeout" -> callTimeout;
            default -> callFailure;
        };
        t.record(nanos, TimeUnit.NANOSECONDS);
    }
}
