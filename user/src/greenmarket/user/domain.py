"""Account rules, free of FastAPI, SQL and Kafka."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import datetime, timedelta


class AccountStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    DELETING = "DELETING"  # deletion requested, the saga has not locked the account yet
    LOCKED = "LOCKED"  # held by a deletion saga: no login, no refresh
    DELETED = "DELETED"  # anonymized; the row stays so ids are never reused


class Role(enum.StrEnum):
    USER = "user"
    OPERATOR = "operator"


DELETED_NICKNAME = "탈퇴한 사용자"


@dataclass(frozen=True)
class Account:
    id: int
    email: str | None
    nickname: str
    address1: str
    address2: str
    profile_image_url: str | None
    role: str
    status: str
    deletion_saga_id: str | None
    trade_count: int
    review_count: int
    created_at: datetime

    @property
    def can_sign_in(self) -> bool:
        return self.status in (AccountStatus.ACTIVE, AccountStatus.DELETING)

    @property
    def is_deleted(self) -> bool:
        return self.status == AccountStatus.DELETED

    @property
    def deletion_running(self) -> bool:
        return self.deletion_saga_id is not None


class AccountError(Exception):
    """A business rule refused the request; `kind` maps to an HTTP status or a saga refusal."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def not_found() -> AccountError:
    return AccountError("not_found", "No such user.")


def require_self(caller_id: int, target_id: int) -> None:
    if caller_id != target_id:
        raise AccountError("forbidden", "You can only change your own account.")


def check_deletion_can_start(account: Account) -> None:
    if account.is_deleted:
        raise not_found()
    if account.deletion_running:
        raise AccountError("conflict", "A deletion of this account is already running.")


# Login throttling ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ThrottlePolicy:
    window: timedelta
    max_failures: int
    lockout: timedelta


@dataclass(frozen=True)
class ThrottleState:
    failures: int
    window_started_at: datetime
    blocked_until: datetime | None


def after_failure(state: ThrottleState | None, now: datetime, policy: ThrottlePolicy) -> ThrottleState:
    """Count one failed login; reaching the limit inside the window blocks for `lockout`."""
    if state is None or state.window_started_at <= now - policy.window:
        state = ThrottleState(0, now, state.blocked_until if state else None)
    failures = state.failures + 1
    blocked_until = now + policy.lockout if failures >= policy.max_failures else state.blocked_until
    return ThrottleState(failures, state.window_started_at, blocked_until)


def seconds_blocked(state: ThrottleState | None, now: datetime) -> int | None:
    """Seconds until the next attempt is allowed (for Retry-After), or None when not blocked."""
    if state is None or state.blocked_until is None or state.blocked_until <= now:
        return None
    return max(1, math.ceil((state.blocked_until - now).total_seconds()))


# Refresh tokens --------------------------------------------------------------------------------
class RefreshVerdict(enum.Enum):
    ROTATE = "rotate"  # valid: replace it with a new token of the same family
    EXPIRED = "expired"
    RACE = "race"  # rotated a moment ago (another tab): refuse, keep the family
    REUSED = "reused"  # an old token came back: assume theft, revoke the family


def judge_refresh(
    *, now: datetime, expires_at: datetime, rotated_at: datetime | None, revoked_at: datetime | None, grace: timedelta
) -> RefreshVerdict:
    if revoked_at is not None:
        return RefreshVerdict.REUSED
    if rotated_at is not None:
        return RefreshVerdict.RACE if now - rotated_at <= grace else RefreshVerdict.REUSED
    if expires_at <= now:
        return RefreshVerdict.EXPIRED
    return RefreshVerdict.ROTATE
