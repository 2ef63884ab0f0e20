#!/usr/bin/python3
"""librdkafka through confluent-kafka-python (Debian python3-confluent-kafka), one scenario per run.

Usage: confluent_kafka_client.py SCENARIO BOOTSTRAP ARG...
Run by io.ledgerline.it.clients.ConfluentKafkaPythonTest against Ledgerline and Apache Kafka. Each scenario
checks what it reads (keys, values, headers, timestamps, offsets) and exits non-zero with the reason on the
first mismatch; "OK <scenario>" on stdout, then any facts the Java test cross-checks, one "key=value" a line.
"""
import sys
import time

from confluent_kafka import (Consumer, KafkaError, OFFSET_BEGINNING, Producer, TIMESTAMP_LOG_APPEND_TIME, TopicPartition,
                             libversion, version)
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic

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


def producer(bootstrap, **extra):
    conf = {"bootstrap.servers": bootstrap, "linger.ms": 5, "message.timeout.ms": TIMEOUT_S * 1000}
    conf.update(extra)
    return Producer(conf)


def consumer(bootstrap, group, **extra):
    conf = {"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
            "enable.auto.commit": False, "session.timeout.ms": 6000,
            # librdkafka checks the CRC of every batch the broker serves.
            "check.crcs": True}
    conf.update(extra)
    return Consumer(conf)


def produce_all(p, topic, count, prefix, partition=0):
    """Produces count records with keys, values, a header and a timestamp each; returns the delivered ones."""
    delivered = []

    def on_delivery(err, msg):
        if err is not None:
            fail("delivery to %s failed: %s" % (topic, err))
        delivered.append(msg)

    for i in range(count):
        p.produce(topic, key=("%s-k%d" % (prefix, i)).encode(), value=("%s-v%d" % (prefix, i)).encode(),
                  partition=partition, timestamp=BASE_TS + i, headers=[("seq", str(i).encode()), ("src", b"rdkafka")],
                  on_delivery=on_delivery)
        p.poll(0)
    remaining = p.flush(TIMEOUT_S)
    check(remaining == 0, "%d records not delivered within %d s" % (remaining, TIMEOUT_S))
    check(len(delivered) == count, "delivered %d of %d" % (len(delivered), count))
    return delivered


def read(c, count):
    """Polls until count records arrived; fails on an error or after TIMEOUT_S."""
    records = []
    deadline = time.time() + TIMEOUT_S
    while len(records) < count:
        check(time.time() < deadline, "read %d of %d records within %d s" % (len(records), count, TIMEOUT_S))
        msg = c.poll(0.5)
        if msg is None:
            continue
        if msg.error():
            if msg.error().code() == KafkaError._PARTITION_EOF:
                continue
            fail("consumer error: %s" % msg.error())
        records.append(msg)
    return records


def check_records(records, prefix, first, topic, partition=0):
    for n, msg in enumerate(records):
        i = first + n
        where = "record %d of %s" % (i, topic)
        check(msg.topic() == topic and msg.partition() == partition, "%s: topic/partition %s/%s" % (where, msg.topic(), msg.partition()))
        check(msg.offset() == i, "%s: offset %d" % (where, msg.offset()))
        check(msg.key() == ("%s-k%d" % (prefix, i)).encode(), "%s: key %r" % (where, msg.key()))
        check(msg.value() == ("%s-v%d" % (prefix, i)).encode(), "%s: value %r" % (where, msg.value()))
        check(msg.headers() == [("seq", str(i).encode()), ("src", b"rdkafka")], "%s: headers %r" % (where, msg.headers()))
        ts_type, ts = msg.timestamp()
        check(ts == BASE_TS + i, "%s: timestamp %d, expected %d (type %d)" % (where, ts, BASE_TS + i, ts_type))


def scenario_codecs(bootstrap, *topics):
    """One topic per codec, named after it (prefix-gzip, ...): produce 50 compressed records, read them back."""
    for topic in topics:
        codec = topic.rsplit("-", 1)[1]
        p = producer(bootstrap, **{"compression.codec": codec})
        delivered = produce_all(p, topic, 50, codec)
        check([m.offset() for m in delivered] == list(range(50)), "%s: offsets %r" % (codec, [m.offset() for m in delivered]))
        c = consumer(bootstrap, "codecs-" + topic)
        c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
        check_records(read(c, 50), codec, 0, topic)
        c.close()


def scenario_log_append_time(bootstrap, *topics):
    """Topics made with message.timestamp.type=LogAppendTime, named PREFIX-CODEC: 20 records stamped BASE_TS + i
    by the producer come back stamped by the broker (type LogAppendTime, one time per batch, between the send and
    the delivery), compressed batches included, with valid CRCs."""
    for topic in topics:
        codec = topic.rsplit("-", 1)[1]
        before = int(time.time() * 1000)
        delivered = produce_all(producer(bootstrap, **{"compression.codec": codec, "linger.ms": 50}), topic, 20, codec)
        after = int(time.time() * 1000)
        for m in delivered:
            ts_type, ts = m.timestamp()
            check(ts_type == TIMESTAMP_LOG_APPEND_TIME and before <= ts <= after,
                  "%s: delivery report of offset %d: timestamp %d type %d, sent between %d and %d" % (codec, m.offset(), ts, ts_type, before, after))
        c = consumer(bootstrap, "lat-" + topic)
        c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
        got = read(c, 20)
        c.close()
        for i, m in enumerate(got):
            ts_type, ts = m.timestamp()
            check(m.offset() == i and m.key() == ("%s-k%d" % (codec, i)).encode() and m.value() == ("%s-v%d" % (codec, i)).encode(),
                  "%s: record %d: %r" % (codec, i, (m.offset(), m.key(), m.value())))
            check(ts_type == TIMESTAMP_LOG_APPEND_TIME and before <= ts <= after,
                  "%s: offset %d timestamp %d type %d, sent between %d and %d" % (codec, i, ts, ts_type, before, after))
            check(ts == delivered[i].timestamp()[1], "%s: offset %d read with %d, delivered with %d" % (codec, i, ts, delivered[i].timestamp()[1]))


def scenario_idempotent(bootstrap, topic):
    p = producer(bootstrap, **{"enable.idempotence": True, "acks": "all", "max.in.flight.requests.per.connection": 5})
    delivered = produce_all(p, topic, 200, "idem")
    check(sorted(m.offset() for m in delivered) == list(range(200)), "offsets not 0..199")
    c = consumer(bootstrap, "idem-" + topic)
    c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    check_records(read(c, 200), "idem", 0, topic)
    c.close()


def scenario_transactions(bootstrap, input_topic, output_topic, group, transactional_id):
    """Consume-transform-produce: input 0..9 read in a group, written to output in a committed transaction with
    the group's offsets (send_offsets_to_transaction); a second transaction is aborted. read_committed sees only
    the committed records; the group's committed offset is the one sent in the committed transaction."""
    produce_all(producer(bootstrap), input_topic, 10, "in")
    c = consumer(bootstrap, group, **{"isolation.level": "read_committed"})
    c.subscribe([input_topic])
    inputs = read(c, 10)
    check_records(inputs, "in", 0, input_topic)

    p = producer(bootstrap, **{"transactional.id": transactional_id, "enable.idempotence": True})
    p.init_transactions(TIMEOUT_S)
    p.begin_transaction()
    for m in inputs[:6]:
        p.produce(output_topic, key=m.key(), value=m.value().upper(), partition=0, timestamp=m.timestamp()[1],
                  headers=[("from-offset", str(m.offset()).encode())])
    p.send_offsets_to_transaction([TopicPartition(input_topic, 0, 6)], c.consumer_group_metadata(), TIMEOUT_S)
    p.commit_transaction(TIMEOUT_S)

    p.begin_transaction()
    for m in inputs[6:]:
        p.produce(output_topic, key=m.key(), value=b"aborted", partition=0)
    p.send_offsets_to_transaction([TopicPartition(input_topic, 0, 10)], c.consumer_group_metadata(), TIMEOUT_S)
    p.flush(TIMEOUT_S)
    p.abort_transaction(TIMEOUT_S)

    committed = c.committed([TopicPartition(input_topic, 0)], TIMEOUT_S)
    check(committed[0].offset == 6, "group offset after commit and abort: %s" % committed[0])
    c.close()

    rc = consumer(bootstrap, group + "-reader", **{"isolation.level": "read_committed", "enable.partition.eof": True})
    rc.assign([TopicPartition(output_topic, 0, OFFSET_BEGINNING)])
    out = []
    deadline = time.time() + TIMEOUT_S
    while True:
        check(time.time() < deadline, "read_committed did not reach the end of %s: %d records" % (output_topic, len(out)))
        msg = rc.poll(0.5)
        if msg is None:
            continue
        if msg.error():
            if msg.error().code() == KafkaError._PARTITION_EOF:
                break
            fail("consumer error: %s" % msg.error())
        out.append(msg)
    check([m.value() for m in out] == [("IN-V%d" % i).encode() for i in range(6)], "read_committed values %r" % [m.value() for m in out])
    check([m.key() for m in out] == [("in-k%d" % i).encode() for i in range(6)], "keys %r" % [m.key() for m in out])
    check([m.headers() for m in out] == [[("from-offset", str(i).encode())] for i in range(6)], "headers")
    check([m.timestamp()[1] for m in out] == [BASE_TS + i for i in range(6)], "timestamps")
    # Offsets: 6 records then the commit marker (6), the aborted 4 (7..10), the abort marker (11).
    check([m.offset() for m in out] == list(range(6)), "offsets %r" % [m.offset() for m in out])
    lo, hi = rc.get_watermark_offsets(TopicPartition(output_topic, 0), TIMEOUT_S)
    check((lo, hi) == (0, 12), "watermarks after a commit and an abort: %r" % ((lo, hi),))
    rc.close()


def scenario_group(bootstrap, topic, group):
    """Manual commit in a group: read 30 of 3 partitions x 20, commit, close; a new member resumes after them."""
    p = producer(bootstrap)
    for part in range(3):
        produce_all(p, topic, 20, "g%d" % part, partition=part)
    c = consumer(bootstrap, group)
    c.subscribe([topic])
    first = read(c, 30)
    by_partition = {}
    for m in first:
        by_partition[m.partition()] = m.offset() + 1
    c.commit(offsets=[TopicPartition(topic, part, off) for part, off in by_partition.items()], asynchronous=False)
    committed = c.committed([TopicPartition(topic, part) for part in range(3)], TIMEOUT_S)
    check({tp.partition: tp.offset for tp in committed if tp.offset >= 0} == by_partition,
          "committed %r, expected %r" % ([(tp.partition, tp.offset) for tp in committed], by_partition))
    c.close()

    c2 = consumer(bootstrap, group)
    c2.subscribe([topic])
    rest = read(c2, 60 - len(first))
    seen = {}
    for m in first + rest:
        seen.setdefault(m.partition(), []).append(m.offset())
    for part in range(3):
        check(sorted(seen.get(part, [])) == list(range(20)), "partition %d read %r" % (part, seen.get(part)))
    for m in rest:
        check(m.offset() >= by_partition.get(m.partition(), 0), "re-read %d/%d below the commit" % (m.partition(), m.offset()))
        i = m.offset()
        check(m.value() == ("g%d-v%d" % (m.partition(), i)).encode(), "value %r" % m.value())
    c2.commit(asynchronous=False)
    final = c2.committed([TopicPartition(topic, part) for part in range(3)], TIMEOUT_S)
    check([tp.offset for tp in final] == [20, 20, 20], "final committed %r" % final)

    # The group as the AdminClient sees it (ListGroups, DescribeGroups): one member while c2 is in it, none after.
    a = AdminClient({"bootstrap.servers": bootstrap})
    groups = a.list_groups(group, timeout=TIMEOUT_S)
    check(len(groups) == 1 and groups[0].error is None and groups[0].state == "Stable" and groups[0].protocol_type == "consumer"
          and groups[0].protocol == "range" and len(groups[0].members) == 1, "list_groups while a member is in: %r" % groups)
    check(groups[0].members[0].client_id == "rdkafka", "member client id %r" % groups[0].members[0].client_id)
    c2.close()
    groups = a.list_groups(group, timeout=TIMEOUT_S)
    check(len(groups) == 1 and groups[0].state == "Empty" and groups[0].members == [], "list_groups after close: %r" % groups)
    print("committed=" + ",".join(str(tp.offset) for tp in final))


def scenario_cooperative(bootstrap, topic, group):
    """Two static members (group.instance.id) with the cooperative-sticky assignor on 4 partitions: the first
    reads 4 x 25 and commits; the second joins and the partitions split 2 + 2 with nothing re-read; 4 x 25 more
    are read once each by the member that owns the partition; both commit, the group's offsets are 50."""
    p = producer(bootstrap)
    for part in range(4):
        produce_all(p, topic, 25, "c%d" % part, partition=part)

    def member(n):
        return consumer(bootstrap, group, **{"partition.assignment.strategy": "cooperative-sticky",
                                             "group.instance.id": "%s-member-%d" % (group, n)})

    def owned(c):
        return sorted(tp.partition for tp in c.assignment())

    c1 = member(1)
    c1.subscribe([topic])
    first = read(c1, 100)
    check(sorted((m.partition(), m.offset()) for m in first) == [(part, i) for part in range(4) for i in range(25)],
          "first member read %r" % sorted((m.partition(), m.offset()) for m in first))
    check(owned(c1) == [0, 1, 2, 3], "first member owns %r" % owned(c1))
    c1.commit(asynchronous=False)

    c2 = member(2)
    c2.subscribe([topic])
    deadline = time.time() + TIMEOUT_S
    while not (len(owned(c1)) == 2 and len(owned(c2)) == 2 and sorted(owned(c1) + owned(c2)) == [0, 1, 2, 3]):
        check(time.time() < deadline, "no 2 + 2 split: %r and %r" % (owned(c1), owned(c2)))
        for c in (c1, c2):
            msg = c.poll(0.2)
            if msg is not None and not (msg.error() is not None and msg.error().code() == KafkaError._PARTITION_EOF):
                fail("read during the rebalance: %s" % (msg.error() if msg.error() else (msg.partition(), msg.offset())))
    mine = {1: owned(c1), 2: owned(c2)}

    for part in range(4):
        produce_all(p, topic, 25, "c%d" % part, partition=part)
    got = {1: [], 2: []}
    deadline = time.time() + TIMEOUT_S
    while len(got[1]) + len(got[2]) < 100:
        check(time.time() < deadline, "read %d + %d of 100 after the split" % (len(got[1]), len(got[2])))
        for n, c in ((1, c1), (2, c2)):
            msg = c.poll(0.2)
            if msg is None or (msg.error() is not None and msg.error().code() == KafkaError._PARTITION_EOF):
                continue
            check(msg.error() is None, "consumer error: %s" % msg.error())
            got[n].append(msg)
    for n in (1, 2):
        check(sorted((m.partition(), m.offset()) for m in got[n]) == [(part, 25 + i) for part in mine[n] for i in range(25)],
              "member %d (owns %r) read %r" % (n, mine[n], sorted((m.partition(), m.offset()) for m in got[n])))
        for m in got[n]:
            check(m.key() == ("c%d-k%d" % (m.partition(), m.offset() - 25)).encode(), "key %r at %d/%d" % (m.key(), m.partition(), m.offset()))
    c1.commit(asynchronous=False)
    c2.commit(asynchronous=False)
    committed = c1.committed([TopicPartition(topic, part) for part in range(4)], TIMEOUT_S)
    check([tp.offset for tp in committed] == [50] * 4, "committed %r" % committed)
    c2.close()
    c1.close()
    print("split=%s|%s" % (",".join(map(str, mine[1])), ",".join(map(str, mine[2]))))


def scenario_large(bootstrap, topic):
    """Records larger than the consumer's fetch limits are still served whole (at least one batch per fetch, KIP-74):
    3 records of 600 KB read with fetch.max.bytes and max.partition.fetch.bytes at 1000. A 2 MB record, over the
    topic's max.message.bytes (Kafka's default 1048588), is refused by the broker: MSG_SIZE_TOO_LARGE."""
    p = producer(bootstrap, **{"message.max.bytes": 4_000_000, "compression.codec": "none"})
    sizes = [600_000, 600_001, 600_002]
    for i, size in enumerate(sizes):
        p.produce(topic, key=("big-%d" % i).encode(), value=bytes([i + 1]) * size, partition=0, timestamp=BASE_TS + i)
    check(p.flush(TIMEOUT_S) == 0, "large records not delivered")
    # librdkafka wants fetch.max.bytes >= message.max.bytes; receive.message.max.bytes bounds the whole response.
    c = consumer(bootstrap, "large-" + topic, **{"fetch.max.bytes": 1000, "max.partition.fetch.bytes": 1000,
                                                 "message.max.bytes": 1000, "receive.message.max.bytes": 2_000_000})
    c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    got = read(c, 3)
    check([(m.offset(), m.key(), len(m.value()), m.value()[:1], m.timestamp()[1]) for m in got]
          == [(i, ("big-%d" % i).encode(), sizes[i], bytes([i + 1]), BASE_TS + i) for i in range(3)],
          "large records %r" % [(m.offset(), m.key(), len(m.value())) for m in got])
    check(all(m.value() == bytes([i + 1]) * sizes[i] for i, m in enumerate(got)), "large record contents differ")
    c.close()

    errors = []
    p.produce(topic, key=b"too-big", value=b"x" * 2_000_000, partition=0, on_delivery=lambda err, msg: errors.append(err))
    p.flush(TIMEOUT_S)
    check(len(errors) == 1 and errors[0] is not None and errors[0].code() == KafkaError.MSG_SIZE_TOO_LARGE,
          "2 MB record: %r" % errors)
    lo, hi = c_watermarks(bootstrap, topic)
    check((lo, hi) == (0, 3), "watermarks after the refused record %r" % ((lo, hi),))


def c_watermarks(bootstrap, topic):
    c = consumer(bootstrap, "wm-" + topic)
    try:
        return c.get_watermark_offsets(TopicPartition(topic, 0), TIMEOUT_S)
    finally:
        c.close()


def scenario_seek(bootstrap, topic):
    produce_all(producer(bootstrap), topic, 20, "seek")
    c = consumer(bootstrap, "seek-" + topic)
    c.assign([TopicPartition(topic, 0, 0)])
    check_records(read(c, 5), "seek", 0, topic)
    c.seek(TopicPartition(topic, 0, 15))
    check_records(read(c, 5), "seek", 15, topic)
    c.seek(TopicPartition(topic, 0, 3))
    check_records(read(c, 2), "seek", 3, topic)
    pos = c.position([TopicPartition(topic, 0)])
    check(pos[0].offset == 5, "position after reading 3 and 4: %s" % pos[0])
    c.close()


def scenario_offsets_for_times(bootstrap, topic):
    produce_all(producer(bootstrap), topic, 20, "oft")
    c = consumer(bootstrap, "oft-" + topic)
    for target, expected in [(BASE_TS, 0), (BASE_TS + 7, 7), (BASE_TS + 19, 19), (BASE_TS + 20, -1), (0, 0)]:
        found = c.offsets_for_times([TopicPartition(topic, 0, target)], TIMEOUT_S)
        check(found[0].error is None, "offsets_for_times(%d): %s" % (target, found[0].error))
        check(found[0].offset == expected, "offsets_for_times(%d) = %d, expected %d" % (target, found[0].offset, expected))
    found = c.offsets_for_times([TopicPartition(topic, 0, BASE_TS + 12)], TIMEOUT_S)
    c.assign(found)
    check_records(read(c, 3), "oft", 12, topic)
    c.close()


def scenario_watermarks(bootstrap, topic):
    produce_all(producer(bootstrap), topic, 17, "wm")
    c = consumer(bootstrap, "wm-" + topic)
    lo, hi = c.get_watermark_offsets(TopicPartition(topic, 0), TIMEOUT_S)
    check((lo, hi) == (0, 17), "watermarks %r" % ((lo, hi),))
    c.close()
    print("watermarks=%d,%d" % (lo, hi))


def scenario_metadata(bootstrap, topic):
    """The topic (3 partitions, made by the test) with its leaders, and the one broker, from Metadata."""
    c = consumer(bootstrap, "md-" + topic)
    md = c.list_topics(timeout=TIMEOUT_S)
    check(topic in md.topics, "topic %s not in metadata %r" % (topic, list(md.topics)))
    t = md.topics[topic]
    check(t.error is None, "topic error %s" % t.error)
    check(sorted(t.partitions) == [0, 1, 2], "partitions %r" % list(t.partitions))
    check(len(md.brokers) == 1, "brokers %r" % md.brokers)
    broker = list(md.brokers.values())[0]
    for p in t.partitions.values():
        check(p.leader == broker.id and p.replicas == [broker.id] and p.isrs == [broker.id],
              "partition %d leader %d replicas %r isrs %r" % (p.id, p.leader, p.replicas, p.isrs))
    one = c.list_topics(topic, timeout=TIMEOUT_S)
    check(list(one.topics) == [topic], "metadata for one topic: %r" % list(one.topics))
    c.close()
    print("broker=%s:%d" % (broker.host, broker.port))


def scenario_admin(bootstrap, topic):
    """Create (3 partitions, retention.ms), describe (metadata and configs), alter a config, add partitions,
    describe the broker's configs, delete."""
    a = AdminClient({"bootstrap.servers": bootstrap})
    futures = a.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1, config={"retention.ms": "3600000"})],
                              operation_timeout=TIMEOUT_S)
    futures[topic].result(TIMEOUT_S)
    again = a.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])[topic]
    try:
        again.result(TIMEOUT_S)
        fail("creating %s twice succeeded" % topic)
    except Exception as e:
        check(e.args[0].code() == KafkaError.TOPIC_ALREADY_EXISTS, "second create: %s" % e)
    deadline = time.time() + TIMEOUT_S
    while True:
        md = a.list_topics(topic, timeout=TIMEOUT_S)
        t = md.topics.get(topic)
        if t is not None and t.error is None and len(t.partitions) == 3 and all(p.leader >= 0 for p in t.partitions.values()):
            break
        check(time.time() < deadline, "created topic %s has no leaders: %r" % (topic, t))
        time.sleep(0.2)

    resource = ConfigResource("topic", topic)
    configs = a.describe_configs([resource])[resource].result(TIMEOUT_S)
    check(configs["retention.ms"].value == "3600000", "retention.ms %s" % configs["retention.ms"])
    check(configs["cleanup.policy"].value == "delete", "cleanup.policy %s" % configs["cleanup.policy"])

    resource = ConfigResource("topic", topic, set_config={"retention.ms": "7200000"})
    a.alter_configs([resource])[resource].result(TIMEOUT_S)
    # Apache Kafka applies a config change through its metadata log: describe until it shows (Ledgerline: at once).
    resource = ConfigResource("topic", topic)
    deadline = time.time() + TIMEOUT_S
    while True:
        configs = a.describe_configs([resource])[resource].result(TIMEOUT_S)
        if configs["retention.ms"].value == "7200000":
            break
        check(time.time() < deadline, "retention.ms after alter %s" % configs["retention.ms"])
        time.sleep(0.1)

    a.create_partitions([NewPartitions(topic, 5)], operation_timeout=TIMEOUT_S)[topic].result(TIMEOUT_S)
    deadline = time.time() + TIMEOUT_S
    while len(a.list_topics(topic, timeout=TIMEOUT_S).topics[topic].partitions) != 5:
        check(time.time() < deadline, "%s not grown to 5 partitions" % topic)
        time.sleep(0.2)

    # The broker's own configs: the shared broker runs with auto.create.topics.enable=false.
    broker = ConfigResource("broker", str(list(md.brokers)[0]))
    configs = a.describe_configs([broker])[broker].result(TIMEOUT_S)
    check(configs["auto.create.topics.enable"].value == "false", "broker auto.create.topics.enable %s" % configs.get("auto.create.topics.enable"))

    a.delete_topics([topic], operation_timeout=TIMEOUT_S)[topic].result(TIMEOUT_S)
    deadline = time.time() + TIMEOUT_S
    while topic in a.list_topics(timeout=TIMEOUT_S).topics:
        check(time.time() < deadline, "deleted topic %s still listed" % topic)
        time.sleep(0.2)


SCENARIOS = {
    "codecs": scenario_codecs,
    "log-append-time": scenario_log_append_time,
    "idempotent": scenario_idempotent,
    "large": scenario_large,
    "transactions": scenario_transactions,
    "group": scenario_group,
    "cooperative": scenario_cooperative,
    "seek": scenario_seek,
    "offsets-for-times": scenario_offsets_for_times,
    "watermarks": scenario_watermarks,
    "metadata": scenario_metadata,
    "admin": scenario_admin,
}

if __name__ == "__main__":
    if sys.argv[1:] == ["scenarios"]:
        print("\n".join(SCENARIOS))
        sys.exit(0)
    if len(sys.argv) < 3 or sys.argv[1] not in SCENARIOS:
        fail("usage: %s {%s} BOOTSTRAP ARG..." % (sys.argv[0], "|".join(SCENARIOS)))
    print("confluent-kafka %s, librdkafka %s" % (version()[0], libversion()[0]), file=sys.stderr)
    print("base-ts=%d" % BASE_TS)
    SCENARIOS[sys.argv[1]](*sys.argv[2:])
    print("OK " + sys.argv[1])
