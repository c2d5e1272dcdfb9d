"""The parts of the spavl responder contract (docs/responder-contract.md) that need no network:
deterministic ids, topic and group names, the Avro schemas read from schemas/src/main/avro, and the
records a responder publishes (ResponseOutcome, ResponderHeartbeat). Kept free of Kafka imports so the
unit tests run anywhere python3-avro is installed.
"""
import copy
import datetime
import decimal
import hashlib
import json
import os
import re

# repository layout: examples/python-responder/contract.py -> <repo>/schemas
REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_AVRO_DIR = os.path.join(REPO_ROOT, "schemas", "src", "main", "avro")
DEFAULT_TOPICS_FILE = os.path.join(REPO_ROOT, "schemas", "topics.yaml")

# the same rule as TopicCatalog.MODEL_ID: a model id becomes part of a topic name
MODEL_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")

# ResponseOutcome.cost_usd is decimal(14, 8)
COST_SCALE = decimal.Decimal("0.00000001")
# ResponseOutcome.error_message is cut like the Java lanes cut it
MAX_ERROR_MESSAGE = 500
ERROR_KINDS = ("UNKNOWN", "TIMEOUT", "RATE_LIMITED", "SERVER_ERROR", "CLIENT_ERROR", "INVALID_OUTPUT",
               "CONTENT_BLOCKED", "IMAGE_UNAVAILABLE")


# ---------------------------------------------------------------------------------------------- ids

def _update(sha, text):
    data = text.encode("utf-8")
    sha.update(str(len(data)).encode("ascii"))
    sha.update(b":")
    sha.update(data)


def id_of(kind, *parts):
    """dev.spavl.contracts.ids.Ids.of: '<kind>-' + the first 128 bits of SHA-256 over the kind and the
    parts, each as '<UTF-8 byte length in decimal>:<UTF-8 bytes>'. Parts are turned into text the way
    Java's String.valueOf does for strings and whole numbers."""
    sha = hashlib.sha256()
    _update(sha, kind)
    for part in parts:
        if isinstance(part, bool):
            part = "true" if part else "false"
        _update(sha, str(part))
    return kind + "-" + sha.hexdigest()[:32]


def event_id(event_type, *parts):
    """Ids.event: id_of('evt', event_type, *parts)."""
    return id_of("evt", event_type, *parts)


def outcome_event_id(question_id, model_id):
    """The id every lane gives its ResponseOutcome: the same for a republished request, and the same for OK
    and FAILED (so a consumer keeps whichever came first; see the contract's known gaps)."""
    return event_id("ResponseOutcome", question_id, model_id)


def heartbeat_event_id(model_id, instance, started_at_ms, sequence):
    """The id LaneHeartbeats gives a heartbeat: unique per process start and sequence number."""
    return event_id("ResponderHeartbeat", model_id, instance, started_at_ms, sequence)


# ---------------------------------------------------------------------------------------------- names

def require_model_id(model_id):
    if not MODEL_ID.fullmatch(model_id or ""):
        raise ValueError("model id '%s' is not a valid topic name part (lower-case letters, digits, '.', '_' "
                         "or '-', starting with a letter or digit, at most 63 characters)" % model_id)
    return model_id


class Topics(object):
    """Topic names and the consumer group of one model's responder, for a topic prefix."""

    def __init__(self, prefix, model_id):
        require_model_id(model_id)
        if not prefix or prefix.endswith("."):
            raise ValueError("topic prefix '%s' must be non-empty and without a trailing dot" % prefix)
        self.prefix = prefix
        self.model_id = model_id
        self.requests = "%s.requests.%s" % (prefix, model_id)
        self.requests_retry = self.requests + ".retry"
        self.requests_dlq = self.requests + ".dlq"
        self.responses = prefix + ".responses"
        self.responders = prefix + ".responders"
        self.group = "spavl-responder-" + model_id

    @staticmethod
    def subject(topic):
        """Subject of a topic's value schema (TopicNameStrategy)."""
        return topic + "-value"


def request_topic_specs(topics_yaml_text, prefix, model_id, yaml_module):
    """The request, retry and dead-letter topics of one model as schemas/topics.yaml declares them (the entry
    named requests.{model}, the file's defaults otherwise), as dicts {name, partitions, replication_factor,
    config}. Mirrors TopicCatalog.resolve for that entry."""
    doc = yaml_module.safe_load(topics_yaml_text)
    defaults = doc.get("defaults") or {}
    entry = next((t for t in doc.get("topics") or [] if t.get("name") == "requests.{model}"), None)
    if entry is None:
        raise ValueError("the topic list has no 'requests.{model}' entry")
    partitions = int(entry.get("partitions", defaults.get("partitions", 6)))
    replication = int(defaults.get("replication-factor", 1))
    retention = int(entry.get("retention-ms", defaults.get("retention-ms", 604800000)))
    cleanup = entry.get("cleanup-policy", "delete")
    dead_letter = entry.get("dead-letter", defaults.get("dead-letter", True))
    dlq_retention = int(defaults.get("dlq-retention-ms", 2592000000))
    name = "%s.requests.%s" % (prefix, require_model_id(model_id))
    specs = [dict(name=name, partitions=partitions, replication_factor=replication,
                  config={"retention.ms": str(retention), "cleanup.policy": cleanup})]
    if dead_letter:
        specs.append(dict(name=name + ".retry", partitions=partitions, replication_factor=replication,
                          config={"retention.ms": str(retention), "cleanup.policy": "delete"}))
        specs.append(dict(name=name + ".dlq", partitions=1, replication_factor=replication,
                          config={"retention.ms": str(dlq_retention), "cleanup.policy": "delete"}))
    return specs


# ---------------------------------------------------------------------------------------------- schemas

_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


def _named_types(avro_dir):
    """Every named type of schemas/src/main/avro (common/ and the records), by short and full name."""
    named = {}
    for folder in (os.path.join(avro_dir, "common"), avro_dir):
        for file in sorted(os.listdir(folder)):
            if file.endswith(".avsc"):
                with open(os.path.join(folder, file), encoding="utf-8") as f:
                    schema = json.load(f)
                full = schema.get("namespace", "dev.spavl.events") + "." + schema["name"]
                named[schema["name"]] = schema
                named[full] = schema
    return named


def contract_schema(record_name, avro_dir=DEFAULT_AVRO_DIR):
    """The record's schema from the repository's .avsc files with every referenced named type inlined at its
    first use: one self-contained JSON schema, as the registry holds it (the services register dereferenced
    schemas)."""
    named = _named_types(avro_dir)
    if record_name not in named:
        raise ValueError("no record %s in %s" % (record_name, avro_dir))
    defined = set()

    def inline(node):
        if isinstance(node, str):
            if node in _PRIMITIVES or node not in named:
                return node
            target = named[node]
            key = target["name"]
            if key in defined:
                return node
            defined.add(key)
            return inline(copy.deepcopy(target))
        if isinstance(node, list):
            return [inline(n) for n in node]
        if isinstance(node, dict):
            if node.get("type") in ("record", "enum", "fixed") and "name" in node:
                defined.add(node["name"])
            out = {}
            for k, v in node.items():
                if k == "type" or k == "items" or k == "values":
                    out[k] = inline(v)
                elif k == "fields":
                    out[k] = [inline(f) for f in v]
                else:
                    out[k] = v
            return out
        return node

    return inline(copy.deepcopy(named[record_name]))


def fill_defaults(schema_json, record):
    """A copy of record with every field the schema declares but the record lacks set to the field's default
    (python3-avro's DatumWriter does not apply defaults). A missing field without a default is an error."""
    out = dict(record)
    for field in schema_json["fields"]:
        if field["name"] not in out:
            if "default" not in field:
                raise ValueError("field %s of %s has no value and no default" % (field["name"], schema_json["name"]))
            out[field["name"]] = copy.deepcopy(field["default"])
    return out


def field_names(schema_json):
    return [f["name"] for f in schema_json["fields"]]


# ---------------------------------------------------------------------------------------------- records

def now_millis():
    """UTC now, truncated to milliseconds (timestamp-millis)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.replace(microsecond=(now.microsecond // 1000) * 1000)


def _cost(value):
    return decimal.Decimal(value).quantize(COST_SCALE)


def _outcome(request, model_id, status, attempts, simulated, latency_ms, occurred_at, **fields):
    """The fields every ResponseOutcome has, one (question, model) outcome id whatever its status."""
    outcome = {
        "event_id": outcome_event_id(request["question_id"], model_id),
        "run_id": request["run_id"],
        "occurred_at": occurred_at or now_millis(),
        "question_id": request["question_id"],
        "model_id": model_id,
        "status": status,
        "latency_ms": int(latency_ms),
        "attempts": max(1, int(attempts)),
        "simulated": bool(simulated),
        # copied from the request so the judge can label the answer without a lookup
        "question": request["text"],
    }
    outcome.update(fields)
    return outcome


def outcome_ok(request, model_id, text, finish_reason, tokens_in, tokens_out, latency_ms, attempts, simulated,
               cost_usd="0", occurred_at=None):
    """The ResponseOutcome a lane publishes for an answer (status OK)."""
    return _outcome(request, model_id, "OK", attempts, simulated, latency_ms, occurred_at,
                    text=text, finish_reason=finish_reason, tokens_in=int(tokens_in), tokens_out=int(tokens_out),
                    cost_usd=_cost(cost_usd), error_kind=None, error_message=None)


def outcome_failed(request, model_id, error_kind, message, attempts, simulated, latency_ms=0, occurred_at=None):
    """The ResponseOutcome a lane publishes when it gives up on a request (status FAILED): no text, the error
    kind and a short message without secrets."""
    if error_kind not in ERROR_KINDS:
        raise ValueError("error kind %s is not one of %s" % (error_kind, ", ".join(ERROR_KINDS)))
    message = None if message is None else str(message)[:MAX_ERROR_MESSAGE]
    return _outcome(request, model_id, "FAILED", attempts, simulated, latency_ms, occurred_at,
                    text=None, finish_reason=None, tokens_in=0, tokens_out=0, cost_usd=_cost("0"),
                    error_kind=error_kind, error_message=message)


def heartbeat(model_id, status, instance, started_at_ms, sequence, provider, concurrency, version, interval_ms,
              display_name=None, occurred_at=None):
    """A ResponderHeartbeat (key: model_id) on the compacted responders topic."""
    if status not in ("ACTIVE", "DRAINING", "RETIRED"):
        raise ValueError("heartbeat status %s is not ACTIVE, DRAINING or RETIRED" % status)
    return {
        "event_id": heartbeat_event_id(model_id, instance, started_at_ms, sequence),
        "run_id": None,
        "occurred_at": occurred_at or now_millis(),
        "model_id": model_id,
        "display_name": display_name,
        "provider": provider,
        "status": status,
        "instance": instance,
        "concurrency": int(concurrency),
        "version": version,
        "interval_ms": int(interval_ms),
    }
