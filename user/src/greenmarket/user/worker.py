"""The user service's background process: the saga participant and the review counter."""

from __future__ import annotations

from greenmarket.infra.db import create_engine, create_sessionmaker
from greenmarket.infra.images import MediaStore
from greenmarket.infra.web.health import database_check, kafka_check
from greenmarket.infra.worker import Component, main
from greenmarket.user.consumers import review_counter
from greenmarket.user.participant import user_participant
from greenmarket.user.settings import UserSettings

PROBE_PORT = 9012


def components(settings: UserSettings, sessionmaker) -> dict[str, Component]:
    media = MediaStore(settings.media_root, settings.media_url_prefix)
    kafka = {
        "bootstrap_servers": settings.kafka_bootstrap_servers,
        "topic_prefix": settings.topic_prefix,
        "max_attempts": settings.consumer_max_attempts,
    }
    return {
        "participant": user_participant(media).runner(sessionmaker, **kafka).run,
        "review-counter": review_counter(sessionmaker, **kafka).run,
    }


def run(probe_port: int | None = PROBE_PORT) -> None:
    settings = UserSettings()
    engine = create_engine(settings.database_url, pool_size=4)
    main(
        "user-worker",
        components(settings, create_sessionmaker(engine)),
        probe_port=probe_port,
        readiness_checks=lambda: [database_check(engine), kafka_check(settings.kafka_bootstrap_servers)],
    )


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="The user service's saga participant and consumers.")
    parser.add_argument("--probe-port", type=int, default=PROBE_PORT)
    run(parser.parse_args().probe_port)
