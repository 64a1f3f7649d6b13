"""The prototype's 14 categories: the ids are part of the contract (the web app links to them)."""

CATEGORIES: tuple[tuple[int, str], ...] = (
    (1, "디지털/가전"),
    (2, "가구/인테리어"),
    (3, "유아동/유아도서"),
    (4, "생활/가공식품"),
    (5, "스포츠/레저"),
    (6, "여성잡화"),
    (7, "여성의류"),
    (8, "남성패션/잡화"),
    (9, "게임/취미"),
    (10, "뷰티/미용"),
    (11, "반려동물용품"),
    (12, "도서티켓/음반"),
    (13, "식물"),
    (14, "기타 중고물품"),
)
