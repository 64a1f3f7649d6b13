"""The chat ASGI app: FastAPI (REST) and python-socketio (`/ws/chat`) in one process.

`uvicorn --factory greenmarket.chat.app:create_app`. Several such processes share one Redis
pub/sub channel, so an emit on one reaches sockets held by any other.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

import socketio
from fastapi import FastAPI, Request
from redis.asyncio import BlockingConnectionPool, Redis

from greenmarket.chat.api import router
from greenmarket.chat.broadcasts import Broadcaster, broadcasting_sessionmaker
from greenmarket.chat.domain import ChatError
from greenmarket.chat.rate_limit import SendRateLimiter
from greenmarket.chat.realtime.events import register_events
from greenmarket.chat.realtime.manager import ChatRedisManager
from greenmarket.chat.settings import ChatSettings
from greenmarket.infra.auth import JwksVerifier
from greenmarket.infra.db import create_engine
from greenmarket.infra.web.app import create_service_app
from greenmarket.infra.web.health import database_check, redis_check
from greenmarket.infra.web.problems import Problem, problem_response

SOCKETIO_PATH = "/ws/chat"


def create_app(settings: ChatSettings | None = None, *, verifier: JwksVerifier | None = None) -> socketio.ASGIApp:
    settings = settings or ChatSettings()
    verifier = verifier or JwksVerifier.from_url(settings.jwks_url)
    sio = socketio.AsyncServer(
        async_mode="asgi",
        client_manager=ChatRedisManager(settings.redis_url, channel=settings.pubsub_channel),
        cors_allowed_origins=settings.cors_allowed_origins,
    )
    engine = create_engine(settings.database_url)
    # A blocking pool: under a burst, senders wait a moment for a connection instead of failing
    # with "Too many connections" (the rate limiter makes one round trip per message).
    redis = Redis(connection_pool=BlockingConnectionPool.from_url(settings.redis_url, max_connections=64, timeout=5))
    broadcaster = Broadcaster(lambda event, data, room: sio.emit(event, data, room=room))
    sessionmaker = broadcasting_sessionmaker(engine, broadcaster)
    limiter = SendRateLimiter(
        redis,
        limit=settings.rate_limit_messages,
        window_seconds=settings.rate_limit_window_seconds,
        key_prefix=settings.redis_key_prefix,
    )
    register_events(
        sio, sessionmaker=sessionmaker, verifier=verifier, limiter=limiter, sync_max_items=settings.sync_max_items
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Subscribe to the pub/sub channel now rather than at the first connection, so no emit
        # from another process is missed by the first sockets.
        if not sio.manager_initialized:
            sio.manager_initialized = True
            sio.manager.initialize()
        yield
        await broadcaster.close()
        await sio.shutdown()
        await redis.aclose()
        await engine.dispose()

    api = create_service_app(
        "chat",
        routers=[router],
        readiness_checks=lambda: [
            # The API never talks to Kafka (the relay does), so only what it serves from counts.
            database_check(engine),
            redis_check(redis),
        ],
        lifespan=lifespan,
        log_level=settings.log_level,
    )
    api.state.settings = settings
    api.state.jwks_verifier = verifier
    api.state.sessionmaker = sessionmaker
    api.state.sio = sio
    api.state.broadcaster = broadcaster

    @api.exception_handler(ChatError)
    async def _chat_error(_: Request, exc: ChatError):
        return problem_response(Problem(exc.status, exc.message))

    return socketio.ASGIApp(sio, other_asgi_app=api, socketio_path=SOCKETIO_PATH.lstrip("/"))
