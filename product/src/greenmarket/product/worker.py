"""`python -m greenmarket.product.worker`: the saga participant (product.commands → saga.replies)."""

from __future__ import annotations

from greenmarket.infra.db import create_engine, create_sessionmaker
from greenmarket.infra.messaging.participant import Participant
from greenmarket.infra.web.health import database_check, kafka_check
from greenmarket.infra.worker import main as run_worker
from greenmarket.product.service.trades import HANDLERS
from greenmarket.product.settings import ProductSettings

PROBE_PORT = 9022


def participant() -> Participant:
    return Participant("product", HANDLERS)


def main() -> None:
    settings = ProductSettings()
    engine = create_engine(settings.database_url, pool_size=2)
    runner = participant().runner(
        create_sessionmaker(engine),
        bootstrap_servers=settings.kafka_bootstrap_servers,
        topic_prefix=settings.topic_prefix,
        max_attempts=settings.consumer_max_attempts,
    )
    run_worker(
        "product-worker",
        {"participant": runner.run},
        probe_port=PROBE_PORT,
        readiness_checks=lambda: [database_check(engine), kafka_check(settings.kafka_bootstrap_servers)],
    )


if __name__ == "__main__":
    main()
