"""Committed JSON Schemas stay in step with the models, and change only compatibly."""

import json
from pathlib import Path

import pytest

from greenmarket.schemas.jsonschema import compatibility_problems, generate_all, message_schema
from greenmarket.schemas.registry import Message, register

SCHEMA_ROOT = Path(__file__).resolve().parents[1] / "json"
GENERATED = generate_all()


@pytest.mark.parametrize("relative", sorted(GENERATED))
def test_committed_schema_matches_the_model(relative):
    committed_path = SCHEMA_ROOT / relative
    assert committed_path.exists(), f"{relative} is not committed: run `python -m greenmarket.schemas.generate`"
    committed = json.loads(committed_path.read_text())
    generated = GENERATED[relative]
    problems = compatibility_problems(committed, generated)
    assert not problems, (
        f"{relative} changed incompatibly ({'; '.join(problems)}): keep this version as it was and add "
        "a new version of the message instead"
    )
    assert committed == json.loads(json.dumps(generated)), (
        f"{relative} is out of date: run `python -m greenmarket.schemas.generate`"
    )


def test_every_committed_schema_still_has_a_model():
    committed = {p.relative_to(SCHEMA_ROOT).as_posix() for p in SCHEMA_ROOT.rglob("*.json")}
    assert committed - set(GENERATED) == set(), "a schema file has no model: a published version was removed"


def _schema(**fields) -> dict:
    return {"properties": {k: {"type": t} for k, t in fields.items()}, "required": sorted(fields)}


def test_adding_an_optional_field_is_compatible():
    old = _schema(articleId="integer")
    new = {**_schema(articleId="integer"), "properties": {**old["properties"], "note": {"type": "string"}}}
    assert compatibility_problems(old, new) == []


@pytest.mark.parametrize(
    ("new", "problem"),
    [
        (_schema(), "removed"),
        (_schema(articleId="string"), "changed type"),
        (_schema(articleId="integer", sellerId="integer"), "became required"),
    ],
)
def test_incompatible_changes_are_reported(new, problem):
    problems = compatibility_problems(_schema(articleId="integer"), new)
    assert any(problem in p for p in problems), problems


def test_an_incompatible_model_change_fails_against_its_committed_schema():
    class ProductDeletedChanged(Message):
        type_name = "ProductDeleted"
        topic = "product.events"
        aggregate_type = "article"
        article_id: str  # was an integer

    committed = json.loads((SCHEMA_ROOT / "product.events/ProductDeleted.v1.json").read_text())
    assert compatibility_problems(committed, message_schema(ProductDeletedChanged))


def test_a_type_cannot_be_registered_twice_with_another_class():
    class Duplicate(Message):
        type_name = "ProductDeleted"
        topic = "product.events"
        aggregate_type = "article"

    with pytest.raises(ValueError, match="registered twice"):
        register(Duplicate)
