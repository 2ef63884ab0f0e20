package io.ledgerline.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
    void heldForceWaitsForTheGateThenSucceedsOrFailsAndLosesItsPages() throws Exception {
        FaultInjectingDisk disk = new FaultInjectingDisk(root);
        Path held = Files.createDirectories(root.resolve("held"));
        FileChannel inside = disk.openReadWrite(held.resolve("a.log"));
        FileChannel outside = disk.openReadWrite(root.resolve("b.log"));
        disk.syncDirectory(root);
        disk.syncDirectory(held);

        FaultInjectingDisk.ForceGate gate = disk.holdForces(held);
        outside.write(bytes(10, 1));
        outside.force(false); // not under the gate's directory: passes
        inside.write(bytes(10, 1));
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> force(inside));
        assertThat(gate.awaitHeld(5, TimeUnit.SECONDS)).isTrue();
        assertThat(first).as("held until the gate opens").isNotDone();
        gate.release();
        first.get(5, TimeUnit.SECONDS);
        assertThat(disk.syncedSize(held.resolve("a.log"))).isEqualTo(10);

        FaultInjectingDisk.ForceGate failing = disk.holdForces(held);
        inside.write(bytes(10, 2));
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> force(inside));
        assertThat(failing.awaitHeld(5, TimeUnit.SECONDS)).isTrue();
        failing.fail();
        assertThatThrownBy(() -> second.get(5, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IOException.class)
                .hasStackTraceContaining("injected fsync failure");
        inside.force(false); // the gate is gone; this "succeeds" over the lost pages, as after fsyncgate
        disk.crash();
        disk.restart();
        byte[] after = Files.readAllBytes(held.resolve("a.log"));
        assertThat(after).hasSize(20);
        assertThat(after[15]).as("the failed force's pages are lost").isZero();
    }

    private static void force(FileChannel ch) {
        try {
            ch.force(false);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
