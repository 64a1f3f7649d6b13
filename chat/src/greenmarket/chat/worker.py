"""The chat's saga participant process: `python -m greenmarket.chat.worker` (probes on 9032).

Commands from `chat.commands` are handled once each (ConfirmTradeRoom, PostTradeMessage,
CloseUserRooms); the system messages they post reach clients through a write-only Socket.IO
manager after the participant's transaction commits.
"""

from __future__ import annotations

import asyncio

from greenmarket.chat.broadcasts import Broadcaster, broadcasting_sessionmaker
from greenmarket.chat.realtime.manager import write_only_manager
from greenmarket.chat.service.commands import chat_participant
from greenmarket.chat.settings import ChatSettings
from greenmarket.infra.db import create_engine
from greenmarket.infra.web.health import database_check, kafka_check
from greenmarket.infra.worker import main as run_worker


def participant_component(settings: ChatSettings):
    async def run(stop: asyncio.Event) -> None:
        engine = create_engine(settings.database_url, pool_size=4)
        manager = write_only_manager(settings.redis_url, settings.pubsub_channel)
        broadcaster = Broadcaster(lambda event, data, room: manager.emit(event, data, room=room))
        runner = chat_participant().runner(
            broadcasting_sessionmaker(engine, broadcaster),
            bootstrap_servers=settings.kafka_bootstrap_servers,
            topic_prefix=settings.topic_prefix,
            max_attempts=settings.consumer_max_attempts,
        )
        try:
            await runner.run(stop)
        finally:
            await broadcaster.close()
            await engine.dispose()

    return run


def main() -> None:
    settings = ChatSettings()
    engine = create_engine(settings.database_url, pool_size=1)
    run_worker(
        "chat-worker",
        {"participant": participant_component(settings)},
        probe_port=settings.worker_probe_port,
        readiness_checks=lambda: [database_check(engine), kafka_check(settings.kafka_bootstrap_servers)],
    )


if __name__ == "__main__":
    main()
