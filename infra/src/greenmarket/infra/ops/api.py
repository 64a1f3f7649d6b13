"""`/api/ops/*`: consumer lag and dead-letter topics, for operators only. Thin: rendering only."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager

from aiokafka.errors import KafkaError
from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.exc import SQLAlchemyError

from greenmarket.infra.auth.dependencies import operator_user
from greenmarket.infra.messaging.clients import BrokerUnavailable
from greenmarket.infra.messaging.dlq_tools import DlqRecord, DlqSummary, DlqTools, UnknownDlq, resolve_dlq
from greenmarket.infra.ops.monitor import LagMonitor
from greenmarket.infra.ops.snapshot import GroupLag, LagSnapshot
from greenmarket.infra.web.models import ApiModel
from greenmarket.infra.web.problems import Problem

FIRST_CYCLE_WAIT_SECONDS = 10.0

router = APIRouter(prefix="/api/ops", dependencies=[Depends(operator_user)], tags=["ops"])


class PartitionOut(ApiModel):
    topic: str
    partition: int
    committed: int
    end: int
    lag: int
    lag_seconds: float
    status: str
    owner: str | None


class GroupOut(ApiModel):
    group: str
    state: str
    status: str
    total_lag: int
    max_lag: int
    max_lag_seconds: float
    members: int
    partitions: list[PartitionOut]
    error: str | None = None

    @classmethod
    def of(cls, group: GroupLag) -> GroupOut:
        return cls(
            group=group.group,
            state=group.state,
            status=group.status.value,
            total_lag=group.total_lag,
            max_lag=group.max_lag,
            max_lag_seconds=group.max_lag_seconds,
            members=group.members,
            partitions=[PartitionOut(**{**vars(p), "status": p.status.value}) for p in group.partitions],
            error=group.error,
        )


class LagOut(ApiModel):
    groups: list[GroupOut]


class DlqRecordOut(ApiModel):
    partition: int
    offset: int
    timestamp_ms: int
    key: str | None
    event_id: str | None
    event_type: str | None
    error: dict[str, str]

    @classmethod
    def of(cls, record: DlqRecord) -> DlqRecordOut:
        return cls(**{name: getattr(record, name) for name in cls.model_fields})


class DlqOut(ApiModel):
    topic: str
    original_topic: str
    records: int
    pending: int
    newest: list[DlqRecordOut]

    @classmethod
    def of(cls, summary: DlqSummary) -> DlqOut:
        return cls(
            topic=summary.topic,
            original_topic=summary.original_topic,
            records=summary.records,
            pending=summary.pending,
            newest=[DlqRecordOut.of(r) for r in summary.newest],
        )


class DlqListOut(ApiModel):
    items: list[DlqOut]


class RedriveOut(ApiModel):
    topic: str
    redriven: int
    claims_released: int


async def latest_snapshot(request: Request) -> LagSnapshot:
    monitor: LagMonitor = request.app.state.lag_monitor
    if monitor.latest is None:
        try:
            await asyncio.wait_for(monitor.updated.wait(), FIRST_CYCLE_WAIT_SECONDS)
        except TimeoutError:
            pass
    snapshot = monitor.latest
    if snapshot is None:
        raise Problem(503, "The lag monitor has not read the broker yet; retry in a few seconds.")
    if snapshot.error and not snapshot.groups:
        raise Problem(503, f"The lag monitor cannot read the broker: {snapshot.error}")
    return snapshot


@router.get("/lag", response_model=LagOut, response_model_by_alias=True)
async def all_groups(snapshot: LagSnapshot = Depends(latest_snapshot)) -> LagOut:
    return LagOut(groups=[GroupOut.of(g) for g in snapshot.groups])


@router.get("/lag/{group}", response_model=GroupOut, response_model_by_alias=True)
async def one_group(group: str, snapshot: LagSnapshot = Depends(latest_snapshot)) -> GroupOut:
    found = snapshot.group(group)
    if found is None:
        raise Problem(404, f"No consumer group {group!r} is known to the broker.")
    return GroupOut.of(found)


def dlq_tools(request: Request) -> DlqTools:
    return request.app.state.dlq_tools


@contextmanager
def dependencies_answering():
    """The broker or a service database being away is a 503 the console can retry, not a 500."""
    try:
        yield
    except (BrokerUnavailable, KafkaError, SQLAlchemyError, OSError) as exc:
        raise Problem(503, f"A dependency is not reachable: {type(exc).__name__}.") from None


@router.get("/dlq", response_model=DlqListOut, response_model_by_alias=True)
async def dead_letter_topics(request: Request, tools: DlqTools = Depends(dlq_tools)) -> DlqListOut:
    with dependencies_answering():
        summaries = await tools.list(preview=request.app.state.settings.dlq_preview)
    return DlqListOut(items=[DlqOut.of(s) for s in summaries])


@router.post("/dlq/{topic}/redrive", response_model=RedriveOut, response_model_by_alias=True)
async def redrive(
    topic: str,
    tools: DlqTools = Depends(dlq_tools),
    from_offset: int | None = Query(None, alias="fromOffset", ge=0),
) -> RedriveOut:
    try:
        with dependencies_answering():
            result = await tools.redrive(resolve_dlq(topic, tools.prefix), from_offset=from_offset)
    except UnknownDlq:
        raise Problem(404, f"No dead-letter topic {topic!r}.") from None
    return RedriveOut(topic=result.topic, redriven=result.redriven, claims_released=result.claims_released)
