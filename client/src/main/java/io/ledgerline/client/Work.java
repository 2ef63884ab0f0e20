package io.ledgerline.client;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * One input record from poll to done. The poll thread creates it and reads the done ones back; the attempt
 * count and the typed record are written by whichever thread runs the current attempt, one attempt at a time
 * (each attempt is started by the previous one's end), hence volatile.
 */
final class Work {
    /** The order key of records without a key under {@link Ordering#KEY}: one key per partition. */
    private static final Object NULL_KEY = new Object();
    /** The order key of every record under {@link Ordering#PARTITION}. */
    private static final Object PARTITION_KEY = new Object();

    final ConsumerRecord<byte[], byte[]> raw;
    final PartitionState partition;
    final Object orderKey;
    volatile ConsumerRecord<?, ?> typed;
    volatile int attempts;
    /**
     * Exactly-once mode only: the records to write for this input (output, or dead letter and/or fallback) and the
     * meters to count them; the poll thread writes them in its open transaction.
     */
    volatile List<ProducerRecord<byte[], byte[]>> outputs;
    volatile List<Runnable> onWritten;
    /** Ended without an output (revoked or closing): not done, so never committed. */
    volatile boolean abandoned;

    Work(ConsumerRecord<byte[], byte[]> raw, PartitionState partition, Ordering ordering) {
        this.raw = raw;
        this.partition = partition;
        this.orderKey = switch (ordering) {
            case KEY -> raw.key() == null ? NULL_KEY : ByteBuffer.wrap(raw.key());
            case PARTITION -> PARTITION_KEY;
            case NONE -> null;
        };
    }

    long offset() {
        return raw.offset();
    }

    @Override
    public String toString() {
        return raw.topic() + "-" + raw.partition() + "@" + raw.offset();
    }
}
