// Drives a schema registry with @kafkajs/confluent-schema-registry (npm), Avro only.
// Usage: node kafkajs_client.js http://127.0.0.1:PORT
// Prints one line per step, "step: result", for KafkajsRegistryClientTest to check; the encoded payload is
// printed as base64 so the test can validate the client's bytes with Ledgerline's PayloadValidator.
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');

const registry = new SchemaRegistry({ host: process.argv[2] }, { forSchemaOptions: {} });
const subject = 'kafkajs-orders-value';
const v1 = {
  type: 'record', name: 'Order', namespace: 'acme',
  fields: [{ name: 'id', type: 'long' }, { name: 'item', type: 'string' }],
};
const v2 = { ...v1, fields: [...v1.fields, { name: 'note', type: 'string', default: '' }] };
const breaking = { ...v1, fields: [...v1.fields, { name: 'qty', type: 'int' }] };

function print(step, result) {
  console.log(`${step}: ${result}`);
}

async function step(name, fn) {
  try {
    print(name, await fn());
  } catch (e) {
    print(name, `error ${e.status || ''} ${e.name}: ${e.message}`.replace(/\n/g, ' '));
  }
}

(async () => {
  let id1;
  await step('register v1', async () => {
    id1 = (await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) }, { subject })).id;
    return id1;
  });
  await step('register v2', async () => (await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(v2) }, { subject })).id);
  await step('register breaking', async () => (await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(breaking) }, { subject })).id);
  await step('latest id', () => registry.getLatestSchemaId(subject));
  await step('id of version 1', () => registry.getRegistryId(subject, 1));
  let encoded;
  await step('encode', async () => {
    encoded = await registry.encode(id1, { id: 42, item: 'tea' });
    return encoded.toString('base64');
  });
  await step('decode', async () => JSON.stringify(await registry.decode(encoded)));
  await step('schema of id 1', async () => JSON.stringify(await registry.getSchema(id1)));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
