"""Helpers for the chat tests: live uvicorn servers, Socket.IO clients, seeded projections."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import socketio
import uvicorn

from greenmarket.chat.service.projections import apply_product_events, apply_user_events
from greenmarket.schemas.events.product import (
    ProductCreated,
    ProductDeleted,
    ProductStatusChanged,
)
from greenmarket.schemas.events.user import UserRegistered
from greenmarket.infra.testing.tokens import make_token

LIVE_EVENTS = ("message", "room_created", "room_closed", "read", "connect_error")


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def free_port() -> int:
    with free_socket() as sock:
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """A chat app served by uvicorn inside the test's event loop, on its own port."""

    app: Any
    server: uvicorn.Server
    task: asyncio.Task
    url: str

    @property
    def api(self):
        return self.app.other_asgi_app

    @property
    def sessionmaker(self):
        return self.api.state.sessionmaker

    async def stop(self) -> None:
        self.server.should_exit = True
        try:
            await asyncio.wait_for(self.task, 10)
        except TimeoutError:
            self.server.force_exit = True
            await asyncio.wait_for(self.task, 5)


async def start_server(app) -> LiveServer:
    sock = free_socket()
    config = uvicorn.Config(app, lifespan="on", log_level="warning", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    server.capture_signals = _no_signal_capture  # the test runner owns signals
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    return LiveServer(app, server, task, f"http://127.0.0.1:{sock.getsockname()[1]}")


def _no_signal_capture():
    import contextlib

    return contextlib.nullcontext()


@dataclass
class ChatClient:
    """A python-socketio client that records every live event it receives."""

    user_id: int | None
    sio: socketio.AsyncClient = field(default_factory=lambda: socketio.AsyncClient(reconnection=False))
    events: dict[str, list] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        for name in LIVE_EVENTS:
            self.sio.on(name, self._recorder(name))

    def _recorder(self, name: str):
        async def record(data):
            self.events[name].append(data)

        return record

    async def connect(self, url: str, *, token: str | None = None, headers: dict | None = None, auth=None) -> None:
        if auth is None and token is None and headers is None and self.user_id is not None:
            token = make_token(self.user_id)
        await self.sio.connect(
            url,
            socketio_path="/ws/chat",
            transports=["websocket"],
            auth=auth if auth is not None else ({"token": token} if token else None),
            headers=headers or {},
            wait_timeout=10,
        )

    async def call(self, event: str, data: Any) -> dict:
        return await self.sio.call(event, data, timeout=10)

    async def send(self, room_id: int, text: str, client_msg_id: str | None = None) -> dict:
        return await self.call(
            "send_message", {"roomId": room_id, "text": text, "clientMsgId": client_msg_id or uuid.uuid4().hex}
        )

    def live_messages(self, room_id: int) -> list[dict]:
        return [m for m in self.events["message"] if m["roomId"] == room_id]

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()


async def connected(url: str, user_id: int) -> ChatClient:
    client = ChatClient(user_id)
    await client.connect(url)
    return client


def article_created(article_id: int, seller_id: int, *, status: str = "ON_SALE", title: str = "자전거 팝니다"):
    return ProductCreated(
        article_id=article_id,
        seller_id=seller_id,
        title=title,
        price=50000,
        status=status,
        category_id=1,
        address1="서울특별시",
        address2="마포구",
        thumb_url=f"/media/articles/{article_id}/thumb.webp",
    ).envelope(aggregate_id=article_id, producer="product")


def article_deleted(article_id: int, seller_id: int):
    return ProductDeleted(article_id=article_id, seller_id=seller_id).envelope(
        aggregate_id=article_id, producer="product"
    )


def status_changed(article_id: int, seller_id: int, status: str, previous: str = "ON_SALE"):
    return ProductStatusChanged(
        article_id=article_id, seller_id=seller_id, status=status, previous_status=previous
    ).envelope(aggregate_id=article_id, producer="product")


def user_registered(user_id: int, nickname: str):
    return UserRegistered(
        user_id=user_id, nickname=nickname, address1="서울특별시", address2="마포구", profile_image_url=None
    ).envelope(aggregate_id=user_id, producer="user")


async def seed(sessionmaker, *, product_events=(), user_events=()) -> None:
    """Feed events to the projections directly (the Kafka path has its own test)."""
    async with sessionmaker() as session, session.begin():
        if product_events:
            await apply_product_events(session, list(product_events))
        if user_events:
            await apply_user_events(session, list(user_events))


async def open_room_as(http, buyer_id: int, article_id: int) -> dict:
    from greenmarket.infra.testing.tokens import bearer

    response = await http.post("/api/chat/rooms", json={"articleId": article_id}, headers=bearer(buyer_id))
    assert response.status_code in (200, 201), response.text
    return response.json()
