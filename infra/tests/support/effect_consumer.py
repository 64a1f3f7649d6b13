"""A consumer process for bad-day tests: applies `record_effect` for every event it reads.

    python -m support.effect_consumer plain|faust DATABASE_URL BOOTSTRAP TOPIC GROUP [DELAY_S]

`DELAY_S` slows each batch down so a test can SIGKILL the process in the middle of one.
"""

import asyncio
import sys
import tempfile

from greenmarket.infra.db import create_engine, create_sessionmaker
from greenmarket.infra.messaging.consumer import ConsumerRunner, IdempotentProcessor
from greenmarket.infra.messaging.dead_letters import DeadLetterPublisher
from greenmarket.infra.worker import run_components
from support.messaging_db import EFFECTS, record_effect


def make_processor(database_url: str, bootstrap: str, group: str, delay: float) -> IdempotentProcessor:
    sessionmaker = create_sessionmaker(create_engine(database_url, pool_size=2))

    async def apply(session, envelopes):
        for envelope in envelopes:
            await record_effect(session, envelope)
        # The effects are written but not committed yet: a kill here must lose them all.
        await asyncio.sleep(delay)

    return IdempotentProcessor(group, sessionmaker, DeadLetterPublisher(bootstrap), batch_handler=apply)


def main() -> None:
    mode, database_url, bootstrap, topic, group = sys.argv[1:6]
    delay = float(sys.argv[6]) if len(sys.argv) > 6 else 0.0
    if mode == "plain":
        runner = ConsumerRunner(
            bootstrap_servers=bootstrap,
            group_id=group,
            topics=[topic],
            processor=make_processor(database_url, bootstrap, group, delay),
            max_records=50,
        )
        asyncio.run(run_components("effect-consumer", {"consumer": runner.run}))
    else:
        from greenmarket.infra.messaging.faust_agents import idempotent_agent, make_faust_app, run_worker

        app = make_faust_app(group, bootstrap_servers=bootstrap, datadir=tempfile.mkdtemp(prefix="faust-"))
        idempotent_agent(
            app,
            [topic],
            lambda: make_processor(database_url, bootstrap, group, delay),
            name="effects",
            batch_size=50,
        )
        run_worker(app)


if __name__ == "__main__":
    assert EFFECTS is not None
    main()
