"""The whole system, as a newcomer gets it from `greenmarket up`, driven through the gateway.

One `greenmarket up` for the module (services, relays, workers, Faust agents, ops); the tests
then behave like two people and an operator: join, list an article with a photo, find it, mark
it, chat live, reserve and complete the trade, review it, delete an account, watch the lag.
The browser tests of the web app run against the same system at the end.
"""

from __future__ import annotations

import asyncio
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
import socketio
from PIL import Image

from greenmarket.infra.stack.services import ServiceContext

REPO = Path(__file__).resolve().parents[1]
GREENMARKET = Path(sys.executable).parent / "greenmarket"

pytestmark = pytest.mark.slow


def png(color=(30, 160, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(buffer, "PNG")
    return buffer.getvalue()


async def poll(check, *, timeout=30.0, interval=0.2, what="condition"):
    """Wait for an eventually consistent answer; returns the first truthy result."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout:.0f} s")
        await asyncio.sleep(interval)


@pytest.fixture(scope="module")
def system(stack, gateway):
    """`greenmarket up` in a subprocess; yields the gateway URL once every process is healthy.

    With GREENMARKET_URL set, the system already running there is used instead (a developer's
    own `greenmarket up`).
    """
    if running := os.environ.get("GREENMARKET_URL"):
        yield running.rstrip("/")
        return
    log_path = stack.state_dir / "system-test-up.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [str(GREENMARKET), "up", "--no-web", "--keep-stack"],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while "http://" not in _ready_line(log_path):
            if process.poll() is not None:
                raise AssertionError(f"greenmarket up exited {process.returncode}:\n{log_path.read_text()[-4000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"greenmarket up not ready in 240 s:\n{log_path.read_text()[-4000:]}")
            time.sleep(1)
        yield gateway
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        log.close()


def _ready_line(log_path: Path) -> str:
    text = log_path.read_text() if log_path.exists() else ""
    return next((line for line in text.splitlines() if "Greenmarket is up" in line), "")


def service_context(stack) -> ServiceContext:
    return ServiceContext(
        repo_root=REPO,
        state_dir=stack.state_dir,
        kafka_bootstrap_servers=stack.bootstrap_servers,
        redis_url=stack.redis_url,
        admin_dsn=stack.admin_dsn,
        media_root=stack.media_root,
        gateway_url=stack.gateway_url,
        jwks_url="",
    )


async def next_message(inbox: asyncio.Queue, matches, timeout: float = 15.0) -> dict:
    """The next message in a socket's inbox that `matches` (a socket also hears its own messages)."""
    deadline = time.monotonic() + timeout
    while True:
        message = await asyncio.wait_for(inbox.get(), max(0.1, deadline - time.monotonic()))
        if matches(message):
            return message


class Person:
    """One browser's worth of client: a cookie jar and the user it belongs to."""

    def __init__(self, base_url: str, label: str) -> None:
        suffix = uuid.uuid4().hex[:8]
        self.email = f"{label}-{suffix}@example.com"
        self.password = "correct horse battery"
        self.nickname = f"{label}{suffix[:4]}"
        self.http = httpx.AsyncClient(base_url=base_url, timeout=20)
        self.id: int | None = None

    async def join_and_login(self, address2="마포구") -> None:
        joined = await self.http.post(
            "/api/user/join",
            json={"email": self.email, "password": self.password, "nickname": self.nickname,
                  "address1": "서울", "address2": address2},
        )  # fmt: skip
        assert joined.status_code == 201, joined.text
        await self.login()

    async def login(self) -> None:
        response = await self.http.post("/api/user/login", json={"email": self.email, "password": self.password})
        assert response.status_code == 200, response.text
        self.id = response.json()["user"]["id"]

    @property
    def token(self) -> str:
        return self.http.cookies["x_auth"]

    async def chat_socket(self, base_url: str) -> tuple[socketio.AsyncClient, asyncio.Queue]:
        client = socketio.AsyncClient(reconnection=False)
        received: asyncio.Queue = asyncio.Queue()
        client.on("message", received.put_nowait)
        await client.connect(base_url, socketio_path="/ws/chat", transports=["websocket"], auth={"token": self.token})
        return client, received


async def test_two_people_trade_through_the_gateway(system, stack):
    seller, buyer = Person(system, "seller"), Person(system, "buyer")
    try:
        await seller.join_and_login()
        await buyer.join_and_login()

        # The seller lists an article with a photo; the photo is served by the gateway.
        title = f"초록 자전거 {uuid.uuid4().hex[:6]}"
        created = await seller.http.post(
            "/api/products",
            data={"title": title, "content": "거의 새것\n직거래만", "price": "50000", "categoryId": "1",
                  "address1": "서울", "address2": "마포구"},
            files=[("files", ("bike.png", png(), "image/png"))],
        )  # fmt: skip
        assert created.status_code == 201, created.text
        article = created.json()
        assert (await seller.http.get(article["images"][0]["url"])).status_code == 200

        # The buyer finds it by a Korean keyword and marks interest; the agent counts it once.
        found = await buyer.http.get("/api/products", params={"keyword": title.split()[1]})
        assert article["id"] in [item["id"] for item in found.json()["items"]]
        assert (await buyer.http.post(f"/api/products/{article['id']}/interest")).status_code == 201

        async def counted():
            body = (await buyer.http.get(f"/api/products/{article['id']}")).json()
            return body["interestCount"] == 1 and body["isInterested"]

        await poll(counted, what="interestCount 1")

        # A chat room: the seller, online, hears of it; messages flow live both ways.
        seller_socket, seller_inbox = await seller.chat_socket(system)
        room_created: asyncio.Queue = asyncio.Queue()
        seller_socket.on("room_created", room_created.put_nowait)

        async def room_opens():
            response = await buyer.http.post("/api/chat/rooms", json={"articleId": article["id"]})
            return response if response.status_code in (200, 201) else None

        room = (await poll(room_opens, what="chat room (article summary projected)")).json()
        assert (await asyncio.wait_for(room_created.get(), 10))["id"] == room["id"]
        buyer_socket, buyer_inbox = await buyer.chat_socket(system)
        ack = await buyer_socket.call(
            "send_message", {"roomId": room["id"], "text": "안녕하세요, 아직 있나요?", "clientMsgId": "m1"}
        )
        assert ack["ok"], ack
        heard = await next_message(seller_inbox, lambda m: m["senderId"] == buyer.id)
        assert (heard["text"], heard["seq"]) == ("안녕하세요, 아직 있나요?", 1)
        await seller_socket.call("send_message", {"roomId": room["id"], "text": "네 있어요", "clientMsgId": "s1"})
        answer = await next_message(buyer_inbox, lambda m: m["senderId"] == seller.id)
        assert (answer["text"], answer["seq"]) == ("네 있어요", 2)

        # The seller reserves the article for the buyer: a saga across product and chat.
        reserved = await seller.http.post("/api/trades", json={"articleId": article["id"], "buyerId": buyer.id})
        assert reserved.status_code == 202, reserved.text
        trade_id = reserved.json()["tradeId"]

        async def trade_in(status):
            body = (await seller.http.get(f"/api/trades/{trade_id}")).json()
            return body if body["status"] == status else None

        await poll(lambda: trade_in("RESERVED"), what="trade RESERVED")
        assert (await buyer.http.get(f"/api/products/{article['id']}")).json()["status"] == "RESERVED"
        # The semantic lock: a reserved article cannot be deleted.
        assert (await seller.http.delete(f"/api/products/{article['id']}")).status_code == 409
        notice = await next_message(buyer_inbox, lambda m: m["kind"] == "system")
        assert notice["senderId"] is None and notice["seq"] == 3

        # Completing it: product marks it sold, user counts the trade for both, chat says so.
        assert (await seller.http.post(f"/api/trades/{trade_id}/complete")).status_code == 202
        await poll(lambda: trade_in("COMPLETED"), what="trade COMPLETED")
        purchases = (await buyer.http.get("/api/products/purchases")).json()["items"]
        assert [p["id"] for p in purchases] == [article["id"]]
        assert purchases[0]["status"] == "SOLD" and purchases[0]["buyerId"] == buyer.id
        for person in (seller, buyer):
            profile = (await person.http.get(f"/api/user/{person.id}")).json()
            assert profile["tradeCount"] == 1

        # The buyer reviews; the seller's profile counts it.
        review = await buyer.http.post(
            f"/api/products/{article['id']}/review", json={"rating": 5, "content": "친절하셨어요"}
        )
        assert review.status_code == 201, review.text
        assert (
            await seller.http.post(f"/api/products/{article['id']}/review", json={"rating": 1, "content": "x"})
        ).status_code == 403

        async def review_counted():
            return (await buyer.http.get(f"/api/user/{seller.id}")).json()["reviewCount"] == 1

        await poll(review_counted, what="reviewCount 1")
        await seller_socket.disconnect()
        await buyer_socket.disconnect()
    finally:
        await seller.http.aclose()
        await buyer.http.aclose()


async def test_an_account_deletion_runs_to_the_end(system):
    leaving, other = Person(system, "leaving"), Person(system, "other")
    try:
        await leaving.join_and_login()
        await other.join_and_login()
        listed = await leaving.http.post(
            "/api/products",
            data={
                "title": "떠나기 전 정리",
                "content": "급처",
                "price": "0",
                "categoryId": "2",
                "address1": "서울",
                "address2": "마포구",
            },
            files=[("files", ("a.png", png((200, 30, 30)), "image/png"))],
        )
        assert listed.status_code == 201
        article_id = listed.json()["id"]

        async def room_opens():
            response = await other.http.post("/api/chat/rooms", json={"articleId": article_id})
            return response if response.status_code in (200, 201) else None

        room = (await poll(room_opens, what="chat room")).json()

        assert (await other.http.delete(f"/api/user/{leaving.id}")).status_code == 403
        started = await leaving.http.delete(f"/api/user/{leaving.id}")
        assert started.status_code == 202, started.text
        saga_id = started.json()["sagaId"]
        assert (await leaving.http.delete(f"/api/user/{leaving.id}")).status_code in (401, 409)

        async def saga_completed():
            response = await leaving.http.get(f"/api/sagas/{saga_id}")
            return response.status_code == 200 and response.json()["status"] == "COMPLETED"

        await poll(saga_completed, timeout=60, what="deletion saga COMPLETED")
        login = await leaving.http.post("/api/user/login", json={"email": leaving.email, "password": leaving.password})
        assert login.status_code == 401
        assert (await other.http.get(f"/api/user/{leaving.id}")).status_code == 404
        assert (await other.http.get(f"/api/products/{article_id}")).status_code == 404

        async def room_closed():
            body = (await other.http.get(f"/api/chat/rooms/{room['id']}")).json()
            return body["status"] == "CLOSED"

        await poll(room_closed, what="room closed")
    finally:
        await leaving.http.aclose()
        await other.http.aclose()


async def test_an_operator_sees_every_consumer_group_and_the_sagas(system, stack):
    operator = Person(system, "operator")
    try:
        await operator.join_and_login()
        context = service_context(stack)
        promote = await asyncio.create_subprocess_exec(
            str(GREENMARKET), "users", "promote", operator.email,
            env={**os.environ, **context.base_env("user")},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, errors = await asyncio.wait_for(promote.communicate(), 60)
        assert promote.returncode == 0, errors.decode()
        assert (await operator.http.get("/api/ops/lag")).status_code == 403  # the old token is a user's
        await operator.login()

        async def groups_known():
            response = await operator.http.get("/api/ops/lag")
            names = {g["group"] for g in response.json()["groups"]} if response.status_code == 200 else set()
            return names if {"user-participant", "product-participant", "chat-participant"} <= names else None

        groups = await poll(groups_known, timeout=60, what="participant groups in the lag view")
        assert groups
        sagas = await operator.http.get("/api/sagas", params={"limit": 5})
        assert sagas.status_code == 200
    finally:
        await operator.http.aclose()


def test_the_web_app_in_a_real_browser(system, stack):
    """Playwright on Debian's Chromium, against this running system (web/e2e/run.sh)."""
    build = subprocess.run(["bash", str(REPO / "web" / "build.sh")], capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    context = service_context(stack)
    result = subprocess.run(
        ["bash", str(REPO / "web" / "e2e" / "run.sh")],
        env={**os.environ, "GREENMARKET_URL": system, "GREENMARKET_E2E_REQUIRED": "1",
             "GREENMARKET_USER_DATABASE_URL": context.database_url("user")},
        capture_output=True,
        text=True,
        timeout=900,
    )  # fmt: skip
    print(result.stdout[-6000:])
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]


async def test_up_adds_demo_people_articles_and_an_operator(system):
    from greenmarket.infra.stack.demo import ARTICLES, DEMO_PASSWORD, OPERATOR_EMAIL

    async with httpx.AsyncClient(base_url=system, timeout=20) as http:
        login = await http.post("/api/user/login", json={"email": OPERATOR_EMAIL, "password": DEMO_PASSWORD})
        assert login.status_code == 200, login.text
        assert login.json()["user"]["role"] == "operator"
        titles = set()
        cursor = None
        while True:
            page = (await http.get("/api/products", params={"limit": 100, **({"cursor": cursor} if cursor else {})})).json()
            titles |= {item["title"] for item in page["items"]}
            cursor = page["nextCursor"]
            if not cursor:
                break
        assert {title for _, title, _, _ in ARTICLES} <= titles
