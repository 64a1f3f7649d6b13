"""Routes about one user and an article: interests, purchases, reviews."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse, Response
from pydantic import Field

from greenmarket.infra.auth import Principal
from greenmarket.infra.auth.dependencies import current_user
from greenmarket.infra.web.models import ApiModel
from greenmarket.product.api import deps
from greenmarket.product.api.articles import cursor_problem, page_json
from greenmarket.product.cursors import BadCursor
from greenmarket.product.service import queries
from greenmarket.product.service.interests import add_interest, remove_interest
from greenmarket.product.service.reviews import get_review, post_review
from greenmarket.product.views import Review

router = APIRouter()

ArticleId = Annotated[int, Path(ge=1, le=deps.MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=500)]


class ReviewIn(ApiModel):
    rating: int = Field(ge=1, le=5)
    content: str = Field(min_length=1, max_length=1000)


async def _my_page(list_query, db, user: Principal, cursor: str | None, limit: int) -> JSONResponse:
    """One page of the caller's own articles (interests, purchases); a bad cursor is a 422."""
    try:
        page = await list_query(db, user.user_id, cursor, limit)
    except BadCursor as error:
        raise cursor_problem(error) from None
    return JSONResponse(page_json(page, with_content=False))


@router.get("/api/products/interests")
async def my_interests(
    limit: Limit = 20, cursor: Cursor = None, user: Principal = Depends(current_user), db=Depends(deps.session)
) -> JSONResponse:
    return await _my_page(queries.list_interests, db, user, cursor, limit)


@router.get("/api/products/purchases")
async def my_purchases(
    limit: Limit = 20, cursor: Cursor = None, user: Principal = Depends(current_user), db=Depends(deps.session)
) -> JSONResponse:
    return await _my_page(queries.list_purchases, db, user, cursor, limit)


@router.post("/api/products/{article_id}/interest", status_code=201)
async def mark_interest(
    article_id: ArticleId, user: Principal = Depends(current_user), db=Depends(deps.session)
) -> Response:
    async with db.begin():
        await add_interest(db, user.user_id, article_id)
    return Response(status_code=201, headers={"Location": f"/api/products/{article_id}/interest"})


@router.delete("/api/products/{article_id}/interest", status_code=204)
async def unmark_interest(
    article_id: ArticleId, user: Principal = Depends(current_user), db=Depends(deps.session)
) -> Response:
    async with db.begin():
        await remove_interest(db, user.user_id, article_id)
    return Response(status_code=204)


@router.get("/api/products/{article_id}/review")
async def read_review(article_id: ArticleId, db=Depends(deps.session)) -> JSONResponse:
    row = await get_review(db, article_id)
    review = Review(
        article_id=row.article_id,
        reviewer_id=row.reviewer_id,
        rating=row.rating,
        content=row.content,
        created_at=row.created_at,
    )
    return JSONResponse(review.model_dump(mode="json", by_alias=True))


@router.post("/api/products/{article_id}/review", status_code=201)
async def write_review(
    article_id: ArticleId, body: ReviewIn, user: Principal = Depends(current_user), db=Depends(deps.session)
) -> JSONResponse:
    async with db.begin():
        await post_review(db, user.user_id, article_id, body.rating, body.content)
    async with db.begin():
        row = await get_review(db, article_id)
    review = Review(
        article_id=row.article_id,
        reviewer_id=row.reviewer_id,
        rating=row.rating,
        content=row.content,
        created_at=row.created_at,
    )
    return JSONResponse(
        review.model_dump(mode="json", by_alias=True),
        status_code=201,
        headers={"Location": f"/api/products/{article_id}/review"},
    )
