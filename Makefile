# The README's commands. Every target bootstraps first (uv + `uv sync --frozen`), so a fresh clone works.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(HOME)/.local/bin:$(PATH)

RUFF_VERSION := 0.17.5

.PHONY: bootstrap up test bench lint stack-up stack-down

bootstrap:
	@scripts/bootstrap.sh

## Everything: Kafka, PostgreSQL, Redis, nginx and every service; Ctrl-C stops it.
up: bootstrap
	uv run greenmarket up

## All tests against the real stack (started for the run unless already up). pytest collecting
## no test exits 5, which fails this target like any other failure. The web app's unit and
## browser tests run inside pytest (tests/test_gm_system.py), against the system it starts.
test: bootstrap
	uv run greenmarket stack prepare
	uv run pytest

## Benchmarks: every bench/<name>.py through `python -m bench <name>` (each prints its table and
## writes JSON under bench/results/); `make bench BENCH=outbox_pipeline` runs one.
BENCH ?= $(sort $(filter-out _%,$(basename $(notdir $(wildcard bench/*.py)))))
bench: bootstrap
	@if [ -z "$(strip $(BENCH))" ]; then echo "no benchmarks under bench/" >&2; exit 1; fi
	@for name in $(BENCH); do echo "== bench $$name"; uv run python -m bench "$$name"; done

lint: bootstrap
	uvx ruff@$(RUFF_VERSION) check .

stack-up: bootstrap
	uv run greenmarket stack up

stack-down: bootstrap
	uv run greenmarket stack down
