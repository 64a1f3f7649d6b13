"""`python -m greenmarket.schemas.generate [ROOT]`: write the JSON Schemas and the AsyncAPI document."""

import json
import sys
from pathlib import Path

from greenmarket.schemas.asyncapi import asyncapi_document
from greenmarket.schemas.jsonschema import write_all


def main(root: Path) -> None:
    written = write_all(root / "json")
    (root / "asyncapi.json").write_text(json.dumps(asyncapi_document(), indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {len(written)} schemas and asyncapi.json under {root}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[3])
