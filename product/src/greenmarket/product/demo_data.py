"""Demo articles: realistic Korean listings in every category, bulk-loaded with COPY.

Photos are drawn with Pillow once (a handful per category) and shared by many rows, so 100,000
articles need a few dozen files. Rows go straight into the tables (no outbox events): this is a
fixture for people and benchmarks, not a history other services should replay. `interest_count`
gets a skewed random value so the popularity order has something to sort.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
from PIL import Image, ImageDraw

from greenmarket.infra.images import MediaStore, ProcessedImage
from greenmarket.infra.messaging.relay import asyncpg_dsn
from greenmarket.product.categories import CATEGORIES

ITEMS: dict[int, list[str]] = {
    1: [
        "아이폰 13 미니",
        "갤럭시 S22",
        "에어팟 프로",
        "맥북 에어 M1",
        "아이패드 9세대",
        "닌텐도 스위치",
        "LG 그램 노트북",
        "다이슨 청소기",
        "블루투스 스피커",
        "4K 모니터",
    ],
    2: [
        "원목 식탁",
        "패브릭 소파",
        "이케아 책상",
        "사무용 의자",
        "원목 책장",
        "수납 서랍장",
        "스탠드 조명",
        "전신 거울",
        "침대 프레임",
        "러그",
    ],
    3: [
        "유모차",
        "아기 카시트",
        "유아 책상",
        "전집 동화책",
        "아기 침대",
        "장난감 자동차",
        "보행기",
        "아동 자전거",
        "블록 세트",
        "아기띠",
    ],
    4: [
        "전기밥솥",
        "에어프라이어",
        "커피머신",
        "믹서기",
        "캠핑 의자",
        "가습기",
        "제습기",
        "냄비 세트",
        "정수기 필터",
        "선풍기",
    ],
    5: [
        "로드 자전거",
        "요가 매트",
        "덤벨 세트",
        "캠핑 텐트",
        "등산화",
        "골프채 세트",
        "테니스 라켓",
        "스노보드",
        "인라인 스케이트",
        "축구공",
    ],
    6: [
        "가죽 토트백",
        "미니 크로스백",
        "실버 귀걸이",
        "선글라스",
        "머플러",
        "지갑",
        "손목시계",
        "헤어핀 세트",
        "클러치",
        "백팩",
    ],
    7: [
        "롱 원피스",
        "트렌치 코트",
        "니트 가디건",
        "청바지",
        "블라우스",
        "패딩 점퍼",
        "플리츠 스커트",
        "린넨 셔츠",
        "정장 세트",
        "후드티",
    ],
    8: ["남성 코트", "가죽 벨트", "운동화", "정장 구두", "셔츠", "백팩", "캡 모자", "니트", "슬랙스", "경량 패딩"],
    9: [
        "레고 세트",
        "보드게임",
        "플스5 타이틀",
        "피규어",
        "기타",
        "전자 키보드",
        "퍼즐 1000피스",
        "드론",
        "카메라 렌즈",
        "프라모델",
    ],
    10: [
        "향수",
        "헤어 드라이어",
        "고데기",
        "스킨케어 세트",
        "네일 키트",
        "메이크업 브러시",
        "마사지기",
        "쿠션 팩트",
        "립스틱 세트",
        "바디 로션",
    ],
    11: [
        "고양이 캣타워",
        "강아지 이동장",
        "펫 방석",
        "자동 급식기",
        "고양이 스크래쳐",
        "강아지 옷",
        "어항 세트",
        "반려견 유모차",
        "펫 드라이룸",
        "목줄 세트",
    ],
    12: [
        "콘서트 티켓",
        "소설책 묶음",
        "LP 레코드",
        "만화책 전권",
        "수험서",
        "영어 원서",
        "뮤지컬 티켓",
        "CD 앨범",
        "요리책",
        "여행 가이드북",
    ],
    13: [
        "몬스테라",
        "스투키 화분",
        "다육이 세트",
        "올리브 나무",
        "토분",
        "행운목",
        "산세베리아",
        "고무나무",
        "식물 조명",
        "분무기",
    ],
    14: [
        "캐리어",
        "우산",
        "공구 세트",
        "텀블러",
        "보조배터리",
        "빈티지 소품",
        "액자",
        "사무용품",
        "수제 비누",
        "보관함",
    ],
}
CONDITIONS = [
    "새상품",
    "미개봉",
    "거의 새것",
    "상태 좋음",
    "사용감 있음",
    "급처",
    "가격 내림",
    "정품",
    "풀박스",
    "택포",
]
PHRASES = [
    "직거래 선호합니다.",
    "택배 거래도 가능해요.",
    "흠집 없이 깨끗합니다.",
    "이사 가게 되어 정리합니다.",
    "구매한 지 얼마 안 됐어요.",
    "네고는 어렵습니다.",
    "문의 주시면 답 드릴게요.",
    "박스와 설명서 있습니다.",
    "실사용 몇 번 안 했습니다.",
    "동네 주민이면 더 좋아요.",
]
REGIONS = [
    ("서울특별시", "마포구"),
    ("서울특별시", "강남구"),
    ("서울특별시", "송파구"),
    ("서울특별시", "관악구"),
    ("서울특별시", "은평구"),
    ("부산광역시", "해운대구"),
    ("부산광역시", "수영구"),
    ("대구광역시", "수성구"),
    ("인천광역시", "연수구"),
    ("광주광역시", "북구"),
    ("대전광역시", "유성구"),
    ("경기도", "성남시"),
    ("경기도", "수원시"),
    ("경기도", "고양시"),
    ("제주특별자치도", "제주시"),
    ("강원도", "춘천시"),
]
PRICE_STEPS = [0, 1000, 3000, 5000, 10000, 15000, 20000, 30000, 50000, 80000, 120000, 200000, 350000, 500000, 900000]
COLUMNS = (
    "id",
    "seller_id",
    "title",
    "content",
    "price",
    "category_id",
    "address1",
    "address2",
    "status",
    "interest_count",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class DemoImage:
    url: str
    thumb_url: str
    width: int
    height: int


def _jpeg(image: Image.Image) -> ProcessedImage:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return ProcessedImage(buffer.getvalue(), image.width, image.height, "jpg")


def draw_photo(rng: random.Random, label: int) -> Image.Image:
    """A soft gradient with a few shapes: looks like a placeholder photo, not a test pattern."""
    width, height = 800, 600
    top = tuple(rng.randint(120, 230) for _ in range(3))
    bottom = tuple(rng.randint(30, 140) for _ in range(3))
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    for _ in range(3 + label % 4):
        x, y, r = rng.randint(100, 700), rng.randint(100, 500), rng.randint(40, 140)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rng.randint(0, 255) for _ in range(3)))
    return image


def make_images(store: MediaStore, rng: random.Random, per_category: int = 3) -> dict[int, list[DemoImage]]:
    images: dict[int, list[DemoImage]] = {}
    for category_id, _ in CATEGORIES:
        for n in range(per_category):
            photo = draw_photo(rng, category_id * 10 + n)
            thumb = photo.copy()
            thumb.thumbnail((400, 400))
            url = store.save("demo", _jpeg(photo))
            thumb_url = store.save("demo", _jpeg(thumb))
            images.setdefault(category_id, []).append(DemoImage(url, thumb_url, photo.width, photo.height))
    return images


def article_row(rng: random.Random, article_id: int, seller_ids: list[int], now: datetime) -> tuple:
    category_id = rng.randint(1, len(CATEGORIES))
    item = rng.choice(ITEMS[category_id])
    title = f"{item} {rng.choice(CONDITIONS)}" if rng.random() < 0.8 else item
    content = " ".join(rng.sample(PHRASES, rng.randint(2, 4))) + f" {item} 관심 있으시면 연락 주세요."
    price = rng.choice(PRICE_STEPS) + rng.randint(0, 9) * 1000
    address1, address2 = rng.choice(REGIONS)
    status = rng.choices(["ON_SALE", "SOLD"], weights=[9, 1])[0]
    interest_count = int(rng.paretovariate(1.6)) - 1
    created = now - timedelta(seconds=rng.randint(0, 90 * 24 * 3600))
    return (
        article_id,
        rng.choice(seller_ids),
        title,
        content,
        price,
        category_id,
        address1,
        address2,
        status,
        min(interest_count, 500),
        created,
        created,
    )


async def load_demo_data(
    database_url: str,
    store: MediaStore,
    count: int,
    *,
    sellers: int = 50,
    seed: int = 1,
    batch: int = 20_000,
    progress=None,
) -> int:
    rng = random.Random(seed)
    images = make_images(store, rng)
    seller_ids = list(range(1, sellers + 1))
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await connection.executemany(
            "INSERT INTO sellers (user_id, nickname, address1, address2) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (user_id) DO NOTHING",
            [(s, f"이웃{s}", *rng.choice(REGIONS)) for s in seller_ids],
        )
        now = datetime.now(UTC)
        done = 0
        while done < count:
            size = min(batch, count - done)
            async with connection.transaction():
                ids = [
                    r[0]
                    for r in await connection.fetch(
                        "SELECT nextval(pg_get_serial_sequence('articles', 'id')) FROM generate_series(1, $1)", size
                    )
                ]
                rows = [article_row(rng, article_id, seller_ids, now) for article_id in ids]
                await connection.copy_records_to_table("articles", records=rows, columns=COLUMNS)
                image_rows = []
                for row in rows:
                    pool = images[row[5]]
                    for position, image in enumerate(rng.sample(pool, rng.randint(1, len(pool)))):
                        image_rows.append((row[0], position, image.url, image.thumb_url, image.width, image.height))
                await connection.copy_records_to_table(
                    "article_images",
                    records=image_rows,
                    columns=("article_id", "position", "url", "thumb_url", "width", "height"),
                )
            done += size
            if progress:
                progress(done)
        await connection.execute("ANALYZE articles")
        await connection.execute("ANALYZE article_images")
    finally:
        await connection.close()
    return done
