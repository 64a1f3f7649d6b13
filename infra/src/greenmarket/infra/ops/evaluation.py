"""Burrow's consumer-lag evaluation over a sliding window of samples, without Kafka.

LinkedIn's Burrow judges a partition by the *trend* of its committed offset and lag over a window,
never by a lag threshold. We poll instead of reading `__consumer_offsets`, so a window entry is a
sample taken every poll interval, and "the consumer committed" means "the committed offset moved".

Rules, first match wins (Burrow's order, with REWIND moved before STOP, see below):

1. ERR    the committed offset lies outside the log (beyond its end, or before its start because
          retention deleted records nobody consumed): the numbers cannot be trusted.
2. OK     the current lag is zero, or any lag in the window is zero (the consumer caught up at
          least once during the window).
3. REWIND the committed offset went backwards between two samples (an offset reset). Burrow checks
          STOP first; Kafka only lets an operator reset a group that has no members, so with
          STOP first a rewind would never be seen.
4. STOP   nobody owns the partition (or ownership is unknown) and the committed offset has not
          moved for at least the time the window spans (Burrow: time since the last commit is
          longer than the window of commits).
5. STALL  the window is full, the committed offset did not move across it and a live member owns
          the partition: the consumer is alive but stuck.
6. WARN   the window is full and the lag never decreased from one sample to the next while the
          consumer did move: it is falling behind.
7. OK     otherwise.

The group's status is its worst partition's (ERR > STOP > STALL > REWIND > WARN > OK).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from itertools import pairwise


class Status(str, Enum):
    OK = "OK"
    WARN = "WARN"
    REWIND = "REWIND"
    STALL = "STALL"
    STOP = "STOP"
    ERR = "ERR"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]

    @property
    def code(self) -> int:
        """The number exported as `kafka_consumergroup_group_status` (0 = OK)."""
        return _SEVERITY[self]


_SEVERITY = {Status.OK: 0, Status.WARN: 1, Status.REWIND: 2, Status.STALL: 3, Status.STOP: 4, Status.ERR: 5}


def worst(statuses: Iterable[Status]) -> Status:
    return max(statuses, key=lambda s: s.severity, default=Status.OK)


@dataclass(frozen=True, slots=True)
class Sample:
    """One observation of a partition: when, where the group was, where the log ended and started."""

    at: float  # seconds, any monotonic clock shared by the samples of a window
    committed: int
    end: int
    start: int = 0

    @property
    def lag(self) -> int:
        return max(self.end - self.committed, 0)


class PartitionWindow:
    """The last `size` samples of one partition plus when its committed offset last moved.

    Memory is bounded by `size`: a day of polling costs the same as one window.
    """

    __slots__ = ("samples", "last_change_at")

    def __init__(self, size: int) -> None:
        if size < 2:
            raise ValueError("a window needs at least 2 samples to show a trend")
        self.samples: deque[Sample] = deque(maxlen=size)
        self.last_change_at: float | None = None

    @property
    def size(self) -> int:
        return self.samples.maxlen or 0

    def add(self, sample: Sample) -> None:
        if not self.samples or self.samples[-1].committed != sample.committed:
            self.last_change_at = sample.at
        self.samples.append(sample)

    def evaluate(self, *, owned: bool | None, now: float | None = None) -> Status:
        return evaluate(self.samples, size=self.size, owned=owned, last_change_at=self.last_change_at, now=now)


def evaluate(
    samples: Sequence[Sample],
    *,
    size: int,
    owned: bool | None,
    last_change_at: float | None = None,
    now: float | None = None,
) -> Status:
    """Apply the rules above to `samples` (oldest first).

    `owned`: True if a live member has the partition assigned, False if none has, None if unknown.
    `last_change_at`: when the committed offset last moved (defaults to the window's view of it).
    `now`: evaluation time (defaults to the newest sample's time).
    """
    if not samples:
        return Status.OK
    newest = samples[-1]
    if newest.committed > newest.end or newest.committed < newest.start:
        return Status.ERR
    if any(s.end <= s.committed for s in samples):  # a zero lag somewhere in the window
        return Status.OK
    if any(later.committed < earlier.committed for earlier, later in _pairs(samples)):
        return Status.REWIND
    now = newest.at if now is None else now
    if last_change_at is None:
        last_change_at = _last_change(samples)
    unmoved = all(s.committed == newest.committed for s in samples)
    span = newest.at - samples[0].at
    if owned is not True and len(samples) >= 2 and unmoved and now - last_change_at >= span:
        return Status.STOP
    full = len(samples) >= size
    if full and unmoved and owned:
        return Status.STALL
    if full and all(later.lag >= earlier.lag for earlier, later in _pairs(samples)):
        return Status.WARN
    return Status.OK


def _pairs(samples: Sequence[Sample]):
    return pairwise(samples)


def _last_change(samples: Sequence[Sample]) -> float:
    changed_at = samples[0].at
    for earlier, later in _pairs(samples):
        if later.committed != earlier.committed:
            changed_at = later.at
    return changed_at
