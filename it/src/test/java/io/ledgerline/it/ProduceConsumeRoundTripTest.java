package io.ledgerline.it;

import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.Seeds;
import io.ledgerline.it.harness.Sequenced;
import io.ledgerline.it.harness.Sequenced.Problems;
import io.ledgerline.it.harness.SharedBrokerTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Promise 1 (ordered) and promise 7 (any client works) with the official producer and consumer: what is
 * acknowledged comes back once, where it was acknowledged, in order, byte for byte.
 */
class ProduceConsumeRoundTripTest extends SharedBrokerTest {
    private static final int PARTITIONS = 6;


    /** One record as the test sent it; {@code seq} is its index in send order. */
    private record Sent(byte[] key, byte[] value, List<Header> headers, long timestamp) {}

    /**
     * Uncompressed with 100,000 records as the issue asks; each compression codec with 20,000 records,
     * enough for hundreds of compressed batches per partition while keeping the suite within its budget.
     */
    @ParameterizedTest(name = "compression {0}, {1} records")
    @CsvSource({"none, 100000", "gzip, 20000", "snappy, 20000", "lz4, 20000", "zstd, 20000"})
    void everyAcknowledgedRecordIsReadBackOnceInOrderWithKeyValueHeadersAndTimestamp(String codec, int count) throws Exception {
        long seed = Seeds.seed("round trip " + codec);
        Random random = new Random(seed);
        String topic = Clients.uniqueTopic("round-trip-" + codec);
        Clients.createTopic(admin, topic, PARTITIONS, Map.of());

        long baseTimestamp = System.currentTimeMillis() - 15 * 60_000;
        List<Sent> sent = new ArrayList<>(count);
        for (int seq = 0; seq < count; seq++) sent.add(randomRecord(random, seq, baseTimestamp));

        RecordMetadata[] acked = new RecordMetadata[count];
        ConcurrentLinkedQueue<String> sendErrors = new ConcurrentLinkedQueue<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker, Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG, codec,
                ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024,
                ProducerConfig.LINGER_MS_CONFIG, 10))) {
            for (int seq = 0; seq < count; seq++) {
                Sent s = sent.get(seq);
                int i = seq;
                producer.send(new ProducerRecord<>(topic, null, s.timestamp(), s.key(), s.value(), s.headers()), (md, e) -> {
                    if (e != null) sendErrors.add("seq " + i + ": " + e);
                    else acked[i] = md;
                });
            }
            producer.flush();
        }
        assertThat(sendErrors).as("send errors (first shown)").isEmpty();

        List<ConsumerRecord<byte[], byte[]>> read;
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker)) {
            read = Clients.readAll(consumer, Clients.partitions(topic, PARTITIONS));
        }

        Sequenced.assertEachOnceInOrder(read, count, 0);
        Problems problems = new Problems();
        int[] perPartition = new int[PARTITIONS];
        for (ConsumerRecord<byte[], byte[]> r : read) {
            perPartition[r.partition()]++;
            int seq = Sequenced.seq(r);
            Sent s = sent.get(seq);
            String where = "seq " + seq + " at partition " + r.partition() + " offset " + r.offset();
            if (acked[seq].partition() != r.partition() || acked[seq].offset() != r.offset()) {
                problems.add(where + ": acknowledged at partition " + acked[seq].partition() + " offset " + acked[seq].offset());
            }
            if (!Arrays.equals(r.key(), s.key())) problems.add(where + ": key differs");
            if (!Arrays.equals(r.value(), s.value())) problems.add(where + ": value differs");
            if (!sameHeaders(r.headers().toArray(), s.headers())) problems.add(where + ": headers differ");
            if (r.timestampType() != TimestampType.CREATE_TIME || r.timestamp() != s.timestamp()) {
                problems.add(where + ": timestamp " + r.timestampType() + " " + r.timestamp() + ", sent " + s.timestamp());
            }
        }
        problems.assertNone("content of %d records (compression %s, seed %d)", read.size(), codec, seed);
        assertThat(Arrays.stream(perPartition).min().orElse(0))
                .as("fewest records in a partition: keys spread over all %d partitions %s", PARTITIONS, Arrays.toString(perPartition))
                .isPositive();
    }

    /**
     * Keys from a small set (so partitions repeat keys), 1% null; values of 0-600 bytes, half random and
     * half repetitive text (compressible), 0.5% null; the sequence header plus up to three more, some with
     * null values and repeated names; CreateTime timestamps not in send order.
     */
    private static Sent randomRecord(Random random, int seq, long baseTimestamp) {
        byte[] key = random.nextInt(100) == 0 ? null : ("key-" + random.nextInt(5_000)).getBytes(StandardCharsets.UTF_8);
        byte[] value = null;
        if (random.nextInt(200) != 0) {
            value = new byte[random.nextInt(600)];
            if (random.nextBoolean()) random.nextBytes(value);
            else for (int i = 0; i < value.length; i++) value[i] = (byte) "ledgerline ".charAt(i % 11);
        }
        List<Header> headers = new ArrayList<>();
        headers.add(Sequenced.header(seq));
        for (int h = random.nextInt(4); h > 0; h--) {
            byte[] headerValue = random.nextInt(10) == 0 ? null : new byte[random.nextInt(20)];
            if (headerValue != null) random.nextBytes(headerValue);
            headers.add(new RecordHeader("h" + random.nextInt(3), headerValue));
        }
        return new Sent(key, value, headers, baseTimestamp + random.nextInt(600_000));
    }

    private static boolean sameHeaders(Header[] read, List<Header> sent) {
        if (read.length != sent.size()) return false;
        for (int i = 0; i < read.length; i++) {
            if (!read[i].key().equals(sent.get(i).key()) || !Arrays.equals(read[i].value(), sent.get(i).value())) return false;
        }
        return true;
    }
}
