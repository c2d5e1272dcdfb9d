#!/usr/bin/env python3
"""Independent reader: Confluent's own Python client (Debian python3-confluent-kafka, its legacy
Avro path) reads a spavl topic through the registry's Confluent-compatible API and prints every
record as one JSON line {"key":..., "schema_id":..., "value":{...}}.

usage: read_avro_topic.py <bootstrap> <ccompat-url> <topic> <expected-count> [timeout-seconds]
Exit 0 when at least expected-count records were read, 1 otherwise, 3 when the client is missing.
"""
import json
import struct
import sys
import time
import uuid

try:
    from confluent_kafka import Consumer
    from confluent_kafka.avro.cached_schema_registry_client import CachedSchemaRegistryClient
    from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
except ImportError as e:  # pragma: no cover - reported to the Java test, which skips
    print("MISSING confluent_kafka.avro: %s" % e, file=sys.stderr)
    sys.exit(3)


def main():
    bootstrap, registry, topic, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 30.0
    # keys are plain UTF-8 strings (ids), values Avro in the Confluent wire format; AvroConsumer
    # would try to Avro-decode the keys too, so the value decoder is used on its own
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "python-interop-" + str(uuid.uuid4()),
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    decoder = MessageSerializer(CachedSchemaRegistryClient({"url": registry}))
    consumer.subscribe([topic])
    seen = 0
    deadline = time.time() + timeout
    try:
        while seen < expected and time.time() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                print("ERROR %s" % msg.error(), file=sys.stderr)
                continue
            raw = msg.value()
            # the Confluent wire format: magic byte 0, then the schema id as 4 big-endian bytes
            magic, schema_id = struct.unpack(">bI", raw[:5])
            value = decoder.decode_message(raw, is_key=False)
            print(json.dumps({"key": msg.key().decode("utf-8"), "magic": magic, "schema_id": schema_id,
                              "value": value}, default=str), flush=True)
            seen += 1
    finally:
        consumer.close()
    return 0 if seen >= expected else 1


if __name__ == "__main__":
    sys.exit(main())
