"""An AsyncAPI 3.0 document of Greenmarket's event API, generated from the same models.

Channels are topics; messages are the event types; every message is the envelope whose
`payload` is the type's schema. Teams outside Greenmarket subscribe from this document alone.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from greenmarket.schemas.jsonschema import envelope_schema, message_schema
from greenmarket.schemas.registry import all_messages

HEADERS_SCHEMA = {
    "type": "object",
    "properties": {
        "eventId": {"type": "string", "format": "uuid", "description": "Same as the envelope's eventId."},
        "type": {"type": "string", "description": "The event type, for routing without parsing the value."},
        "traceparent": {"type": "string", "description": "W3C trace context."},
    },
    "required": ["eventId", "type", "traceparent"],
}


def _component_name(cls) -> str:
    return f"{cls.type_name}V{cls.version}"


def asyncapi_document() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Envelope": envelope_schema()}
    by_topic = defaultdict(list)
    for cls in all_messages():
        by_topic[cls.topic].append(cls)
    for topic, classes in sorted(by_topic.items()):
        channel_id = topic.replace(".", "_")
        channel_messages = {}
        for cls in classes:
            name = _component_name(cls)
            payload_schema = message_schema(cls)
            payload_schema.pop("$schema", None)
            schemas[name] = payload_schema
            messages[name] = {
                "name": cls.type_name,
                "title": f"{cls.type_name} v{cls.version}",
                "summary": (cls.__doc__ or "").strip().split("\n")[0] or cls.type_name,
                "contentType": "application/json",
                "headers": HEADERS_SCHEMA,
                "payload": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Envelope"},
                        {
                            "type": "object",
                            "properties": {
                                "type": {"const": cls.type_name},
                                "version": {"const": cls.version},
                                "payload": {"$ref": f"#/components/schemas/{name}"},
                            },
                        },
                    ]
                },
                "bindings": {"kafka": {"key": {"type": "string", "description": f"{cls.aggregate_type} id"}}},
            }
            channel_messages[name] = {"$ref": f"#/components/messages/{name}"}
        channels[channel_id] = {"address": topic, "messages": channel_messages}
        operations[f"receive_{channel_id}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "summary": f"Subscribe to {topic}",
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Greenmarket events",
            "version": "1.0.0",
            "description": "Domain events, saga commands and replies of Greenmarket (초록장터). Delivery is "
            "at-least-once and in order per key; deduplicate by eventId.",
        },
        "defaultContentType": "application/json",
        "servers": {"local": {"host": "127.0.0.1:9092", "protocol": "kafka", "description": "greenmarket stack"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }
