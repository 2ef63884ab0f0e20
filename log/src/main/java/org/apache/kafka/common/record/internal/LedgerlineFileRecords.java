package org.apache.kafka.common.record.internal;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * The one place Ledgerline reaches into kafka-clients' package-private API: {@link FileRecords} over a
 * {@link FileChannel} that we opened ourselves. The log opens every segment file through
 * {@code io.ledgerline.log.io.FileOpener} so tests can substitute a channel that loses unsynced writes;
 * FileRecords only offers public factories that open their own channel.
 *
 * <p>Split package on purpose (classpath only, no JPMS); kafka-clients is pinned to an exact version in the
 * root pom, and this constructor's contract (file, channel, end) is checked by the log's tests.
 */
public final class LedgerlineFileRecords {
    private LedgerlineFileRecords() {}

    /** FileRecords covering the whole of {@code channel}, positioned at its end for appends. */
    public static FileRecords open(File file, FileChannel channel) throws IOException {
        return new FileRecords(file, channel, Integer.MAX_VALUE);
    }
}
