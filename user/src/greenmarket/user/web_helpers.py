"""HTTP plumbing of the API: cookies, error mapping, validation of hand-parsed input."""

from __future__ import annotations

from typing import TypeVar

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile

from greenmarket.infra.auth.verifier import ACCESS_TOKEN_COOKIE
from greenmarket.infra.images import MAX_UPLOAD_BYTES
from greenmarket.infra.web.models import ApiModel
from greenmarket.infra.web.problems import Problem
from greenmarket.user.api_models import ProfileChanges
from greenmarket.user.domain import AccountError
from greenmarket.user.services import SignedIn, Throttled
from greenmarket.user.settings import UserSettings

REFRESH_TOKEN_COOKIE = "x_refresh"
# The refresh cookie only travels to the user service (refresh and logout live under it).
REFRESH_COOKIE_PATH = "/api/user"

MAX_IDS = 100
PROFILE_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
STATUS_OF = {"not_found": 404, "forbidden": 403, "conflict": 409, "unauthorized": 401, "throttled": 429}

M = TypeVar("M", bound=BaseModel)


def problem_of(error: AccountError) -> Problem:
    headers = None
    if isinstance(error, Throttled):
        headers = {"Retry-After": str(error.retry_after)}
    elif error.kind == "unauthorized":
        headers = {"WWW-Authenticate": "Bearer"}
    return Problem(STATUS_OF[error.kind], error.message, headers=headers)


def json_of(model: ApiModel, status_code: int = 200) -> JSONResponse:
    return JSONResponse(model.model_dump(mode="json", by_alias=True), status_code=status_code)


def invalid(field: str, message: str, detail: str) -> Problem:
    return Problem(422, detail, title="Validation failed", errors=[{"field": field, "message": message}])


def validated(model: type[M], data: dict) -> M:
    """Validate input that FastAPI did not parse (multipart fields) with the same 422 shape."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [{"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]} for e in exc.errors()]
        raise Problem(422, "The request has invalid fields.", title="Validation failed", errors=errors) from None


def set_session_cookies(response: Response, signed_in: SignedIn, settings: UserSettings) -> None:
    response.set_cookie(
        ACCESS_TOKEN_COOKIE,
        signed_in.access_token,
        max_age=settings.access_token_minutes * 60,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )
    response.set_cookie(
        REFRESH_TOKEN_COOKIE,
        signed_in.refresh_token,
        max_age=settings.refresh_token_days * 86400,
        path=REFRESH_COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=settings.cookie_secure,
    )


def clear_session_cookies(response: Response, settings: UserSettings) -> None:
    response.delete_cookie(ACCESS_TOKEN_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.cookie_secure)
    response.delete_cookie(
        REFRESH_TOKEN_COOKIE, path=REFRESH_COOKIE_PATH, httponly=True, samesite="strict", secure=settings.cookie_secure
    )


def client_address(request: Request) -> str:
    # Behind the gateway uvicorn's proxy-headers support has already put the real client here.
    return request.client.host if request.client else "unknown"


def parse_ids(raw: str) -> list[int]:
    """`?ids=3,1,3` → [3, 1]: at most 100 distinct positive ids, in the order asked."""
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if not parts or len(parts) > MAX_IDS or not all(part.isdigit() and len(part) <= 9 for part in parts):
        raise invalid("ids", f"1 to {MAX_IDS} comma-separated integers", f"ids must be 1 to {MAX_IDS} user ids.")
    return list(dict.fromkeys(int(part) for part in parts))


async def read_profile_form(request: Request) -> tuple[dict[str, str], bytes | None]:
    """The multipart body of PATCH: text fields validated like JSON ones, the image read to 10 MB + 1."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in PROFILE_FORM_TYPES:
        raise Problem(415, "Send the profile changes as multipart/form-data.")
    try:
        form = await request.form(max_files=1, max_fields=10)
    except Exception:  # noqa: BLE001 - starlette raises several kinds for a broken body
        raise invalid("body", "malformed multipart body", "The multipart body could not be read.") from None
    fields = {name: form[name] for name in ("nickname", "address1", "address2") if isinstance(form.get(name), str)}
    changes = validated(ProfileChanges, fields).model_dump(exclude_none=True)
    upload = form.get("profileImage")
    if upload is None or upload == "":
        return changes, None
    if not isinstance(upload, UploadFile):
        raise invalid("profileImage", "expected a file", "profileImage must be a file.")
    # One byte more than allowed is enough to answer 413 without reading a huge body into memory.
    return changes, await upload.read(MAX_UPLOAD_BYTES + 1)
