#!/usr/bin/env python3
"""fdatasync latency of this machine's disk, the floor under Ledgerline's produce latency.

Appends BYTES and fdatasyncs, N times, (a) to a file that grows with every append (what a segment does
today: each fdatasync must also commit the size change to the ext4 journal) and (b) over a file
preallocated with zeros and synced first (the size no longer changes, so fdatasync writes data only).
Prints p50/p99/p99.9/max in microseconds.

usage: bench/scripts/fsync-probe.py [DIR] [N] [BYTES]
"""
import os, sys, time

d = sys.argv[1] if len(sys.argv) > 1 else "."
n = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
size = int(sys.argv[3]) if len(sys.argv) > 3 else 16384
buf = os.urandom(size)

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p / 100.0))]

def run(name, prealloc):
    path = os.path.join(d, "fsync-probe-" + name)
    fd = os.open(path, os.O_CREAT | os.O_RDWR | os.O_TRUNC)
    try:
        if prealloc:
            zero = bytes(1 << 20)
            for _ in range((n * size) // len(zero) + 1):
                os.write(fd, zero)
            os.fsync(fd)
            os.lseek(fd, 0, os.SEEK_SET)
        lat = []
        for _ in range(n):
            os.write(fd, buf)
            t = time.perf_counter_ns()
            os.fdatasync(fd)
            lat.append((time.perf_counter_ns() - t) / 1000)
        print(f"{name:28s} p50 {pct(lat,50):7.0f}  p99 {pct(lat,99):7.0f}  p99.9 {pct(lat,99.9):7.0f}  max {max(lat):7.0f} us")
    finally:
        os.close(fd)
        os.unlink(path)

print(f"{n} x {size} B append + fdatasync in {os.path.abspath(d)} (load {os.getloadavg()[0]:.2f})")
run("growing file", False)
run("preallocated, zero-filled", True)
