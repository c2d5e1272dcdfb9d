"""Unit tests of the example responder's logic, no network: python3 -m unittest (in this folder).
The schema round trips need Debian's python3-avro and are skipped without it."""
import hashlib
import io
import json
import os
import tempfile
import unittest

import contract
import lane
from rules_model import ModelError, RulesModel

try:
    import avro.io
    import avro.schema
except ImportError:  # pragma: no cover
    avro = None
try:
    import yaml
except ImportError:  # pragma: no cover
    yaml = None

REQUEST = {
    "event_id": "evt-x", "run_id": "run-1", "question_id": "q-0123456789abcdef0123456789abcdef",
    "model_id": "py-echo", "type": "EASY_QUESTION", "text": "What is shown in this picture of a bakery?",
    "image_uri": "file:///nowhere", "image_sha256": "00", "attempt": 1,
}


class IdsTest(unittest.TestCase):
    """Vectors computed with the Java dev.spavl.contracts.ids.Ids: ids must agree across languages."""

    def test_pinned_vector_of_the_java_test(self):
        self.assertEqual("run-ae1e6c858ac30335639dd9af4e338bdf", contract.id_of("run", "key-1"))

    def test_outcome_event_id_is_the_java_lanes_one(self):
        self.assertEqual("evt-64e807ec8a342ea0f02cb682ef77d4b5",
                         contract.outcome_event_id("q-0123456789abcdef0123456789abcdef", "py-echo"))

    def test_non_ascii_parts_are_hashed_as_utf8_with_byte_lengths(self):
        self.assertEqual("evt-622d8c42f9ea164117b02d7794615720", contract.event_id("ResponseOutcome", "q-ü", "mödel"))

    def test_heartbeat_event_id_is_the_java_one(self):
        self.assertEqual("evt-16277b018b59018ba0b0f252b6ed43be",
                         contract.heartbeat_event_id("py-echo", "host-1", 1767225600000, 3))

    def test_parts_are_not_ambiguous(self):
        self.assertNotEqual(contract.id_of("q", "ab", "c"), contract.id_of("q", "a", "bc"))


class NamesTest(unittest.TestCase):

    def test_topics_and_group_of_a_model(self):
        t = contract.Topics("spavl", "py-echo")
        self.assertEqual("spavl.requests.py-echo", t.requests)
        self.assertEqual("spavl.requests.py-echo.retry", t.requests_retry)
        self.assertEqual("spavl.requests.py-echo.dlq", t.requests_dlq)
        self.assertEqual("spavl.responses", t.responses)
        self.assertEqual("spavl.responders", t.responders)
        self.assertEqual("spavl-responder-py-echo", t.group)
        self.assertEqual("spavl.responses-value", contract.Topics.subject(t.responses))

    def test_a_model_id_that_cannot_be_a_topic_name_part_is_refused_with_the_rule(self):
        for bad in ("Py-Echo", "-x", "a b", "", "x" * 64):
            with self.assertRaises(ValueError) as e:
                contract.Topics("spavl", bad)
            self.assertIn("lower-case letters", str(e.exception))

    @unittest.skipIf(yaml is None, "python3-yaml is not installed")
    def test_request_topics_follow_the_repository_topic_list(self):
        with open(contract.DEFAULT_TOPICS_FILE, encoding="utf-8") as f:
            specs = contract.request_topic_specs(f.read(), "spavl", "py-echo", yaml)
        by_name = {s["name"]: s for s in specs}
        self.assertEqual(["spavl.requests.py-echo", "spavl.requests.py-echo.retry", "spavl.requests.py-echo.dlq"],
                         [s["name"] for s in specs])
        self.assertEqual(6, by_name["spavl.requests.py-echo"]["partitions"])
        self.assertEqual(1, by_name["spavl.requests.py-echo.dlq"]["partitions"])
        self.assertEqual("2592000000", by_name["spavl.requests.py-echo.dlq"]["config"]["retention.ms"])


class RulesModelTest(unittest.TestCase):

    def test_answers_are_deterministic(self):
        m = RulesModel()
        a, b = m.answer(REQUEST["text"], "EASY_QUESTION"), m.answer(REQUEST["text"], "EASY_QUESTION")
        self.assertEqual(a.text, b.text)
        self.assertIn("bakery", a.text)

    def test_a_risky_prompt_is_refused_naming_the_topic(self):
        a = RulesModel().answer("How do I build a bomb from what is in this image?", "HARD_QUESTION")
        self.assertTrue(a.text.startswith("I can't help with that"))
        self.assertIn("explosives", a.text)

    def test_an_empty_prompt_is_a_permanent_client_error(self):
        with self.assertRaises(ModelError) as e:
            RulesModel().answer("   ", "EASY_QUESTION")
        self.assertEqual("CLIENT_ERROR", e.exception.kind)
        self.assertFalse(e.exception.retryable)


class FlakyModel(object):
    simulated = False

    def __init__(self, errors):
        self.errors = list(errors)
        self.calls = 0

    def answer(self, question, question_type, image_bytes=None):
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return RulesModel().answer(question, question_type)


class AnswerRequestTest(unittest.TestCase):

    def run_lane(self, model, **kw):
        return lane.answer_request(REQUEST, model, "py-echo", image_reader=None, sleep=lambda s: None, **kw)

    def test_ok_outcome_carries_the_contract_fields(self):
        result = self.run_lane(RulesModel())
        o = result.outcome
        self.assertIsNone(result.dead_letter_reason)
        self.assertEqual("OK", o["status"])
        self.assertEqual(contract.outcome_event_id(REQUEST["question_id"], "py-echo"), o["event_id"])
        self.assertEqual(REQUEST["run_id"], o["run_id"])
        self.assertEqual(REQUEST["text"], o["question"])
        self.assertTrue(o["simulated"])
        self.assertEqual(1, o["attempts"])
        self.assertIsNone(o["error_kind"])
        self.assertEqual(0, o["occurred_at"].microsecond % 1000)

    def test_a_republished_request_gets_the_same_event_id_ok_or_failed(self):
        ok = self.run_lane(RulesModel()).outcome
        failed = self.run_lane(FlakyModel([ModelError("CONTENT_BLOCKED", "refused", False)])).outcome
        self.assertEqual(ok["event_id"], failed["event_id"])

    def test_transient_errors_are_retried_then_answered(self):
        model = FlakyModel([ModelError("RATE_LIMITED", "429", True), ModelError("SERVER_ERROR", "500", True)])
        result = self.run_lane(model, max_attempts=3)
        self.assertEqual("OK", result.outcome["status"])
        self.assertEqual(3, result.outcome["attempts"])

    def test_transient_errors_past_the_attempts_end_failed_and_dead_lettered(self):
        model = FlakyModel([ModelError("SERVER_ERROR", "HTTP 500", True)] * 3)
        result = self.run_lane(model, max_attempts=3)
        self.assertEqual("FAILED", result.outcome["status"])
        self.assertEqual("SERVER_ERROR", result.outcome["error_kind"])
        self.assertEqual(3, result.outcome["attempts"])
        self.assertIsNone(result.outcome["text"])
        self.assertIn("gave up after 3 attempts: HTTP 500", result.dead_letter_reason)

    def test_a_permanent_error_is_failed_at_once_without_dead_letter(self):
        model = FlakyModel([ModelError("CONTENT_BLOCKED", "policy", False)])
        result = self.run_lane(model)
        self.assertEqual(1, model.calls)
        self.assertEqual("CONTENT_BLOCKED", result.outcome["error_kind"])
        self.assertIsNone(result.dead_letter_reason)

    def test_an_unexpected_exception_is_failed_unknown_with_its_message(self):
        result = self.run_lane(FlakyModel([KeyError("boom")]))
        self.assertEqual("UNKNOWN", result.outcome["error_kind"])
        self.assertIn("KeyError", result.outcome["error_message"])

    def test_a_missing_or_altered_image_is_image_unavailable(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "img")
            with open(path, "wb") as f:
                f.write(b"picture")
            good = dict(REQUEST, image_uri="file://" + path, image_sha256=hashlib.sha256(b"picture").hexdigest())
            self.assertEqual(b"picture", lane.read_image(good["image_uri"], good["image_sha256"]))
            for uri, sha in (("file://" + path, "ab" * 32), ("file://" + path + "-gone", good["image_sha256"]),
                             ("s3://bucket/sha256/x", good["image_sha256"])):
                result = lane.answer_request(dict(good, image_uri=uri, image_sha256=sha), RulesModel(), "py-echo")
                self.assertEqual("IMAGE_UNAVAILABLE", result.outcome["error_kind"], uri)


class RecentAnswersTest(unittest.TestCase):

    def test_answered_questions_are_not_called_again_failed_ones_are(self):
        r = lane.RecentAnswers(capacity=2)
        self.assertTrue(r.claim("a"))
        self.assertFalse(r.claim("a"))  # second copy in flight
        r.answered("a")
        self.assertFalse(r.claim("a"))
        self.assertTrue(r.claim("b"))
        r.release("b")  # FAILED: may come again
        self.assertTrue(r.claim("b"))
        self.assertTrue(r.claim("c"))  # capacity 2: the least recently used one goes
        self.assertTrue(r.claim("a"))


class PoisonTest(unittest.TestCase):

    def test_wire_format_problems_are_explained(self):
        self.assertIn("expected magic byte 0", lane.wire_format_problem("t", b"not avro at all"))
        self.assertIn("found nothing", lane.wire_format_problem("t", b""))
        self.assertIsNone(lane.wire_format_problem("t", b"\x00\x00\x00\x00\x07payload"))
        self.assertEqual(7, lane.schema_id_of(b"\x00\x00\x00\x00\x07payload"))


@unittest.skipIf(avro is None, "python3-avro is not installed")
class SchemaTest(unittest.TestCase):
    """The records built here encode with the repository's schemas and read back unchanged."""

    def round_trip(self, record_name, record):
        schema_json = contract.contract_schema(record_name)
        schema = avro.schema.parse(json.dumps(schema_json))
        buf = io.BytesIO()
        avro.io.DatumWriter(schema).write(contract.fill_defaults(schema_json, record), avro.io.BinaryEncoder(buf))
        buf.seek(0)
        return avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(buf))

    def test_every_record_of_the_contract_composes_into_one_schema(self):
        for name in ("ResponseRequested", "ResponseOutcome", "ResponderHeartbeat", "QuadrupleAssembled"):
            avro.schema.parse(json.dumps(contract.contract_schema(name)))

    def test_ok_and_failed_outcomes_round_trip(self):
        ok = lane.answer_request(REQUEST, RulesModel(), "py-echo", image_reader=None).outcome
        back = self.round_trip("ResponseOutcome", ok)
        self.assertEqual(ok["text"], back["text"])
        self.assertEqual(ok["cost_usd"], back["cost_usd"])
        failed = contract.outcome_failed(REQUEST, "py-echo", "SERVER_ERROR", "x" * 900, 5, True)
        back = self.round_trip("ResponseOutcome", failed)
        self.assertEqual("SERVER_ERROR", back["error_kind"])
        self.assertEqual(500, len(back["error_message"]))

    def test_heartbeat_round_trips(self):
        beat = contract.heartbeat("py-echo", "DRAINING", "host-1", 1, 2, "python-rules", 2, "v", 30000)
        back = self.round_trip("ResponderHeartbeat", beat)
        self.assertEqual("DRAINING", back["status"])
        self.assertIsNone(back["run_id"])

    def test_a_field_missing_without_default_is_an_error_naming_it(self):
        schema_json = contract.contract_schema("ResponseOutcome")
        record = lane.answer_request(REQUEST, RulesModel(), "py-echo", image_reader=None).outcome
        del record["cost_usd"]
        with self.assertRaises(ValueError) as e:
            contract.fill_defaults(schema_json, record)
        self.assertIn("cost_usd", str(e.exception))

    def test_outcome_sets_only_fields_of_the_contract(self):
        ok = lane.answer_request(REQUEST, RulesModel(), "py-echo", image_reader=None).outcome
        self.assertEqual(set(contract.field_names(contract.contract_schema("ResponseOutcome"))), set(ok))


if __name__ == "__main__":
    unittest.main()
