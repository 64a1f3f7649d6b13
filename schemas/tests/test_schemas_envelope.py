import subprocess
import sys
import uuid

from greenmarket.schemas import Envelope, parse
from greenmarket.schemas.asyncapi import asyncapi_document
from greenmarket.schemas.events.product import InterestAdded, ProductDeleted
from greenmarket.schemas.registry import all_messages

CONTRACT_EVENT_TYPES = {
    "UserRegistered", "UserProfileUpdated", "UserDeleted", "ProductCreated", "ProductUpdated",
    "ProductStatusChanged", "ProductDeleted", "InterestAdded", "InterestRemoved", "ChatRoomCreated",
    "ChatRoomClosed", "MessageSent", "TradeReserved", "TradeCompleted", "TradeCancelled", "TradeExpired",
    "ReviewPosted",
}  # fmt: skip


def test_envelope_wire_format_is_the_contracts():
    envelope = ProductDeleted(article_id=7, seller_id=3).envelope(aggregate_id=7, producer="product")
    wire = envelope.to_wire()
    assert set(wire) == {
        "eventId", "type", "version", "occurredAt", "producer", "aggregateType", "aggregateId",
        "correlationId", "causationId", "payload",
    }  # fmt: skip
    assert uuid.UUID(wire["eventId"])
    assert wire["occurredAt"].endswith("Z")
    assert wire["aggregateId"] == "7" and envelope.key == "7"
    assert wire["payload"] == {"articleId": 7, "sellerId": 3}


def test_envelope_round_trips_to_the_typed_payload():
    envelope = InterestAdded(article_id=1, user_id=2).envelope(aggregate_id=1, producer="product")
    again = Envelope.model_validate_json(envelope.model_dump_json(by_alias=True))
    assert parse(again) == InterestAdded(article_id=1, user_id=2)


def test_every_contract_event_type_is_registered():
    assert {cls.type_name for cls in all_messages()} >= CONTRACT_EVENT_TYPES


def test_asyncapi_document_describes_every_message_on_its_channel():
    document = asyncapi_document()
    assert document["asyncapi"] == "3.0.0"
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert {"user.events", "product.events", "chat.events", "trade.events", "saga.replies"} <= addresses
    for cls in all_messages():
        name = f"{cls.type_name}V{cls.version}"
        channel = document["channels"][cls.topic.replace(".", "_")]
        assert channel["messages"][name] == {"$ref": f"#/components/messages/{name}"}
        assert document["components"]["messages"][name]["headers"]["required"] == ["eventId", "type", "traceparent"]


def test_schemas_package_stands_alone():
    # A team outside Greenmarket installs only greenmarket-schemas: it must not pull in the runtime.
    code = "import sys, greenmarket.schemas.registry as r; r.all_messages(); print(any(m.startswith('greenmarket.infra') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
