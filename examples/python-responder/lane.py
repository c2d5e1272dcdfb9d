"""What the responder does with one decoded request, without Kafka: the image check, the model call with
in-process retries, and the outcome (plus a dead-letter reason when it gives up on a transient error). Mirrors
the Java lane (services/responder Lane) minus its retry topic and circuit breaker.
"""
import collections
import hashlib
import os
import random
import struct
import threading
import time
import urllib.parse

import contract
from rules_model import ModelError


class Result(object):
    """outcome: the ResponseOutcome to publish; dead_letter_reason: when set, the request also goes to the
    model's dead-letter topic with this reason (given up after transient errors)."""

    def __init__(self, outcome, dead_letter_reason=None):
        self.outcome = outcome
        self.dead_letter_reason = dead_letter_reason


class ImageUnavailable(Exception):
    pass


def read_image(uri, sha256):
    """The image bytes of a request. This example reads file: URIs (the filesystem blob store of ./spavl up);
    the bytes must hash to the request's image_sha256."""
    parsed = urllib.parse.urlparse(uri)
    if parsed.scheme != "file":
        raise ImageUnavailable("image URI scheme '%s' is not readable by this example (file: only; an s3: blob "
                               "store needs an S3 client)" % parsed.scheme)
    path = urllib.parse.unquote(parsed.path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ImageUnavailable("image %s cannot be read: %s" % (uri, e.strerror or e))
    digest = hashlib.sha256(data).hexdigest()
    if digest != (sha256 or "").lower():
        raise ImageUnavailable("image %s hashes to %s, the request names %s" % (uri, digest, sha256))
    return data


def answer_request(request, model, model_id, max_attempts=3, initial_backoff=0.5, max_backoff=8.0,
                   image_reader=read_image, sleep=time.sleep, clock=time.monotonic, should_stop=lambda: False):
    """The outcome of one request. Image unavailable or a non-retryable model error: FAILED at once. A retryable
    error: tried again with exponential backoff and jitter up to max_attempts calls, then FAILED and
    dead-lettered. An unexpected exception from the model counts as a non-retryable UNKNOWN error."""
    simulated = getattr(model, "simulated", False)
    image = None
    if image_reader is not None:
        try:
            image = image_reader(request["image_uri"], request["image_sha256"])
        except ImageUnavailable as e:
            return Result(contract.outcome_failed(request, model_id, "IMAGE_UNAVAILABLE", str(e), 0, simulated))
    last = None
    calls = 0
    start = clock()
    while calls < max_attempts:
        calls += 1
        t0 = clock()
        try:
            answer = model.answer(request["text"], request["type"], image)
        except ModelError as e:
            last = e
        except Exception as e:  # a bug or an unexpected client error: reported, not retried
            last = ModelError("UNKNOWN", "%s: %s" % (type(e).__name__, e), retryable=False)
        else:
            return Result(contract.outcome_ok(request, model_id, answer.text, answer.finish_reason, answer.tokens_in,
                                              answer.tokens_out, (clock() - t0) * 1000, calls, simulated))
        if not last.retryable:
            return Result(contract.outcome_failed(request, model_id, last.kind, str(last), calls, simulated,
                                                  (clock() - start) * 1000))
        if calls < max_attempts and not should_stop():
            sleep(backoff(calls, initial_backoff, max_backoff))
        elif should_stop():
            break
    reason = "gave up after %d attempts: %s" % (calls, last)
    return Result(contract.outcome_failed(request, model_id, last.kind, str(last), calls, simulated,
                                          (clock() - start) * 1000), dead_letter_reason=reason)


def backoff(calls, initial, maximum, rng=random.random):
    """Exponential backoff with full jitter: up to initial * 2^(calls-1), capped at maximum."""
    return rng() * min(maximum, initial * (2 ** (calls - 1)))


class RecentAnswers(object):
    """The questions answered OK (or being answered) lately, so a republished request does not call the model
    again (the Java lanes' RecentAnswers). FAILED answers are forgotten: a repeat is called again."""

    def __init__(self, capacity=20000):
        self._ids = collections.OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def claim(self, question_id):
        with self._lock:
            if question_id in self._ids:
                self._ids.move_to_end(question_id)
                return False
            self._ids[question_id] = "in-flight"
            while len(self._ids) > self._capacity:
                self._ids.popitem(last=False)
            return True

    def answered(self, question_id):
        with self._lock:
            self._ids[question_id] = "answered"

    def release(self, question_id):
        with self._lock:
            if self._ids.get(question_id) == "in-flight":
                del self._ids[question_id]


def wire_format_problem(topic, data):
    """Why a value is not in the Confluent wire format (magic byte 0, 4-byte big-endian schema id), else None;
    phrased like the Java services' dead-letter reasons (UnreadableValue)."""
    where = "value in " + topic
    if data is None:
        return where + " is null"
    if len(data) < 5 or data[0] != 0:
        found = "nothing" if len(data) == 0 else "first byte 0x%02x" % data[0]
        return (where + " (%d bytes) is not in the Confluent wire format: expected magic byte 0 and a 4-byte "
                "schema id, found %s" % (len(data), found))
    return None


def schema_id_of(data):
    return struct.unpack(">I", data[1:5])[0]


def default_instance():
    return "%s-%d" % (os.uname().nodename, os.getpid())
