"""Routes: categories, the article list, and an article's life (create, read, edit, delete)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, UploadFile
from fastapi.responses import JSONResponse, Response

from greenmarket.infra.auth import Principal
from greenmarket.infra.auth.dependencies import current_user, optional_user
from greenmarket.infra.web.problems import Problem
from greenmarket.product.api import deps
from greenmarket.product.categories import CATEGORIES
from greenmarket.product.cursors import BadCursor
from greenmarket.product.domain import Status
from greenmarket.product.listing import ORDERS, ArticleFilter
from greenmarket.product.service import queries
from greenmarket.product.service.articles import ArticleFields, create_article, delete_article, update_article
from greenmarket.product.service.media import check_image_count, decode_uploads

router = APIRouter()

ArticleId = Annotated[int, Path(ge=1, le=deps.MAX_ID)]
Order = Literal["-createdAt", "-interestCount", "price", "-price"]
Limit = Annotated[int, Query(ge=1, le=100)]
PriceQuery = Annotated[int | None, Query(ge=0, le=999_999_999)]


def page_json(page: queries.Page, *, with_content: bool) -> dict:
    return {"items": [a.to_json(with_content=with_content) for a in page.items], "nextCursor": page.next_cursor}


def cursor_problem(error: BadCursor) -> Problem:
    return Problem(422, str(error), title="Validation failed", errors=[{"field": "cursor", "message": str(error)}])


def article_fields(
    title: str, content: str, price: int, category_id: int, address1: str, address2: str
) -> ArticleFields:
    blank = [
        name for name, value in (("title", title), ("address1", address1), ("address2", address2)) if not value.strip()
    ]
    if blank:
        raise Problem(
            422,
            "Required fields are blank.",
            title="Validation failed",
            errors=[{"field": name, "message": "must not be blank"} for name in blank],
        )
    return ArticleFields(title.strip(), content, price, category_id, address1.strip(), address2.strip())


@router.get("/api/categories")
async def list_categories() -> dict:
    return {"items": [{"id": category_id, "name": name} for category_id, name in CATEGORIES]}


@router.get("/api/products")
async def list_products(
    db=Depends(deps.session),
    viewer: Principal | None = Depends(optional_user),
    keyword: Annotated[str | None, Query(min_length=2, max_length=30)] = None,
    category_id: Annotated[int | None, Query(alias="categoryId", ge=1, le=2**31 - 1)] = None,
    address1: Annotated[str | None, Query(max_length=30)] = None,
    address2: Annotated[str | None, Query(max_length=30)] = None,
    seller_id: Annotated[int | None, Query(alias="sellerId", ge=1, le=deps.MAX_ID)] = None,
    status: Status | None = None,
    min_price: Annotated[int | None, Query(alias="minPrice", ge=0, le=999_999_999)] = None,
    max_price: Annotated[int | None, Query(alias="maxPrice", ge=0, le=999_999_999)] = None,
    order: Order = "-createdAt",
    limit: Limit = 20,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> JSONResponse:
    if keyword is not None and len(keyword.strip()) < 2:
        raise Problem(
            422,
            "The keyword needs 2 to 30 characters.",
            title="Validation failed",
            errors=[{"field": "keyword", "message": "2 to 30 characters, not only spaces"}],
        )
    filters = ArticleFilter(
        keyword=keyword.strip() if keyword else None,
        category_id=category_id,
        address1=address1,
        address2=address2,
        seller_id=seller_id,
        status=status.value if status else None,
        min_price=min_price,
        max_price=max_price,
    )
    try:
        page = await queries.list_articles(db, filters, order, cursor, limit, viewer.user_id if viewer else None)
    except BadCursor as error:
        raise cursor_problem(error) from None
    return JSONResponse(page_json(page, with_content=False))


@router.post("/api/products", status_code=201)
async def post_product(
    title: Annotated[str, Form(min_length=1, max_length=100)],
    price: Annotated[int, Form(ge=0, le=999_999_999)],
    category_id: Annotated[int, Form(alias="categoryId")],
    address1: Annotated[str, Form(min_length=1, max_length=30)],
    address2: Annotated[str, Form(min_length=1, max_length=30)],
    content: Annotated[str, Form(max_length=5000)] = "",
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006 - FastAPI copies defaults
    user: Principal = Depends(current_user),
    sessionmaker=Depends(deps.sessionmaker),
    store=Depends(deps.media_store),
    settings=Depends(deps.settings),
) -> JSONResponse:
    fields = article_fields(title, content, price, category_id, address1, address2)
    check_image_count(len(files))
    decoded = await decode_uploads(await deps.read_uploads(files), settings.image_max_side, settings.thumb_max_side)
    article_id = await create_article(sessionmaker, store, user, fields, decoded)
    async with sessionmaker() as db:
        article = await queries.get_article(db, article_id, user.user_id)
    return JSONResponse(article.to_json(), status_code=201, headers={"Location": f"/api/products/{article_id}"})


@router.get("/api/products/{article_id}")
async def get_product(
    article_id: ArticleId, db=Depends(deps.session), viewer: Principal | None = Depends(optional_user)
) -> JSONResponse:
    article = await queries.get_article(db, article_id, viewer.user_id if viewer else None)
    if article is None:
        raise Problem(404, "No such article.")
    return JSONResponse(article.to_json())


@router.put("/api/products/{article_id}")
async def put_product(
    article_id: ArticleId,
    title: Annotated[str, Form(min_length=1, max_length=100)],
    price: Annotated[int, Form(ge=0, le=999_999_999)],
    category_id: Annotated[int, Form(alias="categoryId")],
    address1: Annotated[str, Form(min_length=1, max_length=30)],
    address2: Annotated[str, Form(min_length=1, max_length=30)],
    content: Annotated[str, Form(max_length=5000)] = "",
    keep_images: Annotated[list[str], Form(alias="keepImages")] = [],  # noqa: B006
    status: Annotated[Status | None, Form()] = None,
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006
    user: Principal = Depends(current_user),
    sessionmaker=Depends(deps.sessionmaker),
    store=Depends(deps.media_store),
    settings=Depends(deps.settings),
) -> JSONResponse:
    fields = article_fields(title, content, price, category_id, address1, address2)
    check_image_count(len(keep_images) + len(files))
    decoded = await decode_uploads(await deps.read_uploads(files), settings.image_max_side, settings.thumb_max_side)
    await update_article(sessionmaker, store, user, article_id, fields, keep_images, decoded, status)
    async with sessionmaker() as db:
        article = await queries.get_article(db, article_id, user.user_id)
    return JSONResponse(article.to_json())


@router.delete("/api/products/{article_id}", status_code=204)
async def delete_product(
    article_id: ArticleId,
    user: Principal = Depends(current_user),
    sessionmaker=Depends(deps.sessionmaker),
    store=Depends(deps.media_store),
) -> Response:
    await delete_article(sessionmaker, store, user, article_id)
    return Response(status_code=204)


assert set(ORDERS) == set(Order.__args__)  # the query's choices and the SQL orders stay in step
