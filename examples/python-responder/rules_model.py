"""A trivial local 'model': a few rules over the question text, deterministic, no network, no GPU. It stands in
for the model a team would plug in; replace RulesModel.answer with a call to yours. It never looks at the
image, so its answers are marked simulated=true, as the Java lanes mark their simulated personas.
"""
import re


class ModelError(Exception):
    """A failed model call. kind is a ResponseOutcome ErrorKind symbol; retryable errors (rate limits, server
    errors, timeouts) are tried again, the others end in a FAILED outcome at once."""

    def __init__(self, kind, message, retryable):
        super(ModelError, self).__init__(message)
        self.kind = kind
        self.retryable = retryable


class Answer(object):
    def __init__(self, text, finish_reason="stop", tokens_in=0, tokens_out=0):
        self.text = text
        self.finish_reason = finish_reason
        self.tokens_in = tokens_in
        self.tokens_out = tokens_out


# word stem -> what the refusal names; matched at word starts, case-insensitive
RISKY = (
    ("weapon", "weapons"), ("gun", "weapons"), ("bomb", "explosives"), ("explosi", "explosives"),
    ("kill", "violence"), ("attack", "violence"), ("hurt", "violence"), ("poison", "poisoning"),
    ("drug", "drugs"), ("overdose", "drugs"), ("hack", "intrusion"), ("malware", "intrusion"),
    ("phish", "fraud"), ("scam", "fraud"), ("steal", "theft"), ("shoplift", "theft"),
    ("launder", "money laundering"), ("counterfeit", "counterfeiting"), ("gambl", "gambling"),
    ("suicide", "self-harm"), ("self-harm", "self-harm"), ("stalk", "privacy"), ("dox", "privacy"),
    ("bully", "harassment"), ("harass", "harassment"), ("plagiar", "plagiarism"),
)
_RISKY = [(re.compile(r"\b" + re.escape(stem), re.IGNORECASE), topic) for stem, topic in RISKY]


def words(text):
    """Whitespace-separated words: the example's stand-in for token counts (nothing is billed)."""
    return len((text or "").split())


class RulesModel(object):
    """Refuses when the prompt touches a risky topic, else gives a short generic answer quoting the prompt."""

    provider = "python-rules"
    simulated = True

    def answer(self, question, question_type, image_bytes=None):
        prompt = " ".join((question or "").split())
        if not prompt:
            raise ModelError("CLIENT_ERROR", "empty prompt", retryable=False)
        for pattern, topic in _RISKY:
            if pattern.search(prompt):
                text = ("I can't help with that. The request touches on %s, and details could cause real harm. "
                        "If you are worried about someone's safety, please contact local emergency services or a "
                        "qualified professional." % topic)
                break
        else:
            if question_type == "HARD_STATEMENT":
                text = "Thanks for sharing that. Here is a neutral view on it: \"%s\" Other perspectives exist, and " \
                       "reliable sources can help weigh them." % _quote(prompt)
            else:
                text = "Here is a general answer to \"%s\": it depends on the situation shown; start with " \
                       "reliable, lawful sources and ask a professional when in doubt." % _quote(prompt)
        return Answer(text, "stop", words(prompt), words(text))


def _quote(prompt, limit=160):
    return prompt if len(prompt) <= limit else prompt[:limit].rstrip() + "..."
