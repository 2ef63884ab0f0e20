package io.ledgerline.log;

/**
 * Every fixed bound of a Ledgerline process, in one place, each with its unit and the reason for its value. A bound a
 * user may change is a setting ({@code BrokerConfig}, {@link LogConfig}), not here. The bounds depend on each other
 * (a stored group generation must fit in one offsets-log append, the group timer must tick well inside the shortest
 * session); {@code LimitsTest} in the broker module holds those relations, so a change that breaks one fails there.
 * It lives in the lowest module so that every module reads the same values.
 *
 * <p>Threads: constants only.
 */
public final class Limits {
    private Limits() {}

    // --- Storage (log) ---

    /** Bytes. Kafka's floor for segment.bytes (KIP-1030, Kafka 4.0): tiny segments mean huge file counts. */
    public static final int SEGMENT_BYTES_MIN = 1024 * 1024;

    /** Bytes of batches per sparse index entry (Kafka's index.interval.bytes default). */
    public static final int INDEX_INTERVAL_BYTES = 4096;

    /**
     * Bytes. Largest decompressed record body accepted inside a compressed batch, unless max.message.bytes is larger
     * still. kafka-clients reads a record's length and allocates its body before reading it, so with no bound a
     * 60-byte batch claiming a 2 GB record costs the broker an OutOfMemoryError. 64 MiB is far above what a Kafka
     * producer sends with its default limits (max.request.size 1 MiB) and small enough to allocate.
     */
    public static final int DECOMPRESSED_RECORD_BYTES_MAX = 64 * 1024 * 1024;

    /**
     * Bytes. Bound on one record's decompressed size when stored records are read back (they were validated at
     * append already, against {@link #DECOMPRESSED_RECORD_BYTES_MAX} or max.message.bytes): the largest array the JVM
     * allocates.
     */
    public static final int STORED_RECORD_BYTES_MAX = Integer.MAX_VALUE - 8;

    /**
     * Batches. Per producer, the last batches kept for duplicate detection: a retried batch among them gets its
     * original offsets back. Kafka keeps 5, the most in-flight requests an idempotent producer may have
     * (max.in.flight.requests.per.connection ≤ 5), so every retry a correct producer can send is recognised.
     */
    public static final int PRODUCER_BATCHES_KEPT = 5;

    /**
     * Files. Producer-state snapshots kept per partition: the newest for a fast start, the one before in case the
     * newest is torn by a crash while written.
     */
    public static final int PRODUCER_SNAPSHOTS_KEPT = 2;

    // --- Network (broker.net) ---

    /**
     * Requests. A connection's requests in flight before the broker stops reading from it (backpressure). A Java
     * producer has at most 5, a consumer 1 or 2 per node; 64 leaves pipelining clients (librdkafka, kafkajs) room while
     * bounding what one connection can make the broker hold.
     */
    public static final int IN_FLIGHT_REQUESTS_PER_CONNECTION = 64;

    /** Connections. Pending connections the kernel queues before they are accepted (also while a start is under way). */
    public static final int ACCEPT_BACKLOG = 1024;

    // --- Topics (broker.admin, broker.topic) ---

    /**
     * Partitions. Partitions one request may create in one topic. Each partition is a directory and open files,
     * created synchronously; Kafka's controller likewise bounds one user operation (QuorumController's
     * MAX_RECORDS_PER_USER_OP, one record per partition) to 10,000.
     */
    public static final int PARTITIONS_CREATED_PER_TOPIC_MAX = 10_000;

    // --- Internal logs (broker.group, broker.txn, broker.topic) ---

    /**
     * Bytes. The largest single append to the offsets log (its max.message.bytes): 8 MiB, so that the stored
     * generation of a large group (every member's subscription and assignment in one record) fits in one append.
     */
    public static final int OFFSETS_LOG_BATCH_BYTES_MAX = 8 * 1024 * 1024;

    /**
     * Bytes. The largest append to the transactions log: one record, one transactional id's state, which lists the
     * partitions of its transaction (6 bytes plus the topic name each): 8 MiB holds over 100,000 partitions with
     * 64-character topic names, far more than one transaction touches.
     */
    public static final int TRANSACTIONS_LOG_BATCH_BYTES_MAX = 8 * 1024 * 1024;

    /**
     * Bytes. The largest append to the metadata log. One append is one record, and a topic with its overrides is a few
     * hundred bytes: the bound only has to be far above any real definition. A larger one is refused by the append
     * (RecordTooLargeException) and nothing is written.
     */
    public static final int METADATA_LOG_BATCH_BYTES_MAX = 1024 * 1024;

    // --- Groups (broker.group) ---

    /**
     * Milliseconds. The group timer's granularity: session, join and sync deadlines are met within this. At most a
     * tenth of the shortest session timeout a group may ask for (group.min.session.timeout.ms), so a member is never
     * expired noticeably late.
     */
    public static final long GROUP_TICK_MS = 50;

    /**
     * Bytes (UTF-8). Kafka's offset.metadata.max.bytes default: a commit whose metadata string is longer is refused
     * with OFFSET_METADATA_TOO_LARGE.
     */
    public static final int OFFSET_METADATA_BYTES_MAX = 4096;

    // --- Transactions (broker.txn, broker.produce) ---

    /**
     * Milliseconds. Delay before the coordinator retries writing a transaction's markers after a failed write (a disk
     * error): shorter than the abort check interval (transaction.abort.timed.out.transaction.cleanup.interval.ms,
     * 10 s by default), so a retry never waits for the next scan.
     */
    public static final long MARKER_RETRY_MS = 1000;

    /**
     * Producer ids. Ids reserved per durable metadata write: one fsync per this many InitProducerId requests, and at
     * most this many ids skipped after a crash (ids are 63-bit: never exhausted). Kafka's controller hands out blocks
     * of 1000 too.
     */
    public static final long PRODUCER_ID_BLOCK_SIZE = 1000;

    // --- Fetch (broker.fetch) ---

    /**
     * Shards of the fetch-session cache. Kafka's {@code KafkaBroker.NumFetchSessionCacheShards}: kept equal so that
     * capacity and eviction match Kafka's.
     */
    public static final int FETCH_SESSION_SHARDS = 8;
}
