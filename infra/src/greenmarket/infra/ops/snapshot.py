"""What the monitor knows after a cycle: plain data the API, CLI and metrics render."""

from __future__ import annotations

from dataclasses import dataclass, field

from greenmarket.infra.ops.evaluation import Status


@dataclass(frozen=True)
class PartitionLag:
    topic: str
    partition: int
    committed: int
    end: int
    lag: int
    lag_seconds: float
    status: Status
    owner: str | None  # "client-id@host" of the member it is assigned to, None if unassigned


@dataclass(frozen=True)
class GroupLag:
    group: str
    state: str  # the broker's group state: Stable, Empty, PreparingRebalance, Dead, ...
    status: Status
    members: int
    partitions: list[PartitionLag] = field(default_factory=list)
    error: str | None = None  # why the group could not be read (status ERR)

    @property
    def total_lag(self) -> int:
        return sum(p.lag for p in self.partitions)

    @property
    def max_lag(self) -> int:
        return max((p.lag for p in self.partitions), default=0)

    @property
    def max_lag_seconds(self) -> float:
        return max((p.lag_seconds for p in self.partitions), default=0.0)

    def topic_lag(self) -> dict[str, int]:
        sums: dict[str, int] = {}
        for p in self.partitions:
            sums[p.topic] = sums.get(p.topic, 0) + p.lag
        return sums


@dataclass(frozen=True)
class LagSnapshot:
    taken_at: float  # epoch seconds
    groups: list[GroupLag]
    error: str | None = None  # set when the broker could not be read (every known group is then ERR)

    def group(self, name: str) -> GroupLag | None:
        return next((g for g in self.groups if g.group == name), None)
