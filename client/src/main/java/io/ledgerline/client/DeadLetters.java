package io.ledgerline.client;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * The records written for a terminal failure. A dead letter carries the input's raw key, value and headers
 * plus Kafka Connect's error headers (the names of Connect's {@code DeadLetterQueueReporter}, so tools that
 * read Connect's DLQs read ours), every value a UTF-8 string. A fallback record is the unprocessed input
 * on the output topic, marked by {@link #FALLBACK_HEADER}.
 */
public final class DeadLetters {
    public static final String PREFIX = "__connect.errors.";
    public static final String TOPIC = PREFIX + "topic";
    public static final String PARTITION = PREFIX + "partition";
    public static final String OFFSET = PREFIX + "offset";
    /** Connect puts the connector's name here; we put the processor's consumer group. */
    public static final String CONNECTOR_NAME = PREFIX + "connector.name";
    /** The class of the user's function. */
    public static final String EXECUTING_CLASS = PREFIX + "class.name";
    public static final String EXCEPTION = PREFIX + "exception.class.name";
    public static final String EXCEPTION_MESSAGE = PREFIX + "exception.message";
    public static final String EXCEPTION_STACK_TRACE = PREFIX + "exception.stacktrace";
    /** Ledgerline's own: why the failure was terminal ({@link Reason}) and how many calls were made. */
    public static final String REASON = "ledgerline.errors.reason";
    public static final String ATTEMPTS = "ledgerline.errors.attempts";
    /** On a fallback record: the {@link Reason} the function's output is missing. */
    public static final String FALLBACK_HEADER = "ledgerline.fallback";

    /** Why a record's processing ended without an output. */
    public enum Reason {
        /** The classifier called the failure terminal. */
        TERMINAL("terminal"),
        /** Retriable, but every allowed attempt failed. */
        ATTEMPTS_EXHAUSTED("attempts-exhausted"),
        /** Retriable, but the retry budget was spent. */
        RETRY_BUDGET_EXHAUSTED("retry-budget-exhausted"),
        /** The key or value did not deserialize. */
        DESERIALIZATION("deserialization"),
        /** The output did not serialize, or the output topic refused it. */
        OUTPUT_REJECTED("output-rejected");

        public final String label;

        Reason(String label) {
            this.label = label;
        }
    }

    private DeadLetters() {}

    static ProducerRecord<byte[], byte[]> deadLetter(String dlqTopic, ConsumerRecord<byte[], byte[]> input, Throwable failure,
                                                     Reason reason, int attempts, String group, String functionClass) {
        RecordHeaders headers = copy(input);
        add(headers, TOPIC, input.topic());
        add(headers, PARTITION, Integer.toString(input.partition()));
        add(headers, OFFSET, Long.toString(input.offset()));
        add(headers, CONNECTOR_NAME, group);
        add(headers, EXECUTING_CLASS, functionClass);
        add(headers, EXCEPTION, failure.getClass().getName());
        add(headers, EXCEPTION_MESSAGE, String.valueOf(failure.getMessage()));
        add(headers, EXCEPTION_STACK_TRACE, stackTrace(failure));
        add(headers, REASON, reason.label);
        add(headers, ATTEMPTS, Integer.toString(attempts));
        return new ProducerRecord<>(dlqTopic, null, input.key(), input.value(), headers);
    }

    static ProducerRecord<byte[], byte[]> fallback(String outputTopic, ConsumerRecord<byte[], byte[]> input, Reason reason) {
        RecordHeaders headers = copy(input);
        add(headers, FALLBACK_HEADER, reason.label);
        return new ProducerRecord<>(outputTopic, null, input.key(), input.value(), headers);
    }

    static RecordHeaders copy(ConsumerRecord<byte[], byte[]> input) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : input.headers()) headers.add(h.key(), h.value());
        return headers;
    }

    private static void add(RecordHeaders headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String stackTrace(Throwable failure) {
        StringWriter out = new StringWriter();
        failure.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
