"""Events on `user.events`. Public profile fields only: never an email or a password hash."""

from greenmarket.schemas.registry import Message, register


class _UserEvent(Message):
    topic = "user.events"
    aggregate_type = "user"


@register
class UserRegistered(_UserEvent):
    type_name = "UserRegistered"
    user_id: int
    nickname: str
    address1: str
    address2: str
    profile_image_url: str | None = None


@register
class UserProfileUpdated(_UserEvent):
    type_name = "UserProfileUpdated"
    user_id: int
    nickname: str
    address1: str
    address2: str
    profile_image_url: str | None = None


@register
class UserDeleted(_UserEvent):
    type_name = "UserDeleted"
    user_id: int


@register
class AccountDeletionRequested(_UserEvent):
    """The user asked to delete their account; the sagas service starts the deletion saga `saga_id`."""

    type_name = "AccountDeletionRequested"
    user_id: int
    saga_id: str
