#!/usr/bin/python3
"""kafka-python (Debian python3-kafka 2.0.2), one scenario per run, in one API-version mode.

Usage: kafka_python_client.py SCENARIO MODE BOOTSTRAP ARG...
MODE is "auto" (kafka-python probes the broker: ApiVersions, then Metadata v0/v1, Fetch v4, ListOffsets v1) or a
pinned version such as "1.0.0" or "2.0.0" (api_version=(1, 0, 0): no ApiVersions request, the old Produce, Fetch
and Metadata versions of that Kafka release). Run by io.ledgerline.it.clients.KafkaPythonTest against Ledgerline
and Apache Kafka. Each scenario checks what it reads (keys, values, headers, timestamps, offsets) and exits
non-zero with the reason on the first mismatch; "OK <scenario>" on stdout when everything matched.
"""
import sys
import time

import kafka
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, NewPartitions, NewTopic
from kafka.errors import NoError, TopicAlreadyExistsError

TIMEOUT_S = 60
# The base timestamp (ms) of every record a scenario writes: timestamps are checked exactly and offsets for
# times find them. An hour ago, whole seconds: inside the default retention (7 days), so the shared broker's
# retention (checked twice a second) leaves the records alone, and not in the future.
BASE_TS = (int(time.time()) - 3600) * 1000


def fail(message):
    print("FAIL " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def versions(mode):
    """kafka-python's api_version argument for MODE (none: probe the broker)."""
    if mode == "auto":
        return {}
    return {"api_version": tuple(int(x) for x in mode.split("."))}


def producer(bootstrap, mode, **extra):
    conf = dict(bootstrap_servers=bootstrap, linger_ms=5, request_timeout_ms=30_000, max_block_ms=TIMEOUT_S * 1000)
    conf.update(versions(mode))
    conf.update(extra)
    return KafkaProducer(**conf)


def consumer(bootstrap, mode, *topics, **extra):
    conf = dict(bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False,
                consumer_timeout_ms=TIMEOUT_S * 1000, request_timeout_ms=40_000, session_timeout_ms=10_000,
                heartbeat_interval_ms=1_000)
    conf.update(versions(mode))
    conf.update(extra)
    return KafkaConsumer(*topics, **conf)


def key(prefix, i):
    return ("%s-k%d" % (prefix, i)).encode()


def value(prefix, i):
    return ("%s-v%d" % (prefix, i)).encode()


def headers(i):
    return [("seq", str(i).encode()), ("src", b"kafka-python")]


def produce_all(p, topic, count, prefix, partition=0, wait=True):
    futures = [p.send(topic, key=key(prefix, i), value=value(prefix, i), partition=partition,
                      timestamp_ms=BASE_TS + i, headers=headers(i)) for i in range(count)]
    p.flush(TIMEOUT_S)
    return [f.get(TIMEOUT_S) for f in futures] if wait else []


def read(c, count):
    records = []
    deadline = time.time() + TIMEOUT_S
    while len(records) < count:
        check(time.time() < deadline, "read %d of %d records within %d s" % (len(records), count, TIMEOUT_S))
        for batch in c.poll(timeout_ms=500).values():
            records.extend(batch)
    return records


def check_records(records, prefix, first, topic, partition=0):
    for n, r in enumerate(records):
        i = first + n
        where = "record %d of %s/%d" % (i, topic, partition)
        check(r.topic == topic and r.partition == partition, "%s: at %s/%d" % (where, r.topic, r.partition))
        check(r.offset == i, "%s: offset %d" % (where, r.offset))
        check(r.key == key(prefix, i), "%s: key %r" % (where, r.key))
        check(r.value == value(prefix, i), "%s: value %r" % (where, r.value))
        check(r.timestamp == BASE_TS + i, "%s: timestamp %d" % (where, r.timestamp))
        check(list(r.headers) == headers(i), "%s: headers %r" % (where, r.headers))


def scenario_produce(mode, bootstrap, topic):
    """acks 0, 1 and all, 20 records each into one partition; read back from the start, in order."""
    for n, acks in enumerate([1, "all", 0]):
        p = producer(bootstrap, mode, acks=acks)
        meta = produce_all(p, topic, 20, "acks%s" % acks)
        if acks != 0:
            check([m.offset for m in meta] == list(range(20 * n, 20 * n + 20)), "acks=%s offsets %r" % (acks, [m.offset for m in meta]))
            check([m.timestamp for m in meta] == [BASE_TS + i for i in range(20)], "acks=%s timestamps %r" % (acks, [m.timestamp for m in meta]))
        else:
            # No response at acks=0: the offset is unknown to the client.
            check([m.offset for m in meta] == [-1] * 20, "acks=0 offsets %r" % [m.offset for m in meta])
        p.close(TIMEOUT_S)
    c = consumer(bootstrap, mode)
    tp = TopicPartition(topic, 0)
    c.assign([tp])
    c.seek_to_beginning(tp)
    records = read(c, 60)
    for n, acks in enumerate([1, "all", 0]):
        chunk = records[20 * n:20 * n + 20]
        check([r.offset for r in chunk] == list(range(20 * n, 20 * n + 20)), "offsets %r" % [r.offset for r in chunk])
        for i, r in enumerate(chunk):
            check(r.key == key("acks%s" % acks, i) and r.value == value("acks%s" % acks, i), "acks=%s record %d: %r" % (acks, i, r))
            check(r.timestamp == BASE_TS + i and list(r.headers) == headers(i), "acks=%s record %d: %r" % (acks, i, r))
    end = c.end_offsets([tp])[tp]
    check(end == 60, "end offset %d" % end)
    c.close()


def scenario_codecs(mode, bootstrap, prefix):
    """For each codec whose library kafka-python finds (Debian's python3-kafka: gzip only; snappy, lz4 and zstd
    need python3-snappy, python3-lz4, python3-zstandard, and zstd also api_version >= 2.1), 30 records into the
    topic PREFIX-CODEC, read back. Prints "codecs=..." with the codecs it used, for the Java test to check the
    stored batches; at least gzip."""
    from kafka import codec
    available = {"gzip": codec.has_gzip(), "snappy": codec.has_snappy(), "lz4": codec.has_lz4(), "zstd": codec.has_zstd()}
    pinned = versions(mode).get("api_version")
    if pinned is not None and pinned < (2, 1):
        available["zstd"] = False
    used = [c for c in ["gzip", "snappy", "lz4", "zstd"] if available[c]]
    check("gzip" in used, "kafka-python finds no gzip")
    for c in used:
        topic = "%s-%s" % (prefix, c)
        p = producer(bootstrap, mode, acks="all", compression_type=c)
        meta = produce_all(p, topic, 30, c)
        check([m.offset for m in meta] == list(range(30)), "%s offsets %r" % (c, [m.offset for m in meta]))
        p.close(TIMEOUT_S)
        cons = consumer(bootstrap, mode)
        tp = TopicPartition(topic, 0)
        cons.assign([tp])
        cons.seek_to_beginning(tp)
        check_records(read(cons, 30), c, 0, topic)
        cons.close()
    print("codecs=" + ",".join(used))


def scenario_log_append_time(mode, bootstrap, *topics):
    """Topics made with message.timestamp.type=LogAppendTime, named PREFIX-CODEC (none or gzip): 10 records sent
    with timestamps BASE_TS + i come back with the broker's time, in the Produce response (its log_append_time
    field; kafka-python puts it in RecordMetadata.timestamp) and in what the consumer reads (timestamp_type 1)."""
    for topic in topics:
        codec = topic.rsplit("-", 1)[1]
        before = int(time.time() * 1000)
        p = producer(bootstrap, mode, acks="all", compression_type=None if codec == "none" else codec)
        meta = produce_all(p, topic, 10, codec)
        p.close(TIMEOUT_S)
        after = int(time.time() * 1000)
        for m in meta:
            check(before <= m.timestamp <= after, "%s: produce response for offset %d: timestamp %d, sent between %d and %d"
                  % (codec, m.offset, m.timestamp, before, after))
        c = consumer(bootstrap, mode)
        tp = TopicPartition(topic, 0)
        c.assign([tp])
        c.seek_to_beginning(tp)
        records = read(c, 10)
        c.close()
        for i, r in enumerate(records):
            check(r.offset == i and r.key == key(codec, i) and r.value == value(codec, i), "%s: record %d: %r" % (codec, i, r))
            check(r.timestamp_type == 1 and r.timestamp == meta[i].timestamp,
                  "%s: offset %d read with timestamp %d type %d, produce response said %d" % (codec, i, r.timestamp, r.timestamp_type, meta[i].timestamp))


def scenario_group(mode, bootstrap, topic, group):
    """A group member with enable_auto_commit=False reads 2 partitions x 15, commits after 10 of each with
    commit(), checks committed(); a second member resumes there; seek() re-reads from an offset."""
    p = producer(bootstrap, mode, acks="all")
    for part in range(2):
        produce_all(p, topic, 15, "g%d" % part, partition=part)
    p.close(TIMEOUT_S)

    c = consumer(bootstrap, mode, topic, group_id=group)
    got = {0: [], 1: []}
    deadline = time.time() + TIMEOUT_S
    while len(got[0]) < 15 or len(got[1]) < 15:
        check(time.time() < deadline, "first member read %d+%d of 30" % (len(got[0]), len(got[1])))
        for tp, batch in c.poll(timeout_ms=500).items():
            got[tp.partition].extend(batch)
    for part in range(2):
        check_records(got[part], "g%d" % part, 0, topic, part)
    offsets = {TopicPartition(topic, part): kafka.OffsetAndMetadata(10, "") for part in range(2)}
    c.commit(offsets)
    for part in range(2):
        committed = c.committed(TopicPartition(topic, part))
        check(committed == 10, "committed(%d) = %r" % (part, committed))
    c.close()

    c2 = consumer(bootstrap, mode, topic, group_id=group)
    got = {0: [], 1: []}
    deadline = time.time() + TIMEOUT_S
    while len(got[0]) < 5 or len(got[1]) < 5:
        check(time.time() < deadline, "second member read %d+%d of 10" % (len(got[0]), len(got[1])))
        for tp, batch in c2.poll(timeout_ms=500).items():
            got[tp.partition].extend(batch)
    for part in range(2):
        check_records(got[part], "g%d" % part, 10, topic, part)
    tp0 = TopicPartition(topic, 0)
    c2.seek(tp0, 3)
    again = []
    deadline = time.time() + TIMEOUT_S
    while len(again) < 12:
        check(time.time() < deadline, "after seek(3) read %d of 12" % len(again))
        again.extend(c2.poll(timeout_ms=500).get(tp0, []))
    check_records(again, "g0", 3, topic, 0)
    c2.commit()
    for part in range(2):
        committed = c2.committed(TopicPartition(topic, part))
        check(committed == 15, "committed(%d) after commit() = %r" % (part, committed))

    # The group as KafkaAdminClient sees it while the member is in it (ListGroups, DescribeGroups, OffsetFetch).
    a = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=30_000, **versions(mode))
    check((group, "consumer") in a.list_consumer_groups(), "list_consumer_groups lacks %s" % group)
    described = a.describe_consumer_groups([group])
    check(len(described) == 1 and described[0].error_code == 0 and described[0].state == "Stable"
          and described[0].protocol_type == "consumer" and len(described[0].members) == 1, "describe_consumer_groups %r" % described)
    member = described[0].members[0]
    check(member.client_id == "kafka-python-" + kafka.__version__, "member client id %r" % member.client_id)
    check(member.member_metadata.subscription == [topic], "member subscription %r" % member.member_metadata.subscription)
    assigned = sorted(p for t, parts in member.member_assignment.assignment if t == topic for p in parts)
    check(assigned == [0, 1], "member assignment %r" % member.member_assignment.assignment)
    offsets = a.list_consumer_group_offsets(group)
    check({tp.partition: o.offset for tp, o in offsets.items() if tp.topic == topic} == {0: 15, 1: 15},
          "list_consumer_group_offsets %r" % offsets)
    c2.close()
    a.close()


def scenario_offsets_for_times(mode, bootstrap, topic):
    p = producer(bootstrap, mode, acks="all")
    produce_all(p, topic, 20, "oft")
    p.close(TIMEOUT_S)
    c = consumer(bootstrap, mode)
    tp = TopicPartition(topic, 0)
    for target, expected in [(BASE_TS, (0, BASE_TS)), (BASE_TS + 7, (7, BASE_TS + 7)), (BASE_TS + 19, (19, BASE_TS + 19)),
                             (BASE_TS + 20, None), (0, (0, BASE_TS))]:
        found = c.offsets_for_times({tp: target})[tp]
        got = None if found is None else (found.offset, found.timestamp)
        check(got == expected, "offsets_for_times(%d) = %r, expected %r" % (target, got, expected))
    check(c.beginning_offsets([tp])[tp] == 0, "beginning_offsets")
    check(c.end_offsets([tp])[tp] == 20, "end_offsets")
    c.assign([tp])
    c.seek(tp, c.offsets_for_times({tp: BASE_TS + 12})[tp].offset)
    check_records(read(c, 3), "oft", 12, topic)
    c.close()


def scenario_read_transactional(mode, bootstrap, topic):
    """A partition the Java test wrote with a transactional producer: 5 committed records (c0..c4, offsets 0-4,
    commit marker at 5), then 3 aborted ones (a0..a2, offsets 6-8, abort marker at 9). kafka-python has no
    read_committed: it reads every data record, aborted ones included. kafka-python 2.0.2 also hands out the two
    markers as records (it does not skip control batches; Apache Kafka serves the same bytes): the key of a control
    record is its version (0) and type (1 commit, 0 abort), int16 each; the value is version 0 and the
    coordinator epoch."""
    c = consumer(bootstrap, mode)
    tp = TopicPartition(topic, 0)
    c.assign([tp])
    c.seek_to_beginning(tp)
    check(c.end_offsets([tp])[tp] == 10, "end offset %d" % c.end_offsets([tp])[tp])
    records = []
    deadline = time.time() + TIMEOUT_S
    while c.position(tp) < 10:
        check(time.time() < deadline, "position %d of 10 after %d records" % (c.position(tp), len(records)))
        for batch in c.poll(timeout_ms=500).values():
            records.extend(batch)
    data = [(r.offset, r.key, r.value) for r in records if r.offset not in (5, 9)]
    expected = [(i, ("c%d" % i).encode(), b"committed") for i in range(5)] + [(6 + i, ("a%d" % i).encode(), b"aborted") for i in range(3)]
    check(data == expected, "data records %r" % data)
    markers = [(r.offset, r.key, r.value[:2], len(r.value)) for r in records if r.offset in (5, 9)]
    check(markers == [(5, b"\x00\x00\x00\x01", b"\x00\x00", 6), (9, b"\x00\x00\x00\x00", b"\x00\x00", 6)],
          "markers as kafka-python 2.0.2 returns them: %r" % markers)
    c.close()


def scenario_admin(mode, bootstrap, topic):
    """Create (twice: TopicAlreadyExistsError), describe, list, describe and alter configs, create partitions,
    describe the cluster, list and delete a group's offsets, delete the topic."""
    a = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=30_000, **versions(mode))
    a.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1, topic_configs={"retention.ms": "3600000"})])
    try:
        a.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
        fail("creating %s twice succeeded" % topic)
    except TopicAlreadyExistsError:
        pass
    deadline = time.time() + TIMEOUT_S
    while True:
        described = [t for t in a.describe_topics([topic]) if t["topic"] == topic]
        if described and described[0]["error_code"] == 0 and len(described[0]["partitions"]) == 3:
            break
        check(time.time() < deadline, "created topic not described: %r" % described)
        time.sleep(0.2)
    check(topic in a.list_topics(), "created topic not listed")

    def retention():
        described = a.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        entries = {e[0]: e[1] for r in described for res in r.resources for e in res[4]}
        return entries.get("retention.ms")
    check(retention() == "3600000", "retention.ms %r" % retention())
    altered = a.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, configs={"retention.ms": "7200000"})])
    check(all(res[0] == 0 for res in altered.resources), "alter_configs %r" % altered)
    # Apache Kafka applies a config change through its metadata log: describe until it shows (Ledgerline: at once).
    deadline = time.time() + TIMEOUT_S
    while retention() != "7200000":
        check(time.time() < deadline, "retention.ms after alter_configs %r" % retention())
        time.sleep(0.1)

    created = a.create_partitions({topic: NewPartitions(5)})
    check(all(e[1] == 0 for e in created.topic_errors), "create_partitions %r" % created)
    deadline = time.time() + TIMEOUT_S
    while len([t for t in a.describe_topics([topic]) if t["topic"] == topic][0]["partitions"]) != 5:
        check(time.time() < deadline, "topic not grown to 5 partitions")
        time.sleep(0.2)
    cluster = a.describe_cluster()
    check(len(cluster["brokers"]) == 1 and cluster["controller_id"] == cluster["brokers"][0]["node_id"], "describe_cluster %r" % cluster)

    # A group that only committed offsets (no member), then deleted.
    group = topic + "-group"
    c = consumer(bootstrap, mode, group_id=group)
    c.assign([TopicPartition(topic, 0)])
    c.commit({TopicPartition(topic, 0): kafka.OffsetAndMetadata(0, "from kafka-python")})
    c.close()
    offsets = a.list_consumer_group_offsets(group)
    check([(tp.partition, o.offset, o.metadata) for tp, o in offsets.items()] == [(0, 0, "from kafka-python")],
          "list_consumer_group_offsets %r" % offsets)
    deleted = a.delete_consumer_groups([group])
    check(deleted == [(group, NoError)], "delete_consumer_groups %r" % deleted)
    check(group not in [g for g, _ in a.list_consumer_groups()], "deleted group still listed")

    a.delete_topics([topic])
    deadline = time.time() + TIMEOUT_S
    while topic in a.list_topics():
        check(time.time() < deadline, "deleted topic still listed")
        time.sleep(0.2)
    a.close()


SCENARIOS = {
    "produce": scenario_produce,
    "codecs": scenario_codecs,
    "log-append-time": scenario_log_append_time,
    "group": scenario_group,
    "offsets-for-times": scenario_offsets_for_times,
    "read-transactional": scenario_read_transactional,
    "admin": scenario_admin,
}

if __name__ == "__main__":
    if sys.argv[1:] == ["scenarios"]:
        print("\n".join(SCENARIOS))
        sys.exit(0)
    if len(sys.argv) < 4 or sys.argv[1] not in SCENARIOS:
        fail("usage: %s {%s} auto|X.Y.Z BOOTSTRAP ARG..." % (sys.argv[0], "|".join(SCENARIOS)))
    print("kafka-python %s" % kafka.__version__, file=sys.stderr)
    print("base-ts=%d" % BASE_TS)
    SCENARIOS[sys.argv[1]](*sys.argv[2:])
    print("OK " + sys.argv[1])
