package io.ledgerline.it.harness;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A Kafka Streams application with {@code processing.guarantee=exactly_once_v2} in a child JVM, for tests
 * that kill it with SIGKILL: it keeps per-account balances (a state store, changelogged to a compacted topic)
 * from {@value #TRANSFERS} (account → signed amount, one record per debit or credit) and writes every new
 * balance to {@value #BALANCES}.
 */
public final class ChildStreamsApp extends ChildApp {
    public static final String APPLICATION_ID = "balances-app";
    public static final String TRANSFERS = "transfers";
    public static final String BALANCES = "balances";
    /** The changelog topic Streams creates for the balances store. */
    public static final String CHANGELOG = APPLICATION_ID + "-balances-store-changelog";

    /** Starts the application on {@code stateDir}, which a later run on the same dir finds (as after a crash). */
    public ChildStreamsApp(BrokerTarget broker, Path stateDir) throws IOException {
        launch("child streams app", ChildStreamsApp.class.getName(), broker.bootstrapServers(), stateDir.toString());
    }

    /** Args: bootstrap servers, state dir. Runs until killed. */
    public static void main(String[] args) throws Exception {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(TRANSFERS, Consumed.with(Serdes.String(), Serdes.Long()))
                .groupByKey()
                .aggregate(() -> 0L, (account, amount, balance) -> balance + amount,
                        Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("balances-store")
                                .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                .toStream()
                .to(BALANCES, Produced.with(Serdes.String(), Serdes.Long()));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, args[1]);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        // A killed instance leaves no LeaveGroup: the next one waits for its session to expire.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), Groups.SESSION_TIMEOUT_MS);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), Groups.HEARTBEAT_INTERVAL_MS);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 25);
        KafkaStreams streams = new KafkaStreams(b.build(), p);
        streams.setUncaughtExceptionHandler(e -> {
            e.printStackTrace();
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_APPLICATION;
        });
        streams.start();
        Thread.currentThread().join();
    }
}
