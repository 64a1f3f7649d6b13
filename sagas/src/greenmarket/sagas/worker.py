"""`python -m greenmarket.sagas.worker`: reply consumer, timer and event consumers, probes on 9042."""

from __future__ import annotations

from greenmarket.infra.db import create_engine, create_sessionmaker
from greenmarket.infra.web.health import database_check, kafka_check
from greenmarket.infra.worker import main as run_worker
from greenmarket.sagas.orchestrator import build_engine, components
from greenmarket.sagas.settings import Settings

PROBE_PORT = 9042


def main(probe_port: int | None = PROBE_PORT) -> None:
    settings = Settings()
    db = create_engine(settings.database_url)
    sessionmaker = create_sessionmaker(db)
    run_worker(
        "sagas-worker",
        components(settings, build_engine(settings), sessionmaker),
        probe_port=probe_port,
        readiness_checks=lambda: [
            database_check(db),
            kafka_check(settings.kafka_bootstrap_servers),
        ],
    )


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="The sagas worker: replies, timer, event consumers.")
    parser.add_argument("--probe-port", type=int, default=PROBE_PORT)
    main(parser.parse_args().probe_port)
