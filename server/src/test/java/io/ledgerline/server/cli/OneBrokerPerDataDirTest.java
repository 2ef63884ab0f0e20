package io.ledgerline.server.cli;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #10's data loss, with two real processes ({@code ledgerline start} through {@link LedgerlineCli#main} in
 * child JVMs): a second broker started on a data directory another broker uses is refused, names the holder's PID
 * and how to pick another directory, and writes nothing there (in particular no clean-shutdown marker that would
 * vouch for the holder's writes); the holder, killed with SIGKILL, leaves a lock that does not block the restart,
 * and the restart, which recovers as after an unclean stop, has every record the holder acknowledged.
 */
class OneBrokerPerDataDirTest {
    private static final String TOPIC = "one-broker";

    @TempDir
    Path tmp;

    @Test
    void secondBrokerIsRefusedAndAKilledHoldersLockNeverBlocksTheRestart() throws Exception {
        Path data = tmp.resolve("data");
        List<String> acked = new ArrayList<>();
        try (CliProcess.Broker a = CliProcess.startBroker("--data-dir", data.toString(), "--listen", "127.0.0.1:0")) {
            produce(a.bootstrap(), 0, 300, acked);

            Map<String, String> before = DataDirFiles.snapshot(data);
            CliProcess.Result b = CliProcess.run(Duration.ofSeconds(90), List.of(),
                    "start", "--data-dir", data.toString(), "--listen", "127.0.0.1:0");
            assertThat(b.exitCode()).as("B's exit code; %s", b).isEqualTo(1);
            assertThat(b.stderr().lines()).as("B's stderr: %s", b.stderr()).hasSize(1);
            assertThat(b.stderr()).startsWith("ledgerline: data directory " + data + " is in use by another Ledgerline broker (PID "
                            + a.process().pid() + ", lock file " + data.resolve(".lock") + ")")
                    .contains("start this one on another directory: --data-dir DIR (setting data.dir)");
            assertThat(b.stdout() + b.stderr()).doesNotContain("\tat ", "Exception");
            assertThat(DataDirFiles.snapshot(data)).as("B wrote nothing (no .clean-shutdown either)").isEqualTo(before);

            // A is unharmed by B's attempt: it goes on acknowledging.
            produce(a.bootstrap(), 300, 400, acked);

            int exit = a.kill9();
            assertThat(exit).as("Process.destroyForcibly is SIGKILL on Linux: exit code 128 + 9").isEqualTo(137);
            assertThat(a.process().toHandle().isAlive()).isFalse();
        }
        assertThat(data.resolve(".clean-shutdown")).doesNotExist();
        assertThat(data.resolve(".lock")).as("the killed holder's lock file stays behind").exists();

        try (CliProcess.Broker c = CliProcess.startBroker("--data-dir", data.toString(), "--listen", "127.0.0.1:0")) {
            // Recovery reports the unclean stop (LogManager's start line; B's refusal must not have vouched for A).
            assertThat(c.output()).anyMatch(line -> line.contains("storage at " + data
                    + " (no clean-shutdown marker: the tail of every log is checked)"));
            assertThat(c.output()).as("the recovery summary once every partition is open")
                    .anyMatch(line -> line.contains("start-up recovery: recovered after an unclean stop: ")
                            && line.matches(".* [1-9][0-9]* partition\\(s\\) checked, .*"));
            assertThat(consume(c.bootstrap(), acked.size())).as("every acknowledged record").isEqualTo(acked);

            // The holder's clean stop (SIGTERM) writes the marker: the next start skips recovery.
            assertThat(c.terminate()).isEqualTo(143);
            assertThat(c.output()).anyMatch(line -> line.contains("Ledgerline stopped cleanly"));
            assertThat(data.resolve(".clean-shutdown")).exists();
        }
    }

    /** Produces values v{from}..v{to-1}, each acknowledged (acks=all) before this returns, to partition 0. */
    private static void produce(String bootstrap, int from, int to, List<String> acked) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = from; i < to; i++) sent.add(producer.send(new ProducerRecord<>(TOPIC, 0, "k" + i, "v" + i)));
            for (int i = 0; i < sent.size(); i++) {
                RecordMetadata m = sent.get(i).get(60, TimeUnit.SECONDS);
                assertThat(m.offset()).isEqualTo(from + i);
                acked.add("v" + (from + i));
            }
        }
    }

    private static List<String> consume(String bootstrap, int count) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) values.add(r.value());
            }
            // Nothing past the acknowledged records either.
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) values.add(r.value());
        }
        return values;
    }
}
