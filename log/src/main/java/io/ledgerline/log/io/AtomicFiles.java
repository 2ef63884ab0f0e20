package io.ledgerline.log.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Small state files (index, snapshot, checkpoint) written all-or-nothing: write to {@code name.tmp},
 * fsync, rename over {@code name}, fsync the directory. A reader never sees a half-written file.
 *
 * <p>Layout of every such file: {@code [crc32c of payload: int32][payload length: int32][payload]},
 * so a file damaged after the fact is detected by {@link #read} and treated as absent.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    public static void write(FileOpener opener, Path path, ByteBuffer payload) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        CRC32C crc = new CRC32C();
        crc.update(payload.duplicate());
        ByteBuffer header = ByteBuffer.allocate(8).putInt((int) crc.getValue()).putInt(payload.remaining()).flip();
        try (FileChannel ch = opener.openReadWrite(tmp)) {
            ByteBuffer body = payload.duplicate();
            while (header.hasRemaining()) ch.write(header);
            while (body.hasRemaining()) ch.write(body);
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp); // a full disk should not stay fuller for the failed attempt
            throw e;
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        opener.syncDirectory(path.getParent());
    }

    /**
     * {@link Files#createDirectories}, made durable: a new directory is only an entry in its parent until the
     * parent is fsynced, and a power cut can take it back with every file in it, however well those were synced.
     * So each directory this call creates is synced into its parent.
     */
    public static void createDirectories(FileOpener opener, Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        List<Path> created = new ArrayList<>();
        for (Path p = abs; p != null && !Files.isDirectory(p); p = p.getParent()) created.add(p);
        Files.createDirectories(abs);
        for (Path p : created) opener.syncDirectory(p.getParent());
    }

    /** The payload, or null when the file is absent, short or fails its checksum. */
    public static ByteBuffer read(Path path) throws IOException {
        if (!Files.exists(path)) return null;
        byte[] bytes = Files.readAllBytes(path);
        if (bytes.length < 8) return null;
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int crc = buf.getInt();
        int len = buf.getInt();
        if (len != buf.remaining()) return null;
        CRC32C c = new CRC32C();
        c.update(buf.duplicate());
        if ((int) c.getValue() != crc) return null;
        return buf.slice();
    }
}
