"""Base classes for the wire models: camelCase on the wire, snake_case in Python."""

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class WireModel(BaseModel):
    """A model that reads and writes camelCase JSON and accepts snake_case in code."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)

    def to_wire(self) -> dict:
        return self.model_dump(mode="json", by_alias=True)
