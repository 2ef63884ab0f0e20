'use strict';
/*
 * kafkajs 2.2.4 (package-lock.json), one scenario per run.
 *
 * Usage: node kafkajs_client.js SCENARIO BOOTSTRAP ARG...
 * Run by io.ledgerline.it.clients.KafkaJsTest against Ledgerline and Apache Kafka. Each scenario checks what it
 * reads (keys, values, headers, timestamps, offsets) and exits non-zero with the reason on the first mismatch;
 * "OK <scenario>" on stdout when everything matched.
 */
const { Kafka, CompressionTypes, ConfigResourceTypes, logLevel } = require('kafkajs');

const TIMEOUT_MS = 60_000;
// The base timestamp (ms) of every record a scenario writes: timestamps are checked exactly and offsets for
// times find them. An hour ago, whole seconds: inside the default retention (7 days), so the shared broker's
// retention (checked twice a second) leaves the records alone, and not in the future.
const BASE_TS = (Math.floor(Date.now() / 1000) - 3600) * 1000;

function fail(message) {
  const error = new Error(message);
  error.scenarioFailure = true;
  throw error;
}

function check(condition, message) {
  if (!condition) fail(message);
}

function kafka(bootstrap) {
  return new Kafka({
    clientId: 'ledgerline-it-kafkajs',
    brokers: [bootstrap],
    logLevel: logLevel.WARN,
    connectionTimeout: 10_000,
    requestTimeout: 30_000,
    retry: { retries: 10 },
  });
}

const key = (prefix, i) => `${prefix}-k${i}`;
const value = (prefix, i) => `${prefix}-v${i}`;

function messages(prefix, count, partition) {
  return Array.from({ length: count }, (_, i) => ({
    key: key(prefix, i), value: value(prefix, i), partition, timestamp: String(BASE_TS + i),
    headers: { seq: String(i), src: 'kafkajs' },
  }));
}

/** Checks one consumed message against what messages(prefix, ...) produced as its i-th. */
function checkMessage(where, message, prefix, i) {
  check(message.key.toString() === key(prefix, i), `${where}: key ${message.key}`);
  check(message.value.toString() === value(prefix, i), `${where}: value ${message.value}`);
  check(message.timestamp === String(BASE_TS + i), `${where}: timestamp ${message.timestamp}`);
  const headers = Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, v.toString()]));
  check(JSON.stringify(headers) === JSON.stringify({ seq: String(i), src: 'kafkajs' }), `${where}: headers ${JSON.stringify(headers)}`);
}

function withTimeout(promise, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS); }),
  ]);
}

/** An idempotent GZIP producer writes 2 partitions x 50; offsets come back dense from 0. */
async function produce(bootstrap, topic) {
  const producer = kafka(bootstrap).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (const partition of [0, 1]) {
    const sent = await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages: messages(`p${partition}`, 50, partition) });
    check(sent.length === 1 && sent[0].partition === partition && sent[0].errorCode === 0 && sent[0].baseOffset === '0',
      `send to partition ${partition}: ${JSON.stringify(sent)}`);
  }
  await producer.disconnect();
  return 50;
}

/** Group consumer with eachMessage and manual commit: every record once, in order per partition; commitOffsets. */
async function consumeEachMessage(bootstrap, topic, group) {
  const perPartition = await produce(bootstrap, topic);
  const consumer = kafka(bootstrap).consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const seen = { 0: [], 1: [] };
  let done;
  const finished = new Promise((resolve) => { done = resolve; });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic: t, partition, message }) => {
      check(t === topic, `topic ${t}`);
      checkMessage(`${t}/${partition}@${message.offset}`, message, `p${partition}`, seen[partition].length);
      check(message.offset === String(seen[partition].length), `${t}/${partition}: offset ${message.offset} after ${seen[partition].length} records`);
      seen[partition].push(message.offset);
      if (seen[0].length === perPartition && seen[1].length === perPartition) done();
    },
  });
  await withTimeout(finished, `eachMessage did not see ${2 * perPartition} records (saw ${seen[0].length}+${seen[1].length})`);
  await consumer.commitOffsets([{ topic, partition: 0, offset: String(perPartition) }, { topic, partition: 1, offset: '20' }]);
  await consumer.disconnect();
  await checkCommitted(bootstrap, group, topic, { 0: String(perPartition), 1: '20' });
}

/** Group consumer with eachBatch, resolveOffset and manual commit of the resolved offsets. */
async function consumeEachBatch(bootstrap, topic, group) {
  const perPartition = await produce(bootstrap, topic);
  const consumer = kafka(bootstrap).consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const seen = { 0: 0, 1: 0 };
  let done;
  const finished = new Promise((resolve) => { done = resolve; });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat }) => {
      for (const message of batch.messages) {
        const i = seen[batch.partition];
        check(message.offset === String(i), `${batch.topic}/${batch.partition}: offset ${message.offset}, expected ${i}`);
        checkMessage(`${batch.topic}/${batch.partition}@${message.offset}`, message, `p${batch.partition}`, i);
        seen[batch.partition] += 1;
        resolveOffset(message.offset);
      }
      check(batch.highWatermark === String(perPartition), `batch high watermark ${batch.highWatermark}`);
      await heartbeat();
      if (seen[0] === perPartition && seen[1] === perPartition) done();
    },
  });
  await withTimeout(finished, `eachBatch did not see ${2 * perPartition} records (saw ${seen[0]}+${seen[1]})`);
  await consumer.commitOffsets([0, 1].map((partition) => ({ topic, partition, offset: String(perPartition) })));
  await consumer.disconnect();
  await checkCommitted(bootstrap, group, topic, { 0: String(perPartition), 1: String(perPartition) });

  // A new member of the group starts at the committed offsets: nothing left to read, so it sees nothing
  // before records produced now, then exactly those.
  const producer = kafka(bootstrap).producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ key: 'after', value: 'commit', partition: 1 }] });
  await producer.disconnect();
  const second = kafka(bootstrap).consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await second.connect();
  await second.subscribe({ topics: [topic], fromBeginning: true });
  let resumed;
  const got = new Promise((resolve) => { resumed = resolve; });
  await second.run({ autoCommit: false, eachMessage: async ({ partition, message }) => resumed({ partition, offset: message.offset, key: message.key.toString() }) });
  const first = await withTimeout(got, 'the second member read nothing');
  check(JSON.stringify(first) === JSON.stringify({ partition: 1, offset: String(perPartition), key: 'after' }), `second member's first record ${JSON.stringify(first)}`);
  await second.disconnect();
}

async function checkCommitted(bootstrap, group, topic, expected) {
  const admin = kafka(bootstrap).admin();
  await admin.connect();
  const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  await admin.disconnect();
  check(offsets.length === 1 && offsets[0].topic === topic, `fetchOffsets topics ${JSON.stringify(offsets)}`);
  const got = Object.fromEntries(offsets[0].partitions.map((p) => [p.partition, p.offset]));
  check(JSON.stringify(got) === JSON.stringify(expected), `fetchOffsets ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
}

/**
 * Admin (topic made here): createTopics, fetchTopicOffsets, fetchTopicOffsetsByTimestamp, deleteTopicRecords; with a
 * group: listGroups, describeGroups, setOffsets, resetOffsets, deleteGroups; describeCluster, describeConfigs,
 * alterConfigs, createPartitions, fetchTopicMetadata, deleteTopics.
 */
async function admin(bootstrap, topic) {
  const a = kafka(bootstrap).admin();
  await a.connect();
  const created = await a.createTopics({ topics: [{ topic, numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '86400000' }] }], waitForLeaders: true });
  check(created === true, `createTopics returned ${created}`);
  const again = await a.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  check(again === false, `createTopics of an existing topic returned ${again}`);
  await a.disconnect();
  await produce(bootstrap, topic);

  const b = kafka(bootstrap).admin();
  await b.connect();
  const sorted = (list) => list.sort((x, y) => x.partition - y.partition);
  let offsets = sorted(await b.fetchTopicOffsets(topic));
  check(JSON.stringify(offsets) === JSON.stringify([0, 1].map((partition) => ({ partition, offset: '50', high: '50', low: '0' }))),
    `fetchTopicOffsets ${JSON.stringify(offsets)}`);
  for (const [ts, expected] of [[BASE_TS + 7, '7'], [BASE_TS, '0'], [BASE_TS + 49, '49']]) {
    const found = sorted(await b.fetchTopicOffsetsByTimestamp(topic, ts));
    check(JSON.stringify(found) === JSON.stringify([{ partition: 0, offset: expected }, { partition: 1, offset: expected }]),
      `fetchTopicOffsetsByTimestamp(${ts}) ${JSON.stringify(found)}`);
  }
  // After the last timestamp: kafkajs answers the end offset (it maps "none" to the latest offset itself).
  const after = sorted(await b.fetchTopicOffsetsByTimestamp(topic, BASE_TS + 1000));
  check(JSON.stringify(after) === JSON.stringify([{ partition: 0, offset: '50' }, { partition: 1, offset: '50' }]),
    `fetchTopicOffsetsByTimestamp(after the last) ${JSON.stringify(after)}`);

  await b.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '30' }, { partition: 1, offset: '-1' }] });
  offsets = sorted(await b.fetchTopicOffsets(topic));
  check(JSON.stringify(offsets) === JSON.stringify([{ partition: 0, offset: '50', high: '50', low: '30' }, { partition: 1, offset: '50', high: '50', low: '50' }]),
    `fetchTopicOffsets after deleteTopicRecords ${JSON.stringify(offsets)}`);
  await b.disconnect();

  // What is left of partition 0 starts at 30.
  const consumer = kafka(bootstrap).consumer({ groupId: `${topic}-after-delete`, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const seen = [];
  let done;
  const finished = new Promise((resolve) => { done = resolve; });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      check(partition === 0, `record from emptied partition ${partition}`);
      checkMessage(`${topic}/0@${message.offset}`, message, 'p0', 30 + seen.length);
      check(message.offset === String(30 + seen.length), `offset ${message.offset}`);
      seen.push(message.offset);
      if (seen.length === 20) done();
    },
  });
  await withTimeout(finished, `read ${seen.length} of the 20 records left`);

  // The group while its member is in it: listGroups, describeGroups.
  const group = `${topic}-after-delete`;
  const c = kafka(bootstrap).admin();
  await c.connect();
  const listed = (await c.listGroups()).groups.filter((g) => g.groupId === group);
  check(JSON.stringify(listed) === JSON.stringify([{ groupId: group, protocolType: 'consumer' }]), `listGroups ${JSON.stringify(listed)}`);
  const described = (await c.describeGroups([group])).groups;
  check(described.length === 1 && described[0].errorCode === 0 && described[0].state === 'Stable' && described[0].protocolType === 'consumer'
    && described[0].members.length === 1 && described[0].members[0].clientId === 'ledgerline-it-kafkajs',
  `describeGroups ${JSON.stringify(described.map(({ members, ...g }) => ({ ...g, members: members.map((m) => m.clientId) })))}`);
  await consumer.disconnect();

  // Offsets of the now empty group: setOffsets, resetOffsets, deleteGroups.
  await c.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '35' }, { partition: 1, offset: '50' }] });
  await checkCommitted(bootstrap, group, topic, { 0: '35', 1: '50' });
  await c.resetOffsets({ groupId: group, topic, earliest: true });
  const reset = Object.fromEntries((await c.fetchOffsets({ groupId: group, topics: [topic] }))[0].partitions.map((p) => [p.partition, p.offset]));
  console.log(`reset-offsets=${reset[0]},${reset[1]}`);
  const deleted = await c.deleteGroups([group]);
  check(JSON.stringify(deleted) === JSON.stringify([{ groupId: group, errorCode: 0 }]), `deleteGroups ${JSON.stringify(deleted)}`);
  check(!(await c.listGroups()).groups.some((g) => g.groupId === group), 'deleted group still listed');

  // Cluster, metadata, configs, partitions.
  const cluster = await c.describeCluster();
  check(cluster.brokers.length === 1 && cluster.controller === cluster.brokers[0].nodeId, `describeCluster ${JSON.stringify(cluster)}`);
  console.log(`cluster-id=${cluster.clusterId}`);
  const retention = async () => {
    const { resources } = await c.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }], includeSynonyms: false });
    check(resources.length === 1 && resources[0].errorCode === 0 && resources[0].configEntries.length === 1, `describeConfigs ${JSON.stringify(resources)}`);
    const { configName, configValue, isDefault } = resources[0].configEntries[0];
    return { configName, configValue, isDefault };
  };
  const before = await retention();
  check(JSON.stringify(before) === JSON.stringify({ configName: 'retention.ms', configValue: '86400000', isDefault: false }), `describeConfigs ${JSON.stringify(before)}`);
  await c.alterConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '172800000' }] }] });
  // Apache Kafka applies a config change through its metadata log: describe until it shows (Ledgerline: at once).
  const deadline = Date.now() + TIMEOUT_MS;
  for (let altered = await retention(); altered.configValue !== '172800000'; altered = await retention()) {
    check(Date.now() < deadline, `describeConfigs after alterConfigs ${JSON.stringify(altered)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await c.createPartitions({ topicPartitions: [{ topic, count: 3 }] });
  const node = cluster.brokers[0].nodeId;
  const threePartitions = JSON.stringify([[0, node, 0], [1, node, 0], [2, node, 0]]);
  for (;;) {
    const { topics } = await c.fetchTopicMetadata({ topics: [topic] });
    const leaders = JSON.stringify(topics[0].partitions.map((p) => [p.partitionId, p.leader, p.partitionErrorCode]).sort((x, y) => x[0] - y[0]));
    if (leaders === threePartitions) break;
    check(Date.now() < deadline, `fetchTopicMetadata after createPartitions ${JSON.stringify(topics)}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  // deleteTopics, on a topic made for it.
  const doomed = `${topic}-deleted`;
  await c.createTopics({ topics: [{ topic: doomed }], waitForLeaders: true });
  check((await c.listTopics()).includes(doomed), `${doomed} not listed`);
  await c.deleteTopics({ topics: [doomed] });
  while ((await c.listTopics()).includes(doomed)) {
    check(Date.now() < deadline, `${doomed} still listed after deleteTopics`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await c.disconnect();
}

/** Transactional producer: a consume-transform-produce step whose offsets go in with sendOffsets. */
async function transactions(bootstrap, input, output, group, transactionalId) {
  const client = kafka(bootstrap);
  const plain = client.producer();
  await plain.connect();
  await plain.send({ topic: input, messages: messages('in', 10, 0) });
  await plain.disconnect();

  const producer = client.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let txn = await producer.transaction();
  await txn.send({ topic: output, messages: Array.from({ length: 6 }, (_, i) => ({ ...messages('in', 10, 0)[i], value: value('in', i).toUpperCase() })) });
  await txn.sendOffsets({ consumerGroupId: group, topics: [{ topic: input, partitions: [{ partition: 0, offset: '6' }] }] });
  await txn.commit();
  txn = await producer.transaction();
  await txn.send({ topic: output, messages: [{ key: 'aborted', value: 'aborted', partition: 0 }] });
  await txn.sendOffsets({ consumerGroupId: group, topics: [{ topic: input, partitions: [{ partition: 0, offset: '10' }] }] });
  await txn.abort();
  await producer.disconnect();

  await checkCommitted(bootstrap, group, input, { 0: '6' });
  const a = client.admin();
  await a.connect();
  const end = await a.fetchTopicOffsets(output);
  await a.disconnect();
  // 6 records, the commit marker, 1 aborted record, the abort marker.
  check(JSON.stringify(end) === JSON.stringify([{ partition: 0, offset: '9', high: '9', low: '0' }]), `output offsets ${JSON.stringify(end)}`);

  const consumer = client.consumer({ groupId: `${group}-reader`, readUncommitted: false, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  await consumer.subscribe({ topics: [output], fromBeginning: true });
  const seen = [];
  let done;
  const finished = new Promise((resolve) => { done = resolve; });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        check(message.key.toString() !== 'aborted', 'read_committed consumer read the aborted record');
        const i = seen.length;
        check(message.offset === String(i) && message.value.toString() === value('in', i).toUpperCase() && message.key.toString() === key('in', i),
          `committed record ${i}: offset ${message.offset} ${message.key}=${message.value}`);
        seen.push(message.offset);
      }
      if (seen.length === 6 && batch.lastOffset() >= '5') done();
    },
  });
  await withTimeout(finished, `read_committed read ${seen.length} of 6 committed records`);
  await consumer.disconnect();
}

/**
 * Two members of a group on 4 partitions (autoCommit): the first reads 4 x 10; the second joins, the partitions
 * split 2 + 2; 4 x 10 more are read by the member owning each partition, every record at least once, and the
 * group's offsets are 20 per partition once both left (kafkajs commits on rebalance and on disconnect).
 */
async function rebalance(bootstrap, topic, group) {
  const client = kafka(bootstrap);
  const producer = client.producer();
  await producer.connect();
  const produceRound = async (round) => {
    for (const partition of [0, 1, 2, 3]) {
      await producer.send({ topic, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ key: `r${round}-p${partition}-${i}`, value: `${round}`, partition })) });
    }
  };
  await produceRound(0);
  const seen = new Map();
  const owners = { 1: new Set(), 2: new Set() };
  const members = {};
  const start = async (n) => {
    const consumer = client.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 500, rebalanceTimeout: 20_000 });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      owners[n] = new Set((payload.memberAssignment[topic] || []).map(Number));
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const id = `${partition}@${message.offset}`;
        const round = Number(message.value.toString());
        check(message.key.toString() === `r${round}-p${partition}-${Number(message.offset) - 10 * round}`, `key ${message.key} at ${id}`);
        if (!seen.has(id)) seen.set(id, []);
        seen.get(id).push(n);
      },
    });
    members[n] = consumer;
  };
  const waitFor = async (what, condition) => {
    const deadline = Date.now() + TIMEOUT_MS;
    while (!condition()) {
      check(Date.now() < deadline, `${what} within ${TIMEOUT_MS} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await start(1);
  await waitFor(`member 1 reads 40 (read ${seen.size})`, () => seen.size === 40);
  await start(2);
  await waitFor(`a 2 + 2 split (${[...owners[1]]} and ${[...owners[2]]})`,
    () => owners[1].size === 2 && owners[2].size === 2 && [...owners[1], ...owners[2]].sort().join() === '0,1,2,3');
  const split = { 1: [...owners[1]].sort(), 2: [...owners[2]].sort() };
  await produceRound(1);
  await waitFor(`all 80 read (read ${seen.size})`, () => seen.size === 80);
  for (const [id, readers] of seen) {
    const [partition, offset] = id.split('@').map(Number);
    if (offset >= 10) {
      const owner = split[1].includes(partition) ? 1 : 2;
      check(readers.every((n) => n === owner), `${id} read by ${readers}, owned by ${owner}`);
    }
  }
  await members[2].disconnect();
  await members[1].disconnect();
  await producer.disconnect();
  await checkCommitted(bootstrap, group, topic, { 0: '20', 1: '20', 2: '20', 3: '20' });
  console.log(`split=${split[1].join(',')}|${split[2].join(',')}`);
}

/** Records of 300 KB through maxBytes and maxBytesPerPartition of 1000: each comes whole, in order. */
async function large(bootstrap, topic) {
  const client = kafka(bootstrap);
  const producer = client.producer();
  await producer.connect();
  const sizes = [300_000, 300_001, 300_002];
  for (const [i, size] of sizes.entries()) {
    await producer.send({ topic, acks: -1, messages: [{ key: `big-${i}`, value: Buffer.alloc(size, i + 1), partition: 0, timestamp: String(BASE_TS + i) }] });
  }
  await producer.disconnect();
  const consumer = client.consumer({ groupId: `${topic}-reader`, maxBytes: 1000, maxBytesPerPartition: 1000, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const got = [];
  let done;
  const finished = new Promise((resolve) => { done = resolve; });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const i = got.length;
      check(message.offset === String(i) && message.key.toString() === `big-${i}` && message.timestamp === String(BASE_TS + i),
        `record ${i}: offset ${message.offset} key ${message.key} timestamp ${message.timestamp}`);
      check(message.value.length === sizes[i] && message.value.equals(Buffer.alloc(sizes[i], i + 1)), `record ${i}: ${message.value.length} bytes`);
      got.push(message.offset);
      if (got.length === 3) done();
    },
  });
  await withTimeout(finished, `read ${got.length} of 3 large records`);
  await consumer.disconnect();
}

const SCENARIOS = {
  // Only produces: the Java test reads the records back (keys, values, headers, timestamps, compression).
  produce: async (bootstrap, topic) => { await produce(bootstrap, topic); },
  'each-message': consumeEachMessage,
  'each-batch': consumeEachBatch,
  rebalance,
  large,
  admin,
  transactions,
};

async function main() {
  const [scenario, bootstrap, ...args] = process.argv.slice(2);
  if (scenario === 'scenarios') {
    console.log(Object.keys(SCENARIOS).join('\n'));
    return;
  }
  if (!SCENARIOS[scenario] || !bootstrap) fail(`usage: kafkajs_client.js {${Object.keys(SCENARIOS).join('|')}} BOOTSTRAP ARG...`);
  console.error(`kafkajs ${require('kafkajs/package.json').version}, node ${process.version}`);
  console.log(`base-ts=${BASE_TS}`);
  await SCENARIOS[scenario](bootstrap, ...args);
  console.log(`OK ${scenario}`);
}

main().then(() => process.exit(0), (e) => {
  console.error(`FAIL ${e.scenarioFailure ? e.message : e.stack}`);
  process.exit(1);
});
