"""The product service's two projections, shared by the live Faust agents and `projections rebuild`.

- interest counts: `articles.interest_count` from InterestAdded/InterestRemoved on product.events.
  A batch is folded into one delta per article and applied in one UPDATE (one row write per
  article per batch, however many clicks it holds). The processor's (consumer, eventId) claims
  commit in the same transaction, so replays and duplicates never count twice.
- sellers: public profiles from user.events; UserDeleted hides the user's articles.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.infra.messaging.projections import ProjectionSpec
from greenmarket.product.domain import HiddenReason
from greenmarket.product.models import articles, sellers
from greenmarket.schemas import Envelope
from greenmarket.schemas.events.user import UserDeleted, UserProfileUpdated, UserRegistered

INTEREST_DELTAS = {"InterestAdded": 1, "InterestRemoved": -1}

APPLY_DELTAS_SQL = text(
    "UPDATE articles AS a SET interest_count = a.interest_count + d.delta"
    " FROM unnest(CAST(:ids AS bigint[]), CAST(:deltas AS int[])) AS d(id, delta)"
    " WHERE a.id = d.id"
)


def fold_interest_deltas(envelopes: list[Envelope]) -> dict[int, int]:
    deltas: Counter[int] = Counter()
    for envelope in envelopes:
        if (delta := INTEREST_DELTAS.get(envelope.type)) is not None:
            deltas[int(envelope.payload["articleId"])] += delta
    return {article_id: delta for article_id, delta in deltas.items() if delta}


async def apply_interest_events(session: AsyncSession, envelopes: list[Envelope]) -> None:
    deltas = fold_interest_deltas(envelopes)
    if deltas:
        ids = sorted(deltas)  # a fixed lock order: two workers never deadlock on the same rows
        await session.execute(APPLY_DELTAS_SQL, {"ids": ids, "deltas": [deltas[i] for i in ids]})


async def reset_interest_counts(session: AsyncSession) -> None:
    await session.execute(update(articles).where(articles.c.interest_count != 0).values(interest_count=0))


async def apply_user_events(session: AsyncSession, envelopes: list[Envelope]) -> None:
    # In order: a UserProfileUpdated after UserRegistered in the same batch must win.
    for envelope in envelopes:
        if envelope.type in (UserRegistered.type_name, UserProfileUpdated.type_name):
            profile = UserProfileUpdated.model_validate(envelope.payload)
            values = {
                "nickname": profile.nickname,
                "address1": profile.address1,
                "address2": profile.address2,
                "profile_image_url": profile.profile_image_url,
            }
            await session.execute(
                pg_insert(sellers)
                .values(user_id=profile.user_id, **values)
                .on_conflict_do_update(
                    index_elements=[sellers.c.user_id],
                    set_={**values, "updated_at": func.now()},
                    where=sellers.c.deleted.is_(False),  # a deleted user stays deleted
                )
            )
        elif envelope.type == UserDeleted.type_name:
            user_id = UserDeleted.model_validate(envelope.payload).user_id
            await session.execute(
                pg_insert(sellers)
                .values(user_id=user_id, deleted=True)
                .on_conflict_do_update(
                    index_elements=[sellers.c.user_id], set_={"deleted": True, "updated_at": func.now()}
                )
            )
            await session.execute(
                update(articles)
                .where(articles.c.seller_id == user_id, articles.c.deleted_at.is_(None))
                .values(hidden_reason=HiddenReason.SELLER_DELETED.value, updated_at=func.now())
            )


async def reset_sellers(session: AsyncSession) -> None:
    await session.execute(sellers.delete())


INTEREST_COUNTS = ProjectionSpec(
    name="product.interest-counts",
    service="product",
    consumer="product-interest-counter",
    topics=("product.events",),
    reset=reset_interest_counts,
    batch_handler=apply_interest_events,
)

SELLERS = ProjectionSpec(
    name="product.sellers",
    service="product",
    consumer="product-sellers",
    topics=("user.events",),
    reset=reset_sellers,
    batch_handler=apply_user_events,
)
