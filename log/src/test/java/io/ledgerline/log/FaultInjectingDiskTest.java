package io.ledgerline.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fake disk itself: if it did not forget, every crash test built on it would pass for nothing. */
class FaultInjectingDiskTest {
    @TempDir
    Path root;

    private static ByteBuffer bytes(int n, int fill) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) fill);
        return ByteBuffer.wrap(b);
    }

    @Test
    void crashDropsEveryWriteAfterTheLastForce() throws IOException {
        FaultInjectingDisk disk = new FaultInjectingDisk(root);
        Path f = root.resolve("a.log");
        FileChannel ch = disk.openReadWrite(f);
        disk.syncDirectory(root);
        ch.write(bytes(100, 1));
        ch.force(false);
        ch.write(bytes(50, 2));
        assertThat(Files.size(f)).isEqualTo(150); // the page cache has it...

        disk.crash();
        disk.restart();

        assertThat(Files.size(f)).isEqualTo(100); // ...the platter does not
        assertThat(disk.bytesDroppedByCrashes()).isEqualTo(50);
        assertThatThrownBy(() -> ch.write(bytes(1, 3))).isInstanceOf(IOException.class); // old channels stay dead
    }

    @Test
    void crashDropsDirectoryEntriesNeverMadeDurable() throws IOException {
        FaultInjectingDisk disk = new FaultInjectingDisk(root);
        Path kept = root.resolve("kept");
        Files.createDirectories(kept);
        disk.syncDirectory(root);
        Path synced = kept.resolve("synced.log");
        try (FileChannel ch = disk.openReadWrite(synced)) {
            ch.write(bytes(10, 1));
            ch.force(false);
        }
        disk.syncDirectory(kept);
        Path unsynced = kept.resolve("unsynced.log");
        try (FileChannel ch = disk.openReadWrite(unsynced)) {
            ch.write(bytes(10, 1));
            ch.force(false); // data durable, name not
        }
        Files.createDirectories(root.resolve("lost-dir/child"));

        disk.crash();
        disk.restart();

        assertThat(synced).exists().hasSize(10);
        assertThat(unsynced).doesNotExist();
        assertThat(root.resolve("lost-dir")).doesNotExist();
    }

    @Test
    void failedForceLosesItsPagesEvenIfALaterForceSucceeds() throws IOException {
        FaultInjectingDisk disk = new FaultInjectingDisk(root);
        Path f = root.resolve("a.log");
        FileChannel ch = disk.openReadWrite(f);
        disk.syncDirectory(root);
        ch.write(bytes(10, 1));
        ch.force(false);
        ch.write(bytes(10, 2));
        disk.failForces(1);
        assertThatThrownBy(() -> ch.force(false)).isInstanceOf(IOException.class);
        assertThat(disk.syncedSize(f)).isEqualTo(10);
        ch.force(false); // "succeeds": Linux reported the error once and marked the pages clean

        disk.crash();
        disk.restart();

        byte[] after = Files.readAllBytes(f);
        assertThat(after).hasSize(20);
        assertThat(after[15]).isZero();
    }

    @Test
    void diskFullGivesAShortWriteThenNoSpaceLeftOnDevice() throws IOException {
        FaultInjectingDisk disk = new FaultInjectingDisk(root);
        FileChannel ch = disk.openReadWrite(root.resolve("a.log"));
        disk.diskFullAfter(15);
        assertThat(ch.write(bytes(10, 1))).isEqualTo(10);
        assertThat(ch.write(bytes(10, 1))).isEqualTo(5);
        assertThatThrownBy(() -> ch.write(bytes(10, 1))).isInstanceOf(IOException.class)
                .hasMessageContaining("No space left on device");
        disk.spaceFreed();
        assertThat(ch.write(bytes(10, 1))).isEqualTo(10);
        assertThat(ch.size()).isEqualTo(25);
    }

    @Test
    void everyOperationFailsWhileThePowerIsOff() throws IOException {
        FaultInjectingDisk disk = new FaultInjectingDisk(root);
        disk.crash();
        assertThatThrownBy(() -> disk.openReadWrite(root.resolve("x"))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> disk.syncDirectory(root)).isInstanceOf(IOException.class);
        disk.restart();
        disk.openReadWrite(root.resolve("x")).close();
    }
}
