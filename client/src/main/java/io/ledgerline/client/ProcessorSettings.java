package io.ledgerline.client;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a processor is built from; made by {@link Builder}, which checks how the settings relate and names
 * the setting and the fix when they do not.
 *
 * @param maxInFlight          records whose call, retry wait or output produce may be under way at once
 * @param maxBufferedRecords   records polled and not done beyond which every partition is paused
 * @param callTimeout          one call's limit; a call still running then counts as a retriable failure
 * @param commitMetadataBytesMax the broker's {@code offset.metadata.max.bytes} (Kafka's default 4096): bounds how far
 *                             above the lowest incomplete offset records may start
 * @param revocationTimeout    how long a revoked partition's records may still finish before they are abandoned
 * @param closeTimeout         the same for {@link AsyncProcessor#close()}
 * @param transactionalId      null (at-least-once), or the producer's transactional.id of the exactly-once mode
 */
public record ProcessorSettings<K, V, R>(
        Map<String, Object> consumerConfig,
        Map<String, Object> producerConfig,
        String groupId,
        List<String> inputTopics,
        String outputTopic,
        String dlqTopic,
        boolean fallback,
        AsyncProcessor.AsyncFunction<K, V, R> function,
        Deserializer<K> keyDeserializer,
        Deserializer<V> valueDeserializer,
        Serializer<R> outputSerializer,
        Ordering ordering,
        int maxInFlight,
        int maxBufferedRecords,
        Duration callTimeout,
        RetryPolicy retryPolicy,
        RetryBudget retryBudget,
        FailureClassifier classifier,
        Duration commitInterval,
        int commitMetadataBytesMax,
        Duration revocationTimeout,
        Duration closeTimeout,
        Duration pollTimeout,
        String transactionalId) {

    /** Defaults: in-flight 256, buffer 4 × in-flight, call timeout 30 s, {@link RetryPolicy#DEFAULT}, budget 10 % + 100. */
    public static final class Builder<K, V, R> {
        private final Deserializer<K> keyDeserializer;
        private final Deserializer<V> valueDeserializer;
        private final Serializer<R> outputSerializer;
        private final Map<String, Object> consumer = new HashMap<>();
        private final Map<String, Object> producer = new HashMap<>();
        private String bootstrapServers;
        private String groupId;
        private List<String> inputTopics;
        private String outputTopic;
        private String dlqTopic;
        private boolean fallback;
        private AsyncProcessor.AsyncFunction<K, V, R> function;
        private Ordering ordering = Ordering.KEY;
        private int maxInFlight = 256;
        private Integer maxBufferedRecords;
        private Duration callTimeout = Duration.ofSeconds(30);
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private RetryBudget retryBudget;
        private FailureClassifier classifier = FailureClassifier.DEFAULT;
        private Duration commitInterval = Duration.ofSeconds(1);
        private int commitMetadataBytesMax = 4096;
        private Duration revocationTimeout = Duration.ofSeconds(10);
        private Duration closeTimeout = Duration.ofSeconds(30);
        private Duration pollTimeout = Duration.ofMillis(50);
        private MeterRegistry meterRegistry;
        private String transactionalId;

        Builder(Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer, Serializer<R> outputSerializer) {
            this.keyDeserializer = Objects.requireNonNull(keyDeserializer, "keyDeserializer");
            this.valueDeserializer = Objects.requireNonNull(valueDeserializer, "valueDeserializer");
            this.outputSerializer = Objects.requireNonNull(outputSerializer, "outputSerializer");
        }

        public Builder<K, V, R> bootstrapServers(String servers) { this.bootstrapServers = servers; return this; }
        public Builder<K, V, R> groupId(String group) { this.groupId = group; return this; }
        public Builder<K, V, R> inputTopics(List<String> topics) { this.inputTopics = List.copyOf(topics); return this; }
        public Builder<K, V, R> outputTopic(String topic) { this.outputTopic = topic; return this; }
        /** Terminal failures go here: raw input key, value and headers plus Kafka Connect's error headers. */
        public Builder<K, V, R> deadLetterTopic(String topic) { this.dlqTopic = topic; return this; }
        /** On a terminal failure, write the input unprocessed to the output topic, marked {@link DeadLetters#FALLBACK_HEADER}. */
        public Builder<K, V, R> fallback(boolean on) { this.fallback = on; return this; }
        public Builder<K, V, R> function(AsyncProcessor.AsyncFunction<K, V, R> fn) { this.function = fn; return this; }
        public Builder<K, V, R> ordering(Ordering o) { this.ordering = Objects.requireNonNull(o); return this; }
        public Builder<K, V, R> maxInFlight(int n) { this.maxInFlight = n; return this; }
        public Builder<K, V, R> maxBufferedRecords(int n) { this.maxBufferedRecords = n; return this; }
        public Builder<K, V, R> callTimeout(Duration d) { this.callTimeout = d; return this; }
        public Builder<K, V, R> retryPolicy(RetryPolicy p) { this.retryPolicy = Objects.requireNonNull(p); return this; }
        public Builder<K, V, R> retryBudget(RetryBudget b) { this.retryBudget = Objects.requireNonNull(b); return this; }
        public Builder<K, V, R> classifier(FailureClassifier c) { this.classifier = Objects.requireNonNull(c); return this; }
        public Builder<K, V, R> commitInterval(Duration d) { this.commitInterval = d; return this; }
        public Builder<K, V, R> commitMetadataBytesMax(int n) { this.commitMetadataBytesMax = n; return this; }
        public Builder<K, V, R> revocationTimeout(Duration d) { this.revocationTimeout = d; return this; }
        public Builder<K, V, R> closeTimeout(Duration d) { this.closeTimeout = d; return this; }
        public Builder<K, V, R> pollTimeout(Duration d) { this.pollTimeout = d; return this; }
        public Builder<K, V, R> meterRegistry(MeterRegistry r) { this.meterRegistry = r; return this; }
        /**
         * Exactly-once mode: outputs, dead letters, fallbacks and the input offsets are written in one transaction
         * per commit interval, with this transactional.id. Keep it stable across restarts of one processor instance
         * (and unique among instances), so a restart fences and aborts what a crashed instance left open.
         */
        public Builder<K, V, R> exactlyOnce(String transactionalId) { this.transactionalId = transactionalId; return this; }
        /** Extra consumer settings (security, fetch sizes, ...); the processor's own ones cannot be overridden. */
        public Builder<K, V, R> consumerConfig(Map<String, ?> config) { consumer.putAll(config); return this; }
        /** Extra producer settings; acks=all and idempotence are the defaults, serializers are the processor's. */
        public Builder<K, V, R> producerConfig(Map<String, ?> config) { producer.putAll(config); return this; }

        /** Checks the settings; throws IllegalArgumentException naming the setting and the fix. */
        public ProcessorSettings<K, V, R> settings() {
            require(bootstrapServers != null || consumer.containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG),
                    "bootstrapServers is required (host:port of the Kafka cluster)");
            require(groupId != null && !groupId.isBlank(), "groupId is required: the consumer group that owns the input's offsets");
            require(inputTopics != null && !inputTopics.isEmpty(), "inputTopics is required: at least one topic to consume");
            require(outputTopic != null && !outputTopic.isBlank(), "outputTopic is required: where the function's results go");
            require(function != null, "function is required: the asynchronous call per record");
            require(!inputTopics.contains(outputTopic), "outputTopic " + outputTopic + " is also an input topic: the processor would consume its own output");
            require(dlqTopic == null || !inputTopics.contains(dlqTopic), "deadLetterTopic " + dlqTopic + " is also an input topic");
            require(dlqTopic != null || fallback,
                    "a terminal failure needs somewhere to go: set deadLetterTopic(...) or fallback(true), or both");
            require(maxInFlight >= 1, "maxInFlight must be at least 1, got " + maxInFlight);
            int buffered = maxBufferedRecords != null ? maxBufferedRecords : Math.max(4 * maxInFlight, 1000);
            require(buffered >= maxInFlight, "maxBufferedRecords " + buffered + " is below maxInFlight " + maxInFlight
                    + ": the buffer must hold at least the records in flight");
            requirePositive(callTimeout, "callTimeout");
            requirePositive(commitInterval, "commitInterval");
            requirePositive(revocationTimeout, "revocationTimeout");
            requirePositive(pollTimeout, "pollTimeout");
            require(closeTimeout != null && !closeTimeout.isNegative(), "closeTimeout must not be negative");
            OffsetTracker.windowOffsetsFor(commitMetadataBytesMax);
            require(transactionalId == null || !transactionalId.isBlank(), "exactlyOnce needs a non-blank transactional.id");
            require(transactionalId == null || !producer.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG),
                    "set the transactional.id with exactlyOnce(...), not in producerConfig");
            Object autoCommit = consumer.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG);
            require(autoCommit == null || "false".equals(String.valueOf(autoCommit)),
                    "enable.auto.commit must stay false: the processor commits an offset only after its output is acknowledged");
            Object maxPollInterval = consumer.get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
            long pollIntervalMs = maxPollInterval == null ? 300_000 : Long.parseLong(String.valueOf(maxPollInterval));
            require(revocationTimeout.toMillis() < pollIntervalMs, "revocationTimeout " + revocationTimeout
                    + " must be below max.poll.interval.ms " + pollIntervalMs + ": the revocation wait happens inside poll");

            Map<String, Object> c = new HashMap<>(consumer);
            if (bootstrapServers != null) c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            // exactly-once reads only committed input (inputs written by transactions that aborted are not records)
            if (transactionalId != null) c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            Map<String, Object> p = new HashMap<>(producer);
            p.putIfAbsent(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, c.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
            p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
            p.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            if (transactionalId != null) p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
            return new ProcessorSettings<>(Map.copyOf(c), Map.copyOf(p), groupId, inputTopics, outputTopic, dlqTopic, fallback,
                    function, keyDeserializer, valueDeserializer, outputSerializer, ordering, maxInFlight, buffered,
                    callTimeout, retryPolicy, retryBudget != null ? retryBudget : new RetryBudget(0.1, 100), classifier,
                    commitInterval, commitMetadataBytesMax, revocationTimeout, closeTimeout, pollTimeout, transactionalId);
        }

        /** Checks the settings and creates the processor's consumer and producer; {@link AsyncProcessor#start()} runs it. */
        public AsyncProcessor<K, V, R> build() {
            ProcessorSettings<K, V, R> settings = settings();
            return new AsyncProcessor<>(settings, meterRegistry != null ? meterRegistry : new SimpleMeterRegistry());
        }

        private static void require(boolean ok, String message) {
            if (!ok) throw new IllegalArgumentException(message);
        }

        private static void requirePositive(Duration d, String name) {
            require(d != null && !d.isNegative() && !d.isZero(), name + " must be a positive duration, got " + d);
        }
    }
}
