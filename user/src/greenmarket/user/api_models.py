"""Request and response bodies of the HTTP API (camelCase on the wire)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, Field, StringConstraints

from greenmarket.infra.web.models import ApiModel
from greenmarket.user.domain import Account


def _valid_email(value: str) -> str:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None
    return value


Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50), AfterValidator(_valid_email)]
Password = Annotated[str, Field(min_length=8, max_length=72)]
Nickname = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=30)]
Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]


class JoinRequest(ApiModel):
    email: Email
    password: Password
    nickname: Nickname
    address1: Address
    address2: Address


class LoginRequest(ApiModel):
    # No format rules here: a malformed email simply does not match an account (same 401).
    email: Annotated[str, Field(min_length=1, max_length=254)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class ProfileChanges(ApiModel):
    nickname: Nickname | None = None
    address1: Address | None = None
    address2: Address | None = None


class PublicProfile(ApiModel):
    id: int
    nickname: str
    address1: str
    address2: str
    profile_image_url: str | None
    created_at: datetime
    trade_count: int
    review_count: int

    @classmethod
    def of(cls, account: Account) -> PublicProfile:
        return cls.model_validate(account)


class UserView(PublicProfile):
    """The public profile plus what only the owner sees."""

    email: str
    role: str


class UserEnvelope(ApiModel):
    user: UserView


class AuthState(ApiModel):
    is_auth: bool
    user: UserView | None = None


class EmailExists(ApiModel):
    exists: bool


class ProfileList(ApiModel):
    items: list[PublicProfile]


class DeletionStarted(ApiModel):
    saga_id: str
