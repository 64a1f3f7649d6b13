"""The Faust worker of the product service: the interest-count and seller projections.

Run it as `python -m greenmarket.product.agents --datadir DIR worker` (Faust's own CLI; probes on
AGENTS_PROBE_PORT, default 9023; Faust keeps a small state folder in DIR, default `./product-agents-data`).
Both agents feed batches to an IdempotentProcessor whose batch handler is the projection's
(greenmarket.product.projections), the same function `greenmarket projections rebuild` uses.
"""

from __future__ import annotations

import faust

from greenmarket.infra.db import create_engine, create_sessionmaker
from greenmarket.infra.messaging.consumer import IdempotentProcessor
from greenmarket.infra.messaging.dead_letters import DeadLetterPublisher
from greenmarket.infra.messaging.faust_agents import idempotent_agent, make_faust_app
from greenmarket.infra.messaging.projections import ProjectionSpec
from greenmarket.infra.messaging.topics import topic_name
from greenmarket.infra.web.health import database_check, kafka_check
from greenmarket.product.projections import INTEREST_COUNTS, SELLERS
from greenmarket.product.settings import ProductSettings


def build_app(settings: ProductSettings | None = None) -> faust.App:
    settings = settings or ProductSettings()
    engine = create_engine(settings.database_url, pool_size=2)
    sessionmaker = create_sessionmaker(engine)
    app = make_faust_app(
        # The app id is the consumer group prefix: each test namespace gets its own groups.
        f"{settings.topic_prefix}product-agents",
        bootstrap_servers=settings.kafka_bootstrap_servers,
        probe_port=settings.agents_probe_port,
        readiness_checks=lambda: [database_check(engine), kafka_check(settings.kafka_bootstrap_servers)],
    )

    def processor_for(spec: ProjectionSpec):
        def factory() -> IdempotentProcessor:
            return IdempotentProcessor(
                spec.consumer,
                sessionmaker,
                DeadLetterPublisher(settings.kafka_bootstrap_servers),
                batch_handler=spec.batch_handler,
                max_attempts=settings.consumer_max_attempts,
            )

        return factory

    for spec in (INTEREST_COUNTS, SELLERS):
        idempotent_agent(
            app,
            [topic_name(topic, settings.topic_prefix) for topic in spec.topics],
            processor_for(spec),
            name=spec.consumer,
        )
    return app


if __name__ == "__main__":
    build_app().main()
