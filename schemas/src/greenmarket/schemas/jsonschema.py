"""JSON Schemas of every message, generated from the models and committed under `schemas/json/`.

`compatibility_problems(old, new)` is the rule a committed schema is held to: a new version of a
model may add optional fields, but must not remove a field, change a field's type, or add a
required field. Such a change needs a new `version` (a new schema file) instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from greenmarket.schemas.envelope import Envelope
from greenmarket.schemas.registry import Message, all_messages

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def message_schema(cls: type[Message]) -> dict[str, Any]:
    schema = cls.model_json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = SCHEMA_DIALECT
    schema["title"] = cls.type_name
    schema["x-greenmarket"] = {
        "type": cls.type_name,
        "version": cls.version,
        "topic": cls.topic,
        "aggregateType": cls.aggregate_type,
        "kind": cls.message_kind,
    }
    return schema


def envelope_schema() -> dict[str, Any]:
    schema = Envelope.model_json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = SCHEMA_DIALECT
    return schema


def schema_path(cls: type[Message]) -> str:
    return f"{cls.topic}/{cls.type_name}.v{cls.version}.json"


def generate_all() -> dict[str, dict[str, Any]]:
    schemas = {"envelope.json": envelope_schema()}
    for cls in all_messages():
        schemas[schema_path(cls)] = message_schema(cls)
    return schemas


def _properties(schema: dict[str, Any]) -> dict[str, Any]:
    return schema.get("properties", {})


def _type_of(prop: dict[str, Any]) -> Any:
    # Compare what values a field accepts, ignoring titles, defaults and descriptions.
    return {key: prop[key] for key in ("type", "anyOf", "enum", "format", "items", "$ref", "const") if key in prop}


def compatibility_problems(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    problems = []
    old_props, new_props = _properties(old), _properties(new)
    for name, prop in old_props.items():
        if name not in new_props:
            problems.append(f"field {name!r} was removed")
        elif _type_of(prop) != _type_of(new_props[name]):
            problems.append(f"field {name!r} changed type: {_type_of(prop)} -> {_type_of(new_props[name])}")
    added_required = set(new.get("required", [])) - set(old.get("required", []))
    for name in sorted(added_required):
        problems.append(f"field {name!r} became required")
    return problems


def write_all(root: Path) -> list[Path]:
    written = []
    for relative, schema in generate_all().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
        written.append(path)
    return written
