package io.ledgerline.log;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static io.ledgerline.log.TestLogs.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up recovery summary: after an unclean stop it counts the partitions checked and the batches read,
 * and names every cut with its partition, file, position, first lost offset and size.
 */
class RecoverySummaryAfterUncleanStopTest {
    @TempDir
    Path root;

    private static final TopicPartition TORN = new TopicPartition("orders", 0);
    private static final TopicPartition WHOLE = new TopicPartition("orders", 1);

    private LogManager start(Path data) throws Exception {
        return new LogManager(TestLogs.settings(data, true, TimeUnit.HOURS.toMillis(1)));
    }

    @Test
    void summaryNamesTheTruncationAndCountsWhatWasRead() throws Exception {
        Path data = root.resolve("data");
        LogManager lm = start(data);
        assertThat(lm.completeStart().describe()).isEqualTo("new data directory: nothing to recover");
        PartitionLog torn = lm.open(TORN, TestLogs.config());
        PartitionLog whole = lm.open(WHOLE, TestLogs.config());
        for (int i = 0; i < 3; i++) torn.append(TestLogs.records(T0, "t" + i, "u" + i)); // offsets 0-5
        for (int i = 0; i < 2; i++) whole.append(TestLogs.records(T0, "w" + i));
        torn.flush();
        whole.flush();
        TestLogs.kill(lm); // no clean close

        Path segment = data.resolve("logs/orders-0/00000000000000000000.log");
        long goodBytes = Files.size(segment);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[37])); // a torn batch: zeros where its header should be
        }

        LogManager restarted = start(data);
        restarted.open(TORN, TestLogs.config());
        restarted.open(WHOLE, TestLogs.config());
        RecoverySummary s = restarted.completeStart();

        assertThat(s.previousStop()).isEqualTo(RecoverySummary.PreviousStop.UNCLEAN);
        assertThat(s.partitionsChecked()).isEqualTo(2);
        assertThat(s.batchesRead()).isEqualTo(5);
        assertThat(s.bytesTruncated()).isEqualTo(37);
        assertThat(s.truncations()).containsExactly(new RecoverySummary.Truncation(TORN, "00000000000000000000.log",
                goodBytes, 6, 37, false));
        assertThat(restarted.startSummary()).isSameAs(s);
        assertThat(s.describe()).startsWith("recovered after an unclean stop: 2 partition(s) checked, 5 batch(es) read, "
                        + "37 byte(s) truncated [orders-0 00000000000000000000.log cut at position " + goodBytes
                        + " (offset 6 on, 37 bytes)], in ")
                .endsWith(" ms");
        assertThat(Files.size(segment)).isEqualTo(goodBytes);
        restarted.close();

        LogManager clean = start(data);
        clean.open(TORN, TestLogs.config());
        RecoverySummary after = clean.completeStart();
        assertThat(after.describe()).isEqualTo("previous stop was clean: no recovery needed");
        assertThat(after.batchesRead()).isZero();
        clean.close();
    }
}
