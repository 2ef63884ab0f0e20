"""Drives a schema registry with confluent-kafka-python's SchemaRegistryClient (Debian python3-confluent-kafka).

Usage: python3 confluent_python_client.py http://127.0.0.1:PORT
Prints one line per step, "step: result", for ConfluentPythonClientTest to check. A fresh client per step
where the client caches, so every answer comes from the registry, not the client's cache.
"""
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError

URL = sys.argv[1]
V1 = '{"type":"record","name":"Payment","fields":[{"name":"id","type":"long"}]}'
V2 = ('{"type":"record","name":"Payment","fields":[{"name":"id","type":"long"},'
      '{"name":"memo","type":"string","default":""}]}')
BREAKING = ('{"type":"record","name":"Payment","fields":[{"name":"id","type":"long"},'
            '{"name":"amount","type":"int"}]}')
SUBJECT = "payments-value"


def client():
    return SchemaRegistryClient({"url": URL})


def step(name, fn):
    try:
        print("%s: %s" % (name, fn()), flush=True)
    except SchemaRegistryError as e:
        print("%s: error %d %d" % (name, e.http_status_code, e.error_code), flush=True)


step("register v1", lambda: client().register_schema(SUBJECT, Schema(V1, "AVRO")))
step("register v1 again", lambda: client().register_schema(SUBJECT, Schema(V1, "AVRO")))
step("register v2", lambda: client().register_schema(SUBJECT, Schema(V2, "AVRO")))
step("register breaking", lambda: client().register_schema(SUBJECT, Schema(BREAKING, "AVRO")))
step("latest", lambda: (lambda r: "version %d id %d" % (r.version, r.schema_id))(client().get_latest_version(SUBJECT)))
step("version 1", lambda: (lambda r: "version %d id %d schema %s" % (r.version, r.schema_id, r.schema.schema_str))(
    client().get_version(SUBJECT, 1)))
step("version 9", lambda: client().get_version(SUBJECT, 9))
step("versions", lambda: client().get_versions(SUBJECT))
step("lookup v1", lambda: (lambda r: "version %d id %d" % (r.version, r.schema_id))(
    client().lookup_schema(SUBJECT, Schema(V1, "AVRO"))))
step("schema 2", lambda: client().get_schema(2).schema_str)
step("schema 99", lambda: client().get_schema(99))
step("subjects", lambda: client().get_subjects())
step("compatible v2", lambda: client().test_compatibility(SUBJECT, Schema(V2, "AVRO")))
step("compatible breaking", lambda: client().test_compatibility(SUBJECT, Schema(BREAKING, "AVRO")))
step("set level", lambda: client().set_compatibility(SUBJECT, "NONE"))
step("get level", lambda: client().get_compatibility(SUBJECT))
step("register breaking under NONE", lambda: client().register_schema(SUBJECT, Schema(BREAKING, "AVRO")))
step("invalid schema", lambda: client().register_schema(SUBJECT, Schema('{"type":"record"}', "AVRO")))
step("delete version 1", lambda: client().delete_version(SUBJECT, 1))
# The client soft-deletes, then (permanent) deletes again with permanent=true; it returns the first answer.
step("delete subject permanent", lambda: client().delete_subject(SUBJECT, permanent=True))
step("subjects after", lambda: client().get_subjects())
step("unknown subject", lambda: client().get_latest_version("nobody"))
