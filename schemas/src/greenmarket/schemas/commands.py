"""Saga commands (`<service>.commands`) and the one reply type (`saga.replies`).

A command's envelope: `type` = the command name, `aggregateId` = `correlationId` = the saga id,
`eventId` = the command id a participant deduplicates by. The reply's `causationId` is the
command id, its key the saga id.
"""

from typing import Any, Literal

from pydantic import Field

from greenmarket.schemas.registry import Message, register


class _Command(Message):
    message_kind = "command"
    aggregate_type = "saga"


class _ProductCommand(_Command):
    topic = "product.commands"


class _ChatCommand(_Command):
    topic = "chat.commands"


class _UserCommand(_Command):
    topic = "user.commands"


# product ---------------------------------------------------------------------------------------
@register
class ReserveArticle(_ProductCommand):
    """Semantic lock: ON_SALE → RESERVED for this trade. Refused when not on sale or not the seller's."""

    type_name = "ReserveArticle"
    trade_id: str
    article_id: int
    seller_id: int
    buyer_id: int


@register
class ReleaseArticle(_ProductCommand):
    """Compensation of ReserveArticle: RESERVED by this trade → ON_SALE. A no-op otherwise."""

    type_name = "ReleaseArticle"
    trade_id: str
    article_id: int


@register
class MarkArticleSold(_ProductCommand):
    type_name = "MarkArticleSold"
    trade_id: str
    article_id: int
    buyer_id: int


@register
class WithdrawUserArticles(_ProductCommand):
    """Account deletion: hide the user's unsold articles; refused while one is held by a completing trade."""

    type_name = "WithdrawUserArticles"
    user_id: int


@register
class RestoreUserArticles(_ProductCommand):
    type_name = "RestoreUserArticles"
    user_id: int


# chat ------------------------------------------------------------------------------------------
@register
class ConfirmTradeRoom(_ChatCommand):
    """The buyer must have a room for the article; posts a system message into it."""

    type_name = "ConfirmTradeRoom"
    trade_id: str
    article_id: int
    seller_id: int
    buyer_id: int


@register
class PostTradeMessage(_ChatCommand):
    type_name = "PostTradeMessage"
    trade_id: str
    article_id: int
    buyer_id: int
    text: str


@register
class CloseUserRooms(_ChatCommand):
    type_name = "CloseUserRooms"
    user_id: int


# user ------------------------------------------------------------------------------------------
@register
class LockAccount(_UserCommand):
    type_name = "LockAccount"
    user_id: int


@register
class UnlockAccount(_UserCommand):
    type_name = "UnlockAccount"
    user_id: int


@register
class RecordTrade(_UserCommand):
    """Counts one completed trade for the seller and the buyer (once per trade id)."""

    type_name = "RecordTrade"
    trade_id: str
    seller_id: int
    buyer_id: int


@register
class AnonymizeAccount(_UserCommand):
    """Final step of account deletion: scrub personal data and publish UserDeleted."""

    type_name = "AnonymizeAccount"
    user_id: int


# replies ---------------------------------------------------------------------------------------
@register
class CommandReply(Message):
    message_kind = "reply"
    type_name = "CommandReply"
    topic = "saga.replies"
    aggregate_type = "saga"
    command_id: str
    command_type: str
    saga_id: str
    outcome: Literal["SUCCESS", "FAILURE"]
    reason: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
