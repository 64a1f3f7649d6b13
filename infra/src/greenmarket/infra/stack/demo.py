"""Demo data for `greenmarket up`: people, articles with photos and interests — through the API.

Everything is created through the gateway, as a person would, so every event flows: seller
profiles reach product, article summaries reach chat, interests are counted by the agent. It runs
once per state dir (a marker file remembers it); `greenmarket demo` runs it again on purpose.
The operator is promoted with the user service's own CLI (`greenmarket users promote`).
"""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
from PIL import Image, ImageDraw

OPERATOR_EMAIL = "operator@demo.example.com"
DEMO_PASSWORD = "greenmarket-demo"  # documented in the README; dev machines only

PEOPLE = (
    ("operator@demo.example.com", "운영자", "서울특별시", "중구"),
    ("minji@demo.example.com", "민지네", "서울특별시", "마포구"),
    ("junho@demo.example.com", "준호", "서울특별시", "마포구"),
    ("seoyeon@demo.example.com", "서연맘", "경기도", "성남시"),
    ("dohyun@demo.example.com", "도현", "서울특별시", "강남구"),
)

ARTICLES = (
    (1, "아이패드 에어 5세대 64GB", 520000, "케이스랑 펜슬 같이 드려요.\n배터리 효율 92%입니다."),
    (1, "블루투스 스피커", 35000, "소리 잘 나와요. 충전 케이블 포함."),
    (2, "원목 4인 식탁", 120000, "이사 때문에 급하게 팝니다.\n직접 가지러 오셔야 해요."),
    (2, "북유럽 스탠드 조명", 0, "무료나눔합니다! 전구 포함."),
    (3, "유아 그림책 20권 세트", 25000, "깨끗하게 봤어요."),
    (4, "캠핑용 커피 그라인더", 18000, "두 번 사용했습니다."),
    (5, "로드 자전거 (M 사이즈)", 350000, "정비 완료, 펑크 없음.\n헬멧 서비스로 드려요."),
    (5, "요가 매트", 8000, "두께 10mm"),
    (7, "트렌치 코트 (55)", 45000, "한 번 입었어요."),
    (8, "가죽 지갑", 22000, "선물 받았는데 안 써서 팝니다."),
    (9, "닌텐도 스위치 게임 3종", 90000, "젤다, 마리오카트, 동물의 숲"),
    (10, "헤어 드라이어", 15000, "바람 세요."),
    (11, "고양이 캣타워", 40000, "스크래처 새것으로 교체했어요."),
    (12, "뮤지컬 티켓 2매", 110000, "토요일 저녁 공연입니다."),
    (13, "몬스테라 화분", 12000, "잎 7장, 건강해요."),
    (14, "전동 드릴 세트", 30000, "비트 다 있어요."),
)


@dataclass
class DemoResult:
    people: int
    articles: int


def photo(seed: int) -> bytes:
    """A simple, recognisable picture per article (no downloads needed)."""
    rng = random.Random(seed)
    image = Image.new("RGB", (800, 600), tuple(rng.randint(150, 240) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randint(0, 700), rng.randint(0, 500)
        size = rng.randint(60, 220)
        color = tuple(rng.randint(20, 200) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse((x, y, x + size, y + size), fill=color)
        else:
            draw.rectangle((x, y, x + size, y + size * 0.7), fill=color)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _login(client: httpx.Client, email: str, nickname: str, address1: str, address2: str) -> int:
    joined = client.post(
        "/api/user/join",
        json={
            "email": email,
            "password": DEMO_PASSWORD,
            "nickname": nickname,
            "address1": address1,
            "address2": address2,
        },
    )
    if joined.status_code not in (201, 409):
        joined.raise_for_status()
    response = client.post("/api/user/login", json={"email": email, "password": DEMO_PASSWORD})
    response.raise_for_status()
    return response.json()["user"]["id"]


def promote_operator(user_env: dict[str, str]) -> None:
    cli = Path(sys.executable).parent / "greenmarket"
    subprocess.run(
        [str(cli), "users", "promote", OPERATOR_EMAIL],
        env={**os.environ, **user_env},
        check=True,
        capture_output=True,
        timeout=60,
    )


def seed(gateway_url: str, user_env: dict[str, str]) -> DemoResult:
    clients = [httpx.Client(base_url=gateway_url, timeout=30) for _ in PEOPLE]
    try:
        ids = [_login(c, *person) for c, person in zip(clients, PEOPLE, strict=True)]
        promote_operator(user_env)
        sellers = clients[1:]
        articles = []
        for n, (category, title, price, content) in enumerate(ARTICLES):
            seller_index = n % len(sellers)
            person = PEOPLE[1 + seller_index]
            response = sellers[seller_index].post(
                "/api/products",
                data={"title": title, "content": content, "price": str(price), "categoryId": str(category),
                      "address1": person[2], "address2": person[3]},
                files=[("files", (f"photo{n}.jpg", photo(n), "image/jpeg")), ("files", (f"detail{n}.jpg", photo(n + 100), "image/jpeg"))],
            )  # fmt: skip
            response.raise_for_status()
            articles.append((1 + seller_index, response.json()["id"]))
        # Everyone likes a few things that are not theirs.
        rng = random.Random(3)
        for index, client in enumerate(clients[1:], start=1):
            for owner, article_id in rng.sample(articles, 6):
                if owner != index:
                    client.post(f"/api/products/{article_id}/interest")
        return DemoResult(people=len(ids), articles=len(articles))
    finally:
        for client in clients:
            client.close()
