package io.ledgerline.log;

import io.ledgerline.log.io.FileOpener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * A disk that forgets, for tests: a {@link FileOpener} whose channels delegate to real files but remember what
 * has been made durable, so that {@link #crash()} can do what a power cut does and SIGKILL cannot (the page
 * cache survives a killed process).
 *
 * <p>The model, per file opened through it: {@code syncedSize} is the file's size at its last successful
 * {@code force()}. A crash cuts the file back to it: every write not yet forced is gone. Shrinking a file
 * ({@code truncate}) counts as durable at once (a simplification: the log forces after every recovery cut). A
 * force that fails loses the pages it was writing for good, as Linux does since "fsyncgate": the range is
 * zero-filled at the crash even if a later force succeeds.
 *
 * <p>Per directory: the names present at its last {@link #syncDirectory} (or when this disk was created, for
 * what existed then) are durable; at a crash every other entry is removed, with all it holds. Unlinks are
 * treated as durable at once (nothing is resurrected).
 *
 * <p>Faults to switch on: {@link #failForces} (fsync returns EIO), {@link #diskFullAfter} (writes get ENOSPC
 * once that many more bytes are written; the write that crosses the line is short, as write(2) is).
 * {@link #holdForces} stops the fsyncs of one directory until the test lets them succeed or fail, so a test can
 * look at the system while a write is written but not yet durable.
 *
 * <p>Power: {@link #crash()} turns the disk off — every operation, from any channel or opener call, fails with
 * an IOException until {@link #restart()} — so a process that was running keeps failing while the test stops
 * its threads; channels opened before the crash stay dead after the restart.
 *
 * <p>Threads: channel operations hold the read side of {@link #power}; crash takes the write side, so a force
 * that returned before the crash is durable and one that had not started fails.
 */
public final class FaultInjectingDisk implements FileOpener {

    private static final class FileState {
        final Path path;
        long syncedSize;
        /** Ranges [from, to) whose write-back a failed force lost. */
        final List<long[]> lost = new ArrayList<>();
        long bytesRead;
        int forces;

        FileState(Path path) {
            this.path = path;
        }
    }

    private final Path root;
    private final ReentrantReadWriteLock power = new ReentrantReadWriteLock();
    private final Map<Path, FileState> files = new HashMap<>();
    private final Map<Path, Set<String>> durableNames = new HashMap<>();
    private final Set<Channel> open = new HashSet<>();
    private volatile boolean down;
    private final AtomicInteger forcesToFail = new AtomicInteger();
    private volatile long writeBudgetBytes = Long.MAX_VALUE;
    /** One-shot: runs on the thread that next forces this file, before the force (to stage a race). */
    private final Map<Path, java.util.function.Consumer<FileChannel>> beforeForce = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicReference<ForceGate> gate = new AtomicReference<>();
    private final AtomicLong bytesDroppedByCrashes = new AtomicLong();
    private volatile int entriesDroppedByCrashes;

    public FaultInjectingDisk(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        snapshotAllDirectories();
    }

    // ------------------------------------------------------------- faults

    /** The next {@code n} forces (of any file) fail with EIO and lose the pages they were writing. */
    public void failForces(int n) {
        forcesToFail.set(n);
    }

    /** Every force fails until {@link #failForces(int)} with 0. */
    public void failAllForces() {
        forcesToFail.set(Integer.MAX_VALUE);
    }

    /** Writes fail with "No space left on device" once {@code bytes} more bytes have been written. */
    public void diskFullAfter(long bytes) {
        writeBudgetBytes = bytes;
    }

    public void spaceFreed() {
        writeBudgetBytes = Long.MAX_VALUE;
    }

    /**
     * Closes a gate in front of the forces of every file under {@code dir}: each waits there, on its own thread and
     * before it starts, until the test opens the gate. One gate at a time.
     */
    public ForceGate holdForces(Path dir) {
        ForceGate g = new ForceGate(key(dir));
        if (!gate.compareAndSet(null, g)) throw new IllegalStateException("a gate is closed already");
        return g;
    }

    /**
     * A closed gate ({@link #holdForces}). Opening it ends it: the forces it held, and any that reach it while it
     * is being opened, then succeed ({@link #release}) or fail with EIO and lose their pages ({@link #fail}), as a
     * {@link #failForces} failure does; later forces pass as usual.
     */
    public final class ForceGate {
        private final Path dir;
        private final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch opened = new CountDownLatch(1);
        private volatile boolean failing;

        private ForceGate(Path dir) {
            this.dir = dir;
        }

        /** Waits until a force is held here; false if none came within the timeout. */
        public boolean awaitHeld(long timeout, TimeUnit unit) throws InterruptedException {
            return held.await(timeout, unit);
        }

        /** Lets the held forces succeed (nothing if the gate is open already). */
        public void release() {
            open(false);
        }

        /** Makes the held forces fail with EIO. */
        public void fail() {
            open(true);
        }

        /** Only the first call opens: a test's clean-up may release a gate the test already opened. */
        private synchronized void open(boolean fail) {
            if (opened.getCount() == 0) return;
            failing = fail;
            gate.compareAndSet(this, null);
            opened.countDown();
        }

        /** On the forcing thread: whether {@code file} is held here; waits until opened; true when the force must fail. */
        private boolean pass(Path file) {
            if (!file.startsWith(dir)) return false;
            held.countDown();
            try {
                opened.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true; // the forcing thread is being stopped (a test that never opened the gate): no fsync happened
            }
            return failing;
        }
    }

    /**
     * Runs {@code hook} once, on the thread that next forces {@code file}, just before that force: lets a test
     * put other work exactly inside the window between a flusher choosing what to sync and syncing it.
     */
    void beforeNextForce(Path file, java.util.function.Consumer<FileChannel> hook) {
        beforeForce.put(key(file), hook);
    }

    // ------------------------------------------------------------- power

    /**
     * Power cut: every file opened through this disk goes back to its last synced size (lost ranges
     * zero-filled), every directory entry not made durable by a directory sync is removed, and the disk stays
     * off (all operations fail) until {@link #restart()}.
     */
    public void crash() throws IOException {
        power.writeLock().lock();
        try {
            down = true;
            synchronized (open) {
                for (Channel c : open) c.killQuietly();
                open.clear();
            }
            synchronized (files) {
                cutBackToSynced();
                files.clear();
            }
            dropUndurableEntries(root);
            snapshotAllDirectories();
        } finally {
            power.writeLock().unlock();
        }
    }

    private void cutBackToSynced() throws IOException {
        for (Map.Entry<Path, FileState> e : files.entrySet()) {
            Path p = e.getKey();
            FileState s = e.getValue();
            if (!Files.exists(p)) continue;
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                long size = ch.size();
                if (size > s.syncedSize) {
                    bytesDroppedByCrashes.addAndGet(size - s.syncedSize);
                    ch.truncate(s.syncedSize);
                }
                for (long[] r : s.lost) {
                    long to = Math.min(r[1], s.syncedSize);
                    if (r[0] < to) ch.write(ByteBuffer.allocate((int) (to - r[0])), r[0]);
                }
            }
        }
    }

    /** Power back on: opens work again (channels from before the crash stay dead). */
    public void restart() {
        down = false;
    }

    private void dropUndurableEntries(Path dir) throws IOException {
        Set<String> durable = durableNames.getOrDefault(dir, Set.of());
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            children = s.toList();
        }
        for (Path child : children) {
            if (!durable.contains(child.getFileName().toString())) {
                entriesDroppedByCrashes++;
                deleteRecursively(child);
            } else if (Files.isDirectory(child)) {
                dropUndurableEntries(child);
            }
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }

    private void snapshotAllDirectories() throws IOException {
        durableNames.clear();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path d : walk.filter(Files::isDirectory).toList()) durableNames.put(d, listNames(d));
        }
    }

    private static Set<String> listNames(Path dir) throws IOException {
        Set<String> names = new HashSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        return names;
    }

    // ------------------------------------------------------------- what tests look at

    /** Bytes that crashes have thrown away so far (to show a test really lost something). */
    long bytesDroppedByCrashes() {
        return bytesDroppedByCrashes.get();
    }

    int entriesDroppedByCrashes() {
        return entriesDroppedByCrashes;
    }

    /** Size of {@code path} at its last successful force, or -1 when it was not opened since the last crash. */
    long syncedSize(Path path) {
        synchronized (files) {
            FileState s = files.get(key(path));
            return s == null ? -1 : s.syncedSize;
        }
    }

    /** Bytes read through channels of files whose name ends with {@code suffix}, since the last reset. */
    long bytesRead(String suffix) {
        synchronized (files) {
            long n = 0;
            for (Map.Entry<Path, FileState> e : files.entrySet()) {
                if (e.getKey().toString().endsWith(suffix)) n += e.getValue().bytesRead;
            }
            return n;
        }
    }

    /** Zeroes the read counters of {@link #bytesRead}. */
    void resetReadCounters() {
        synchronized (files) {
            for (FileState s : files.values()) s.bytesRead = 0;
        }
    }

    int forces(Path path) {
        synchronized (files) {
            FileState s = files.get(key(path));
            return s == null ? 0 : s.forces;
        }
    }

    private Path key(Path p) {
        return p.toAbsolutePath().normalize();
    }

    // ------------------------------------------------------------- FileOpener

    @Override
    public FileChannel openReadWrite(Path path) throws IOException {
        power.readLock().lock();
        try {
            checkPower();
            Path k = key(path);
            boolean existed = Files.exists(k);
            FileChannel real = FileChannel.open(k, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileState state;
            synchronized (files) {
                state = files.get(k);
                if (state == null || !existed) {
                    // A file that was there before and not written through us is durable as it is; a new one is empty.
                    state = new FileState(k);
                    state.syncedSize = existed ? real.size() : 0;
                    files.put(k, state);
                }
            }
            Channel c = new Channel(real, state);
            synchronized (open) {
                open.add(c);
            }
            return c;
        } finally {
            power.readLock().unlock();
        }
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        power.readLock().lock();
        try {
            checkPower();
            Path k = key(dir);
            Set<String> names = listNames(k);
            synchronized (durableNames) {
                durableNames.put(k, names);
            }
        } finally {
            power.readLock().unlock();
        }
    }

    private void checkPower() throws IOException {
        if (down) throw new IOException("Input/output error (simulated power cut)");
    }

    /** Takes {@code n} bytes from the write budget; returns how many may be written (0 = disk full). */
    private synchronized long reserve(long n) {
        long allowed = Math.min(n, writeBudgetBytes);
        if (writeBudgetBytes != Long.MAX_VALUE) writeBudgetBytes -= allowed;
        return allowed;
    }

    /**
     * A channel over a real file that records syncs and injects faults. Every operation checks power and
     * liveness under the disk's read lock.
     */
    private final class Channel extends FileChannel {
        private final FileChannel real;
        private final FileState state;
        private volatile boolean dead;

        Channel(FileChannel real, FileState state) {
            this.real = real;
            this.state = state;
        }

        void killQuietly() {
            dead = true;
            try {
                real.close();
            } catch (IOException ignored) {
                // the power is off anyway
            }
        }

        private void enter() throws IOException {
            power.readLock().lock();
            if (down || dead) {
                power.readLock().unlock();
                if (dead && !down) throw new ClosedChannelException();
                throw new IOException("Input/output error (simulated power cut)");
            }
        }

        private void exit() {
            power.readLock().unlock();
        }

        private void countRead(long n) {
            if (n > 0) {
                synchronized (files) {
                    state.bytesRead += n;
                }
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            enter();
            try {
                int n = real.read(dst);
                countRead(n);
                return n;
            } finally {
                exit();
            }
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            enter();
            try {
                long n = real.read(dsts, offset, length);
                countRead(n);
                return n;
            } finally {
                exit();
            }
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            enter();
            try {
                int n = real.read(dst, position);
                countRead(n);
                return n;
            } finally {
                exit();
            }
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            enter();
            try {
                return writeLimited(src, -1);
            } finally {
                exit();
            }
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            enter();
            try {
                return writeLimited(src, position);
            } finally {
                exit();
            }
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            enter();
            try {
                long total = 0;
                for (int i = offset; i < offset + length; i++) {
                    if (!srcs[i].hasRemaining()) continue;
                    int want = srcs[i].remaining();
                    int n;
                    try {
                        n = writeLimited(srcs[i], -1);
                    } catch (IOException e) {
                        if (total > 0) return total; // short write; the next call gets the error
                        throw e;
                    }
                    total += n;
                    if (n < want) break;
                }
                return total;
            } finally {
                exit();
            }
        }

        /** Writes what the budget allows: all, a short count, or ENOSPC when nothing fits. */
        private int writeLimited(ByteBuffer src, long position) throws IOException {
            int want = src.remaining();
            if (want == 0) return 0;
            int allowed = (int) reserve(want);
            if (allowed == 0) throw new IOException("No space left on device");
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + allowed);
            int n = position < 0 ? real.write(part) : real.write(part, position);
            src.position(src.position() + n);
            return n;
        }

        @Override
        public long position() throws IOException {
            enter();
            try {
                return real.position();
            } finally {
                exit();
            }
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            enter();
            try {
                real.position(newPosition);
                return this;
            } finally {
                exit();
            }
        }

        @Override
        public long size() throws IOException {
            enter();
            try {
                return real.size();
            } finally {
                exit();
            }
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            enter();
            try {
                real.truncate(size);
                synchronized (files) {
                    state.syncedSize = Math.min(state.syncedSize, size);
                }
                return this;
            } finally {
                exit();
            }
        }

        @Override
        public void force(boolean metaData) throws IOException {
            java.util.function.Consumer<FileChannel> hook = beforeForce.remove(state.path);
            if (hook != null) hook.accept(this);
            ForceGate g = gate.get();
            boolean failedAtGate = g != null && g.pass(state.path);
            enter();
            try {
                long size = real.size();
                if (failedAtGate || forcesToFail.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                    synchronized (files) {
                        if (size > state.syncedSize) state.lost.add(new long[] {state.syncedSize, size});
                    }
                    throw new IOException("Input/output error (injected fsync failure)");
                }
                real.force(metaData);
                synchronized (files) {
                    state.syncedSize = size;
                    state.forces++;
                }
            } finally {
                exit();
            }
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            enter();
            try {
                long n = real.transferTo(position, count, target);
                countRead(n);
                return n;
            } finally {
                exit();
            }
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            throw new UnsupportedOperationException("the log does not write by transferFrom");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            throw new UnsupportedOperationException("the log does not map files");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            enter();
            try {
                return real.lock(position, size, shared);
            } finally {
                exit();
            }
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            enter();
            try {
                return real.tryLock(position, size, shared);
            } finally {
                exit();
            }
        }

        @Override
        protected void implCloseChannel() throws IOException {
            synchronized (open) {
                open.remove(this);
            }
            real.close();
        }
    }
}
