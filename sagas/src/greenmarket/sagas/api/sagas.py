"""/api/sagas: the operator's view of every saga, its step log, and retry / abort of a FAILED one.

GET /api/sagas/{id} is also open to the user whose account-deletion saga it is, so the web app
can show the deletion's progress.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from greenmarket.infra.auth.dependencies import current_user, operator_user
from greenmarket.infra.auth.verifier import Principal
from greenmarket.infra.web.problems import Problem
from greenmarket.sagas.api.models import (
    SagaDetail,
    SagaPage,
    SagaSummary,
    StepLogEntry,
    parse_cursor,
)
from greenmarket.sagas.deletion.saga import ACCOUNT_DELETION
from greenmarket.sagas.runtime import store
from greenmarket.sagas.runtime.definition import SagaRecord
from greenmarket.sagas.runtime.engine import OperatorConflict, SagaEngine

router = APIRouter(prefix="/api/sagas", tags=["sagas"])

STATUSES = ("RUNNING", "COMPENSATING", "COMPLETED", "COMPENSATED", "FAILED", "ABORTED")


def _step_name(engine: SagaEngine, record: SagaRecord) -> str:
    steps = engine.definitions[record.type].steps
    return steps[min(record.step_index, len(steps) - 1)].name


def _summary(engine: SagaEngine, record: SagaRecord) -> dict:
    return {
        "id": record.id,
        "type": record.type,
        "status": record.status,
        "step": _step_name(engine, record),
        "phase": record.phase,
        "started_at": record.started_at,
        "updated_at": record.updated_at,
        "attempts": record.attempt,
        "deadline": record.deadline,
        "last_error": record.last_error,
    }


@router.get("", response_model=SagaPage)
async def list_sagas(
    request: Request,
    _: Annotated[Principal, Depends(operator_user)],
    type: str | None = None,
    status: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: str | None = None,
) -> SagaPage:
    if status is not None and status not in STATUSES:
        raise Problem(
            422,
            "Unknown status.",
            title="Validation failed",
            errors=[{"field": "status", "message": "unknown"}],
        )
    engine: SagaEngine = request.app.state.saga_engine
    async with request.app.state.sessionmaker() as session:
        rows = await store.page(
            session,
            saga_type=type,
            status=status,
            limit=limit + 1,
            before_seq=parse_cursor(cursor),
        )
    items = rows[:limit]
    return SagaPage(
        items=[SagaSummary(**_summary(engine, r)) for _, r in items],
        next_cursor=str(items[-1][0]) if len(rows) > limit else None,
    )


@router.get("/{saga_id}", response_model=SagaDetail)
async def get_saga(saga_id: str, request: Request, user: Annotated[Principal, Depends(current_user)]) -> SagaDetail:
    engine: SagaEngine = request.app.state.saga_engine
    async with request.app.state.sessionmaker() as session:
        record = await store.load(session, saga_id)
        own_deletion = record is not None and record.type == ACCOUNT_DELETION and record.subject_user_id == user.user_id
        if not user.is_operator and not own_deletion:
            # A user learns nothing about sagas that are not theirs, not even that they exist.
            raise Problem(403, "Operators only.")
        if record is None:
            raise Problem(404, "No such saga.")
        log = await store.step_log(session, saga_id)
    steps = [
        StepLogEntry(
            **{
                **row._mapping,
                "command_id": str(row.command_id) if row.command_id else None,
            }
        )
        for row in log
    ]
    return SagaDetail(
        **_summary(engine, record),
        data=record.data,
        version=record.version,
        steps=steps,
    )


async def _operator_action(request: Request, saga_id: str, action: str) -> JSONResponse:
    engine: SagaEngine = request.app.state.saga_engine
    try:
        async with request.app.state.sessionmaker() as session, session.begin():
            record = await getattr(engine, action)(session, saga_id)
    except LookupError:
        raise Problem(404, "No such saga.") from None
    except OperatorConflict as conflict:
        raise Problem(409, str(conflict)) from None
    except store.StaleSaga:
        raise Problem(409, "The saga changed meanwhile; reload and try again.") from None
    return JSONResponse({"id": record.id, "status": record.status}, status_code=202)


@router.post("/{saga_id}/retry", status_code=202)
async def retry(saga_id: str, request: Request, _: Annotated[Principal, Depends(operator_user)]) -> JSONResponse:
    return await _operator_action(request, saga_id, "retry")


@router.post("/{saga_id}/abort", status_code=202)
async def abort(saga_id: str, request: Request, _: Annotated[Principal, Depends(operator_user)]) -> JSONResponse:
    return await _operator_action(request, saga_id, "abort")
