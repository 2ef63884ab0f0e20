package io.ledgerline.log;

import io.ledgerline.log.io.AtomicFiles;
import io.ledgerline.log.io.FileOpener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive lock on a data directory: {@code <dataDir>/.lock}, held with an OS file lock
 * ({@link FileChannel#tryLock()}, {@code fcntl(F_SETLK)} on Linux) for as long as the broker that owns the
 * directory runs.
 *
 * <p>The contract:
 * <ul>
 *   <li>At most one broker (one {@link LogManager}) uses a data directory at a time. The lock is taken before
 *       anything under the directory is read or written (the clean-shutdown marker, recovery, the metadata
 *       log), so a second broker started on the same directory is refused without having touched a file.</li>
 *   <li>Only the holder writes or deletes the clean-shutdown marker: it is read and removed at start and
 *       written at a clean close, both under the lock, so one broker's clean stop can never vouch for
 *       another broker's unfinished writes.</li>
 *   <li>The lock lives and dies with the process: the OS drops it when the process exits, however it exits
 *       ({@code kill -9}, a crash). A lock left "stale" by a killed broker therefore never blocks a restart;
 *       only a running holder does. The file itself stays (it is never deleted: deleting it would let a
 *       later start lock a new file while an old holder still holds the unlinked one).</li>
 *   <li>The file holds the holder's PID as one line of text, written after the lock is taken, so the
 *       refusal can name it. The PID is information for the operator, not the lock: a refused start only
 *       reads it.</li>
 * </ul>
 * In one JVM a second lock on the same directory is refused as well, with the same message, from a set of
 * the directories this JVM holds and without opening the file: POSIX record locks belong to the process, and
 * closing any descriptor of the file, even one opened only to read the PID, would drop the holder's lock.
 */
public final class DataDirLock implements AutoCloseable {
    /** The lock file's name under the data directory. */
    public static final String FILE_NAME = ".lock";

    /** Refusal to start: another live process holds the directory. */
    public static final class HeldException extends IOException {
        private final String holderPid;

        HeldException(Path dataDir, Path lockFile, String holderPid) {
            super("data directory " + dataDir + " is in use by another Ledgerline broker ("
                    + (holderPid.isEmpty() ? "PID unknown" : "PID " + holderPid) + ", lock file " + lockFile
                    + "). Stop that broker first, or start this one on another directory: --data-dir DIR "
                    + "(setting data.dir). Two brokers on one directory would overwrite each other's records.");
            this.holderPid = holderPid;
        }

        /** The PID the holder wrote into the lock file ("" if it could not be read). */
        public String holderPid() {
            return holderPid;
        }
    }

    /** Lock files this JVM holds (see the class comment: why a second descriptor must never be opened). */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates the data directory if needed (durably, through {@code opener}) and takes its lock.
     *
     * @throws HeldException when another process (or another broker of this JVM) holds it
     */
    public static DataDirLock acquire(FileOpener opener, Path dataDir) throws IOException {
        Path dir = dataDir.toAbsolutePath().normalize();
        AtomicFiles.createDirectories(opener, dir);
        Path file = dir.toRealPath().resolve(FILE_NAME); // one key per directory, whatever symlink names it
        if (!HELD_HERE.add(file)) throw new HeldException(dir, file, Long.toString(ProcessHandle.current().pid()));
        FileChannel ch = null;
        FileLock lock;
        try {
            boolean existed = Files.exists(file);
            // No TRUNCATE_EXISTING: a refused start must leave the holder's PID in place.
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // not expected past HELD_HERE; refused all the same
            }
            if (lock == null) {
                String pid = readPid(ch);
                throw new HeldException(dir, file, pid);
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            ch.force(true);
            if (!existed) opener.syncDirectory(dir);
        } catch (IOException | RuntimeException e) {
            if (ch != null) ch.close(); // releases the lock, if taken
            HELD_HERE.remove(file);
            throw e;
        }
        return new DataDirLock(file, ch, lock);
    }

    private static String readPid(FileChannel ch) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(32);
            ch.read(buf, 0);
            return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "";
        }
    }

    public Path file() {
        return file;
    }

    public boolean isHeld() {
        return lock.isValid();
    }

    /** Releases the lock (closing the channel drops it); the file stays. Idempotent. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            HELD_HERE.remove(file);
        }
    }
}
