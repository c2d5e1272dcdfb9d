#!/usr/bin/env python3
"""A spavl model responder in Python, on Confluent's client (Debian python3-confluent-kafka, its
confluent_kafka.avro path with python3-avro). It follows docs/responder-contract.md:

- creates its request/retry/dead-letter topics if missing (partition counts from schemas/topics.yaml);
- consumes <prefix>.requests.<model> in the consumer group spavl-responder-<model>;
- answers each ResponseRequested with a trivial local model (rules_model.RulesModel) and publishes a
  ResponseOutcome (OK, or FAILED with an error kind and message) on <prefix>.responses, key question_id;
- announces itself on <prefix>.responders (key model_id): ACTIVE at start and every interval, DRAINING on
  SIGTERM/SIGINT, then finishes the batch in hand, commits and exits;
- commits offsets only after every outcome of a batch is acknowledged (acks=all);
- sends an undecodable request, bytes unchanged, to <prefix>.requests.<model>.dlq with a dead-letter-reason header.

Run with --help for the options; README.md beside this file explains how to try it against ./spavl up.
"""
import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import contract
import lane
from rules_model import RulesModel

try:
    import avro.schema
    import requests
    import yaml
    from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
    from confluent_kafka.admin import AdminClient, NewTopic
    from confluent_kafka.avro.cached_schema_registry_client import CachedSchemaRegistryClient
    from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
except ImportError as missing:  # pragma: no cover - told to the user
    print("missing a Python package (%s): install Debian's python3-confluent-kafka python3-avro python3-requests "
          "python3-yaml and run with /usr/bin/python3" % missing, file=sys.stderr)
    sys.exit(3)

LOG = logging.getLogger("py-responder")
VERSION = "spavl-python-responder/0.1"
REQUEST_FIELDS = ("event_id", "run_id", "question_id", "model_id", "type", "text", "image_uri", "image_sha256")


class RegistryUnavailable(Exception):
    """The registry could not be asked about a schema id: the record is not poison, try again later."""


class PublishFailed(Exception):
    """An outcome (or dead-letter record) was not acknowledged: nothing of the batch is committed."""


def parse_args(argv):
    env = os.environ.get
    p = argparse.ArgumentParser(description="spavl responder example: one model, Python, Confluent's client")
    p.add_argument("--bootstrap", default=env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                   help="Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS) [%(default)s]")
    p.add_argument("--registry", default=env("SPAVL_REGISTRY_CCOMPAT_URL", "http://127.0.0.1:8081/apis/ccompat/v7"),
                   help="the registry's Confluent-compatible API (env SPAVL_REGISTRY_CCOMPAT_URL) [%(default)s]")
    p.add_argument("--model", default=env("SPAVL_MODEL_ID", "py-echo"),
                   help="model id: names the topic <prefix>.requests.<model> and the group (env SPAVL_MODEL_ID) "
                        "[%(default)s]")
    p.add_argument("--topic-prefix", default=env("SPAVL_TOPIC_PREFIX", "spavl"),
                   help="topic prefix (env SPAVL_TOPIC_PREFIX) [%(default)s]")
    p.add_argument("--display-name", default=env("SPAVL_MODEL_DISPLAY_NAME"),
                   help="human-readable name in the heartbeats (env SPAVL_MODEL_DISPLAY_NAME)")
    p.add_argument("--heartbeat-interval", type=float, default=float(env("SPAVL_HEARTBEAT_INTERVAL", "30")),
                   help="seconds between ACTIVE heartbeats; the generator drops a lane silent for 3 intervals "
                        "(env SPAVL_HEARTBEAT_INTERVAL) [%(default)s]")
    p.add_argument("--concurrency", type=int, default=int(env("SPAVL_CONCURRENCY", "2")),
                   help="model calls at once (env SPAVL_CONCURRENCY) [%(default)s]")
    p.add_argument("--max-attempts", type=int, default=int(env("SPAVL_MAX_ATTEMPTS", "3")),
                   help="calls per request on retryable errors before FAILED + dead letter [%(default)s]")
    p.add_argument("--instance", default=env("SPAVL_INSTANCE", lane.default_instance()),
                   help="instance name in the heartbeats [host-pid]")
    p.add_argument("--topics-file", default=env("SPAVL_TOPICS_FILE", contract.DEFAULT_TOPICS_FILE),
                   help="the topic list that gives the request topics' partitions and retention [%(default)s]")
    p.add_argument("--avro-dir", default=contract.DEFAULT_AVRO_DIR,
                   help="the contract's .avsc files, registered only for a subject the registry lacks [%(default)s]")
    p.add_argument("--no-create-topics", action="store_true",
                   help="do not create missing topics (where this process may not administer the broker)")
    p.add_argument("--no-image-check", action="store_true",
                   help="do not read the image (file: URIs) and check its sha256 before answering")
    p.add_argument("--retire", action="store_true",
                   help="publish one RETIRED heartbeat for the model and exit: the generator sends it nothing new")
    p.add_argument("--log-level", default=env("SPAVL_LOG_LEVEL", "INFO"))
    args = p.parse_args(argv)
    try:
        contract.require_model_id(args.model)
    except ValueError as e:
        p.error("--model: %s" % e)
    if args.heartbeat_interval <= 0 or args.concurrency < 1 or args.max_attempts < 1:
        p.error("--heartbeat-interval must be > 0, --concurrency and --max-attempts >= 1")
    args.registry = args.registry.rstrip("/")
    if "/apis/registry/" in args.registry:
        p.error("--registry must be the Confluent-compatible API (.../apis/ccompat/v7), not Apicurio's own %s"
                % args.registry)
    return args


def ensure_topics(args, topics):
    """Creates this model's request, retry and dead-letter topics when missing, as the topic list declares them
    (the broker does not auto-create topics). Existing topics are left alone."""
    with open(args.topics_file, encoding="utf-8") as f:
        specs = contract.request_topic_specs(f.read(), args.topic_prefix, args.model, yaml)
    admin = AdminClient({"bootstrap.servers": args.bootstrap})
    existing = admin.list_topics(timeout=30).topics
    missing = [s for s in specs if s["name"] not in existing]
    for s in specs:
        if s["name"] in existing and len(existing[s["name"]].partitions) < s["partitions"]:
            LOG.warning("topic %s has %d partitions, the topic list says %d (left as it is)", s["name"],
                        len(existing[s["name"]].partitions), s["partitions"])
    if not missing:
        return
    futures = admin.create_topics([NewTopic(s["name"], s["partitions"], s["replication_factor"], config=s["config"])
                                   for s in missing], operation_timeout=30)
    for name, future in futures.items():
        try:
            future.result()
            LOG.info("created topic %s", name)
        except KafkaException as e:
            if e.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise


class WriterSchema(object):
    """The registry's latest schema of a subject: its id goes into the wire format, its fields' defaults fill what
    this responder does not set. A subject the registry lacks gets the repository's schema registered."""

    def __init__(self, registry, subject, record_name, avro_dir, fields_we_set):
        schema_id, schema, _version = registry.get_latest_schema(subject)
        if schema_id is None:
            schema = avro.schema.parse(json.dumps(contract.contract_schema(record_name, avro_dir)))
            schema_id = registry.register(subject, schema)
            LOG.info("registered the repository's %s schema under %s (id %s)", record_name, subject, schema_id)
        self.id = schema_id
        self.json = schema.to_json()
        if self.json.get("name") != record_name:
            raise SystemExit("subject %s holds %s, not %s" % (subject, self.json.get("name"), record_name))
        unknown = sorted(set(fields_we_set) - set(contract.field_names(self.json)))
        if unknown:
            raise SystemExit("subject %s (schema id %s) lacks the fields %s this responder sets: the registry holds "
                             "an older contract; register the current one (./spavl up does)" % (subject, schema_id,
                                                                                              unknown))

    def complete(self, record):
        return contract.fill_defaults(self.json, record)


class Responder(object):

    def __init__(self, args, model):
        self.args = args
        self.model = model
        self.topics = contract.Topics(args.topic_prefix, args.model)
        self.stop = threading.Event()
        self.recent = lane.RecentAnswers()
        self.started_at_ms = int(time.time() * 1000)
        self.sequence = 0
        self.sequence_lock = threading.Lock()
        self.registry = CachedSchemaRegistryClient({"url": args.registry})
        self.serde = MessageSerializer(self.registry)
        sample = contract.outcome_ok({"question_id": "q", "run_id": "r", "text": "t"}, args.model, "a", "stop",
                                     0, 0, 0, 1, True)
        self.outcome_schema = WriterSchema(self.registry, contract.Topics.subject(self.topics.responses),
                                           "ResponseOutcome", args.avro_dir, sample.keys())
        beat = contract.heartbeat(args.model, "ACTIVE", "i", 0, 0, "p", 1, "v", 1)
        self.heartbeat_schema = WriterSchema(self.registry, contract.Topics.subject(self.topics.responders),
                                             "ResponderHeartbeat", args.avro_dir, beat.keys())
        self.producer = Producer({"bootstrap.servers": args.bootstrap, "acks": "all", "enable.idempotence": True,
                                  "linger.ms": 5, "client.id": self.topics.group})
        self.consumer = Consumer({
            "bootstrap.servers": args.bootstrap,
            "group.id": self.topics.group,
            "client.id": self.topics.group + "-" + args.instance,
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            # a batch may wait on model retries; the group must not evict the consumer meanwhile
            "max.poll.interval.ms": 900000,
        })
        self.workers = ThreadPoolExecutor(max_workers=args.concurrency, thread_name_prefix="model")

    # ------------------------------------------------------------------------------------------ heartbeats

    def send_heartbeat(self, status):
        with self.sequence_lock:
            self.sequence += 1
            seq = self.sequence
        beat = contract.heartbeat(self.args.model, status, self.args.instance, self.started_at_ms, seq,
                                  self.model.provider, self.args.concurrency, VERSION,
                                  int(self.args.heartbeat_interval * 1000), self.args.display_name)
        value = self.serde.encode_record_with_schema_id(self.heartbeat_schema.id, self.heartbeat_schema.complete(beat))

        def delivered(err, msg):
            if err is not None:
                LOG.error("heartbeat %s of %s not published: %s", status, self.args.model, err)

        self.producer.produce(self.topics.responders, key=self.args.model.encode("utf-8"), value=value,
                              on_delivery=delivered)

    def heartbeat_loop(self):
        while not self.stop.wait(self.args.heartbeat_interval):
            self.send_heartbeat("ACTIVE")
            self.producer.poll(0)
        self.send_heartbeat("DRAINING")
        left = self.producer.flush(10)
        LOG.info("lane %s announced DRAINING%s", self.args.model, "" if left == 0 else " (not acknowledged!)")

    # ------------------------------------------------------------------------------------------ requests

    def decode(self, msg):
        """(request, None, None) or, for a poison record, (None, reason, cause); RegistryUnavailable when it cannot
        tell."""
        data = msg.value()
        problem = lane.wire_format_problem(msg.topic(), data)
        if problem:
            return None, problem, "not-confluent-wire-format"
        try:
            request = self.serde.decode_message(data)
        except Exception as e:
            return None, self.explain(msg.topic(), data, e), type(e).__name__
        missing = [f for f in REQUEST_FIELDS if not isinstance(request, dict) or request.get(f) is None]
        if missing:
            return None, ("value in %s (schema id %d) is not a ResponseRequested: no %s"
                          % (msg.topic(), lane.schema_id_of(data), ", ".join(missing))), "not-a-response-request"
        return request, None, None

    def explain(self, topic, data, error):
        schema_id = lane.schema_id_of(data)
        try:
            r = requests.get("%s/schemas/ids/%d" % (self.args.registry, schema_id), timeout=10)
        except requests.RequestException as e:
            raise RegistryUnavailable("registry unreachable asking for schema id %d: %s" % (schema_id, e))
        if r.status_code == 404:
            return "value in %s names schema id %d, which the schema registry does not know (HTTP 404)" % (
                topic, schema_id)
        if r.status_code != 200:
            raise RegistryUnavailable("registry answered HTTP %d for schema id %d" % (r.status_code, schema_id))
        return "value in %s (schema id %d, %d bytes of data) could not be decoded with that schema: %s: %s" % (
            topic, schema_id, len(data) - 5, type(error).__name__, error)

    def dead_letter(self, msg, reason, cause, attempts, failures):
        headers = [("dead-letter-reason", reason.encode("utf-8")),
                   ("dead-letter-topic", msg.topic().encode("utf-8")),
                   ("dead-letter-partition", str(msg.partition()).encode("utf-8")),
                   ("dead-letter-offset", str(msg.offset()).encode("utf-8"))]
        if cause:
            headers.append(("dead-letter-cause", cause.encode("utf-8")))
        if attempts:
            headers.append(("dead-letter-attempts", str(attempts).encode("utf-8")))
        self.producer.produce(self.topics.requests_dlq, key=msg.key(), value=msg.value(), headers=headers,
                              on_delivery=lambda err, m: err and failures.append("dead letter: %s" % err))
        LOG.error("lane %s: %s [%d] offset %d dead-lettered to %s: %s", self.args.model, msg.topic(), msg.partition(),
                  msg.offset(), self.topics.requests_dlq, reason)

    def publish(self, request, outcome, failures, answered_ok):
        value = self.serde.encode_record_with_schema_id(self.outcome_schema.id, self.outcome_schema.complete(outcome))

        def delivered(err, _msg):
            if err is not None:
                failures.append("outcome of %s: %s" % (request["question_id"], err))
            elif outcome["status"] == "OK":
                answered_ok.append(request["question_id"])

        self.producer.produce(self.topics.responses, key=request["question_id"].encode("utf-8"), value=value,
                              on_delivery=delivered)

    def handle_batch(self, messages):
        """Decode, answer (up to --concurrency at once), publish, wait for every ack, then commit."""
        rewind = {}       # (topic, partition) -> first offset to read again (the registry was unreachable)
        done = {}         # (topic, partition) -> next offset to commit
        poison = []
        work = []
        for msg in messages:
            tp = (msg.topic(), msg.partition())
            if tp in rewind:
                continue
            try:
                request, reason, cause = self.decode(msg)
            except RegistryUnavailable as e:
                LOG.warning("lane %s: %s; %s [%d] from offset %d is read again", self.args.model, e, msg.topic(),
                            msg.partition(), msg.offset())
                rewind[tp] = msg.offset()
                continue
            done[tp] = msg.offset() + 1
            if request is None:
                poison.append((msg, "not a readable ResponseRequested: " + reason, cause))
            elif not self.recent.claim(request["question_id"]):
                LOG.info("lane %s question %s (run %s): requested again while answered or being answered; not called "
                         "again", self.args.model, request["question_id"], request["run_id"])
            else:
                if request["model_id"] != self.args.model:
                    LOG.warning("lane %s question %s: the request names model %s; answered as %s", self.args.model,
                                request["question_id"], request["model_id"], self.args.model)
                work.append((msg, request, self.workers.submit(
                    lane.answer_request, request, self.model, self.args.model, self.args.max_attempts,
                    image_reader=None if self.args.no_image_check else lane.read_image, should_stop=self.stop.is_set)))
        failures, answered_ok = [], []
        for msg, reason, cause in poison:
            self.dead_letter(msg, reason, cause, None, failures)
        for msg, request, future in work:
            try:
                result = future.result()
            except Exception:
                # nothing published for it: release it and keep it uncommitted by failing the batch
                self.recent.release(request["question_id"])
                raise
            outcome = result.outcome
            if result.dead_letter_reason:
                self.dead_letter(msg, result.dead_letter_reason, None, outcome["attempts"], failures)
            self.publish(request, outcome, failures, answered_ok)
            level = logging.INFO if outcome["status"] == "OK" else logging.WARNING
            LOG.log(level, "lane %s question %s (run %s): %s%s", self.args.model, request["question_id"],
                    request["run_id"], outcome["status"],
                    "" if outcome["status"] == "OK" else " %s: %s" % (outcome["error_kind"], outcome["error_message"]))
        left = self.producer.flush(30)
        for _msg, request, _future in work:
            if request["question_id"] in answered_ok:
                self.recent.answered(request["question_id"])
            else:
                self.recent.release(request["question_id"])
        if left or failures:
            raise PublishFailed("%d record(s) not acknowledged%s" % (left, "; " + "; ".join(failures) if failures else ""))
        if done:
            try:
                self.consumer.commit(offsets=[TopicPartition(t, p, o) for (t, p), o in done.items()],
                                     asynchronous=False)
            except KafkaException as e:
                # a rebalance took the partitions: their new owner gets these requests again (same event ids)
                LOG.warning("lane %s: commit failed (%s); the requests are delivered again", self.args.model, e)
        if rewind:
            for (t, p), offset in rewind.items():
                self.consumer.seek(TopicPartition(t, p, offset))
            self.stop.wait(5)

    def retire(self):
        """Says RETIRED for the model (the latest record of its key on the compacted topic) and consumes nothing."""
        self.send_heartbeat("RETIRED")
        left = self.producer.flush(30)
        self.consumer.close()
        if left:
            LOG.error("the RETIRED heartbeat of %s was not acknowledged", self.args.model)
            return 1
        LOG.info("lane %s announced RETIRED; requests already on %s stay there", self.args.model, self.topics.requests)
        return 0

    def run(self):
        self.consumer.subscribe([self.topics.requests])
        self.send_heartbeat("ACTIVE")
        if self.producer.flush(30):
            raise PublishFailed("the first heartbeat was not acknowledged")
        LOG.info("lane %s: consuming %s (group %s, concurrency %d), heartbeats every %ss on %s", self.args.model,
                 self.topics.requests, self.topics.group, self.args.concurrency, self.args.heartbeat_interval,
                 self.topics.responders)
        beats = threading.Thread(target=self.heartbeat_loop, name="heartbeats", daemon=True)
        beats.start()
        code = 0
        try:
            while not self.stop.is_set():
                messages = self.consumer.consume(num_messages=max(1, 2 * self.args.concurrency), timeout=0.5)
                batch = []
                for msg in messages:
                    err = msg.error()
                    if err is None:
                        batch.append(msg)
                    elif err.fatal():
                        raise KafkaException(err)
                    elif err.code() != KafkaError._PARTITION_EOF:
                        LOG.warning("lane %s: consumer: %s", self.args.model, err)
                if batch:
                    self.handle_batch(batch)
        except Exception:
            LOG.exception("lane %s stopped on an error; uncommitted requests are delivered again on restart",
                          self.args.model)
            code = 1
        finally:
            self.stop.set()  # also sends DRAINING if the loop ended on an error
            beats.join(15)
            self.workers.shutdown(wait=True)
            self.consumer.close()
            LOG.info("lane %s drained and closed", self.args.model)
        return code


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)-5s [%(name)s] %(message)s")
    logging.getLogger("confluent_kafka").setLevel(logging.WARNING)
    if args.retire:
        return Responder(args, RulesModel()).retire()
    if not args.no_create_topics:
        ensure_topics(args, contract.Topics(args.topic_prefix, args.model))
    responder = Responder(args, RulesModel())

    def on_signal(signum, _frame):
        LOG.info("signal %d: draining lane %s", signum, args.model)
        responder.stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return responder.run()


if __name__ == "__main__":
    sys.exit(main())
