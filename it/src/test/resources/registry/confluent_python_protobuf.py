"""Drives a schema registry with confluent-kafka-python's ProtobufSerializer and ProtobufDeserializer
(Debian python3-confluent-kafka 1.7 with python3-protobuf).

Usage: python3 confluent_python_protobuf.py http://127.0.0.1:PORT
Prints one line per step, "step: result", for ConfluentPythonProtobufTest to check. The message classes are
built at run time from a FileDescriptorProto (no protoc needed); the serializer registers that file as a base64
FileDescriptorProto, as it does for protoc-generated classes, and writes message indexes in the encoding of its
version (1.7: unsigned varints, the older encoding).
"""
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, message_factory

URL = sys.argv[1]
F = descriptor_pb2.FieldDescriptorProto


def field(message, name, number, kind, label=F.LABEL_OPTIONAL, type_name=None):
    f = message.field.add(name=name, number=number, type=kind, label=label, json_name=name)
    if type_name:
        f.type_name = type_name


def file_proto():
    file = descriptor_pb2.FileDescriptorProto(name="shop/order.proto", package="shop", syntax="proto3")
    order = file.message_type.add(name="Order")
    field(order, "id", 1, F.TYPE_STRING)
    field(order, "lines", 2, F.TYPE_MESSAGE, F.LABEL_REPEATED, ".shop.Order.Line")
    field(order, "status", 3, F.TYPE_ENUM, type_name=".shop.Status")
    line = order.nested_type.add(name="Line")
    field(line, "sku", 1, F.TYPE_STRING)
    field(line, "qty", 2, F.TYPE_INT32)
    refund = file.message_type.add(name="Refund")
    field(refund, "order_id", 1, F.TYPE_STRING)
    field(refund, "cents", 2, F.TYPE_INT64)
    status = file.enum_type.add(name="Status")
    status.value.add(name="NEW", number=0)
    status.value.add(name="PAID", number=1)
    return file


classes = message_factory.GetMessages([file_proto()])
Order = classes["shop.Order"]
Line = message_factory.MessageFactory(Order.DESCRIPTOR.file.pool).GetPrototype(Order.DESCRIPTOR.nested_types_by_name["Line"])
Refund = classes["shop.Refund"]
client = SchemaRegistryClient({"url": URL})
conf = {"auto.register.schemas": True}


def step(name, fn):
    try:
        print("%s: %s" % (name, fn()), flush=True)
    except SchemaRegistryError as e:
        print("%s: error %d %d" % (name, e.http_status_code, e.error_code), flush=True)


def serialize(cls, message, topic):
    return ProtobufSerializer(cls, client, conf)(message, SerializationContext(topic, MessageField.VALUE))


order = Order(id="o-1", lines=[Line(sku="X-1", qty=3)], status=1)
order_bytes = serialize(Order, order, "orders")
refund_bytes = serialize(Refund, Refund(order_id="o-1", cents=250), "refunds")
line_bytes = serialize(Line, Line(sku="Y", qty=1), "lines")
step("order bytes", lambda: order_bytes.hex())
step("refund bytes", lambda: refund_bytes.hex())
step("line bytes", lambda: line_bytes.hex())
step("order id", lambda: int.from_bytes(order_bytes[1:5], "big"))
step("order decoded", lambda: ProtobufDeserializer(Order)(order_bytes, SerializationContext("orders", MessageField.VALUE))
     .lines[0].sku)
step("subjects", lambda: sorted(client.get_subjects()))
step("schema type", lambda: client.get_latest_version("orders-value").schema.schema_type)
BREAKING = 'syntax = "proto3";\npackage shop;\nmessage Order {\n  int64 id = 1;\n}\n'
money_file = descriptor_pb2.FileDescriptorProto(name="common/money.proto", package="common", syntax="proto3")
field(money_file.message_type.add(name="Money"), "cents", 1, F.TYPE_INT64)
invoice_file = descriptor_pb2.FileDescriptorProto(name="shop/invoice.proto", package="shop", syntax="proto3",
                                                  dependency=["common/money.proto"])
invoice_message = invoice_file.message_type.add(name="Invoice")
field(invoice_message, "total", 1, F.TYPE_MESSAGE, type_name=".common.Money")
with_deps = message_factory.GetMessages([money_file, invoice_file])
Invoice, Money = with_deps["shop.Invoice"], with_deps["common.Money"]
invoice_bytes = serialize(Invoice, Invoice(total=Money(cents=990)), "invoices")
step("invoice bytes", lambda: invoice_bytes.hex())
step("invoice references", lambda: [(r["name"], r["subject"], r["version"]) for r in
                                    client.get_latest_version("invoices-value").schema.references])
step("register breaking", lambda: client.register_schema("orders-value", Schema(BREAKING, "PROTOBUF")))
step("compatible breaking", lambda: client.test_compatibility("orders-value", Schema(BREAKING, "PROTOBUF")))
step("invalid", lambda: client.register_schema("bad-value", Schema("message {", "PROTOBUF")))
