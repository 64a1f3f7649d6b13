"""The account rules on their own: throttling windows and refresh-token verdicts."""

from datetime import UTC, datetime, timedelta

from greenmarket.user.domain import (
    RefreshVerdict,
    ThrottlePolicy,
    ThrottleState,
    after_failure,
    judge_refresh,
    seconds_blocked,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
POLICY = ThrottlePolicy(window=timedelta(minutes=15), max_failures=3, lockout=timedelta(minutes=10))


def test_the_limit_inside_the_window_blocks_for_the_lockout():
    state = None
    for minute in range(3):
        assert seconds_blocked(state, NOW + timedelta(minutes=minute)) is None
        state = after_failure(state, NOW + timedelta(minutes=minute), POLICY)
    assert state.failures == 3
    assert seconds_blocked(state, NOW + timedelta(minutes=2)) == 600
    assert seconds_blocked(state, NOW + timedelta(minutes=12, seconds=1)) is None


def test_failures_outside_the_window_start_a_new_count():
    old = ThrottleState(failures=2, window_started_at=NOW - timedelta(minutes=20), blocked_until=None)
    state = after_failure(old, NOW, POLICY)
    assert (state.failures, state.window_started_at, state.blocked_until) == (1, NOW, None)


def test_refresh_verdicts():
    fresh = {"now": NOW, "expires_at": NOW + timedelta(days=1), "grace": timedelta(seconds=5)}
    assert judge_refresh(**fresh, rotated_at=None, revoked_at=None) is RefreshVerdict.ROTATE
    assert judge_refresh(**fresh, rotated_at=NOW - timedelta(seconds=2), revoked_at=None) is RefreshVerdict.RACE
    assert judge_refresh(**fresh, rotated_at=NOW - timedelta(minutes=1), revoked_at=None) is RefreshVerdict.REUSED
    assert judge_refresh(**fresh, rotated_at=None, revoked_at=NOW) is RefreshVerdict.REUSED
    expired = {**fresh, "expires_at": NOW}
    assert judge_refresh(**expired, rotated_at=None, revoked_at=None) is RefreshVerdict.EXPIRED
