"""The chat's Faust worker: keeps the article and profile projections, closes orphaned rooms.

`python -m greenmarket.chat.agents` (probes on CHAT agents_probe_port, 9033 by default). Rooms
closed here are announced to clients through a write-only Socket.IO manager on the chat's Redis
channel, after the projection's transaction commits.
"""

from __future__ import annotations

import faust

from greenmarket.chat.broadcasts import Broadcaster, broadcasting_sessionmaker
from greenmarket.chat.projections import PROJECTIONS
from greenmarket.chat.realtime.manager import write_only_manager
from greenmarket.chat.settings import ChatSettings
from greenmarket.infra.db import create_engine
from greenmarket.infra.messaging.consumer import IdempotentProcessor
from greenmarket.infra.messaging.dead_letters import DeadLetterPublisher
from greenmarket.infra.messaging.faust_agents import idempotent_agent, make_faust_app
from greenmarket.infra.messaging.projections import ProjectionSpec
from greenmarket.infra.messaging.topics import topic_name
from greenmarket.infra.web.health import database_check


def build_agents_app(settings: ChatSettings) -> faust.App:
    engine = create_engine(settings.database_url, pool_size=4)
    app = make_faust_app(
        f"{settings.topic_prefix}chat-agents",
        bootstrap_servers=settings.kafka_bootstrap_servers,
        probe_port=settings.agents_probe_port,
        readiness_checks=lambda: [database_check(engine)],
    )
    shared: dict[str, object] = {}

    def sessionmaker():
        # Made inside the worker's event loop, once, and shared by the agents.
        if "sessionmaker" not in shared:
            manager = write_only_manager(settings.redis_url, settings.pubsub_channel)
            broadcaster = Broadcaster(lambda event, data, room: manager.emit(event, data, room=room))
            shared["sessionmaker"] = broadcasting_sessionmaker(engine, broadcaster)
        return shared["sessionmaker"]

    def processor_for(spec: ProjectionSpec):
        def factory() -> IdempotentProcessor:
            return IdempotentProcessor(
                spec.consumer,
                sessionmaker(),
                DeadLetterPublisher(settings.kafka_bootstrap_servers),
                batch_handler=spec.batch_handler,
                max_attempts=settings.consumer_max_attempts,
            )

        return factory

    for spec in PROJECTIONS:
        idempotent_agent(
            app,
            [topic_name(topic, settings.topic_prefix) for topic in spec.topics],
            processor_for(spec),
            name=spec.consumer.replace("-", "_"),
        )
    return app


def main() -> None:
    settings = ChatSettings()
    app = build_agents_app(settings)
    faust.Worker(app, loglevel=settings.log_level.lower()).execute_from_commandline()


if __name__ == "__main__":
    main()
