#!/usr/bin/env python3
"""Summarize a JFR recording's CPU samples: hottest methods (top frame), hottest Ledgerline/Kafka frames
(first frame of the project's own code on the stack) and samples per thread.

usage: bench/scripts/jfr-hot.py RECORDING.jfr [N]
Needs the JDK's `jfr` tool on PATH (it is in $JAVA_HOME/bin).
"""
import collections, re, subprocess, sys

path = sys.argv[1]
top_n = int(sys.argv[2]) if len(sys.argv) > 2 else 15
text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "64", path],
                      check=True, capture_output=True, text=True).stdout

top = collections.Counter()
own = collections.Counter()
threads = collections.Counter()
total = 0
for event in text.split("jdk.ExecutionSample")[1:]:
    m = re.search(r'sampledThread = "([^"]*)"', event)
    thread = re.sub(r"-?\d+$", "-N", m.group(1)) if m else "?"
    frames = re.findall(r"^\s+([\w$.<>]+\(.*?\))\s+line:", event, re.M)
    if not frames:
        continue
    total += 1
    threads[thread] += 1
    top[re.sub(r"\(.*", "", frames[0])] += 1
    for f in frames:
        if f.startswith(("io.ledgerline.", "kafka.", "org.apache.kafka.storage", "org.apache.kafka.server")):
            own[re.sub(r"\(.*", "", f)] += 1
            break

def show(title, counter):
    print(f"\n{title} ({total} samples)")
    for name, n in counter.most_common(top_n):
        print(f"  {100.0 * n / total:5.1f}%  {name}")

show("top frames (self time)", top)
show("first broker frame on the stack", own)
show("samples by thread", threads)
