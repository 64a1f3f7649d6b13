"""A test-only event type, so infra tests do not depend on any service's events."""

from greenmarket.schemas.registry import Message

SAMPLE_TOPIC = "user.events"  # any declared topic; tests run under their own topic prefix


# Deliberately not registered: it must not appear in the committed schemas. Pass topic=SAMPLE_TOPIC.
class SampleHappened(Message):
    type_name = "SampleHappened"
    topic = SAMPLE_TOPIC
    aggregate_type = "sample"
    seq: int
    poison: bool = False


def sample(aggregate_id: int | str, seq: int, *, poison: bool = False):
    return SampleHappened(seq=seq, poison=poison).envelope(aggregate_id=aggregate_id, producer="test")
