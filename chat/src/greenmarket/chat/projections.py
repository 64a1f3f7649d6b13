"""The views the chat keeps from other services' events, declared for `greenmarket projections`."""

from greenmarket.chat.service.projections import (
    apply_product_events,
    apply_user_events,
    reset_article_summaries,
    reset_user_profiles,
)
from greenmarket.infra.messaging.projections import ProjectionSpec

ARTICLE_SUMMARIES = ProjectionSpec(
    name="chat.article-summaries",
    service="chat",
    consumer="chat-article-summaries",
    topics=("product.events",),
    reset=reset_article_summaries,
    batch_handler=apply_product_events,
)

COUNTERPART_PROFILES = ProjectionSpec(
    name="chat.counterpart-profiles",
    service="chat",
    consumer="chat-counterpart-profiles",
    topics=("user.events",),
    reset=reset_user_profiles,
    batch_handler=apply_user_events,
)

PROJECTIONS = (ARTICLE_SUMMARIES, COUNTERPART_PROFILES)
