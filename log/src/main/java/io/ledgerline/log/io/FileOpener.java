package io.ledgerline.log.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How the log opens the files whose durability matters (segment data, index and state files).
 * Production uses plain {@link FileChannel#open}; tests substitute a layer that injects faults
 * (fsync failure, disk full) or forgets every write not yet synced, as a power cut would.
 */
public interface FileOpener {

    /** Opens for read and write, creating the file if absent. */
    FileChannel openReadWrite(Path path) throws IOException;

    /** Makes a rename or unlink in {@code dir} durable (fsync of the directory). */
    void syncDirectory(Path dir) throws IOException;

    FileOpener DEFAULT = new FileOpener() {
        @Override
        public FileChannel openReadWrite(Path path) throws IOException {
            return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                ch.force(true);
            }
        }
    };
}
