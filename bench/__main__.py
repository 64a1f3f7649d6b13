"""`python -m bench NAME [args...]`: import bench.NAME and call its main()."""

import importlib
import sys
from pathlib import Path


def available() -> list[str]:
    return sorted(p.stem for p in Path(__file__).parent.glob("*.py") if not p.stem.startswith("_"))


def run(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print("usage: python -m bench NAME [args...]\nbenchmarks: " + ", ".join(available()))
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in available():
        print(f"no benchmark {name!r}; benchmarks: {', '.join(available())}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"bench.{name}")
    sys.argv = [f"bench {name}", *rest]
    return module.main() or 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
