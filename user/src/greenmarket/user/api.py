"""The HTTP routes of CONTRACT §User: parse, call the service, shape the answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from greenmarket.infra.auth.dependencies import current_user, optional_user
from greenmarket.infra.auth.verifier import Principal
from greenmarket.infra.web.problems import Problem, problem_response
from greenmarket.user.api_models import (
    AuthState,
    DeletionStarted,
    Email,
    EmailExists,
    JoinRequest,
    LoginRequest,
    ProfileList,
    PublicProfile,
    UserEnvelope,
    UserView,
)
from greenmarket.user.domain import AccountError
from greenmarket.user.services import RefreshRace, UserService
from greenmarket.user.web_helpers import (
    REFRESH_TOKEN_COOKIE,
    clear_session_cookies,
    client_address,
    json_of,
    parse_ids,
    problem_of,
    read_profile_form,
    set_session_cookies,
)

router = APIRouter(prefix="/api/user", tags=["user"])


def service(request: Request) -> UserService:
    return request.app.state.user_service


Service = Annotated[UserService, Depends(service)]
Caller = Annotated[Principal, Depends(current_user)]
OptionalCaller = Annotated[Principal | None, Depends(optional_user)]


def user_envelope(account) -> UserEnvelope:
    return UserEnvelope(user=UserView.model_validate(account))


@router.get("/.well-known/jwks.json")
async def jwks(users: Service) -> JSONResponse:
    # Public keys change rarely; a short cache keeps every service's verifier cheap.
    return JSONResponse(await users.keys.jwks(), headers={"Cache-Control": "public, max-age=60"})


@router.post("/join", status_code=201)
async def join(body: JoinRequest, users: Service) -> JSONResponse:
    try:
        account = await users.join(**body.model_dump())
    except AccountError as error:
        raise problem_of(error) from None
    return json_of(user_envelope(account), 201)


@router.post("/login")
async def login(body: LoginRequest, request: Request, users: Service) -> JSONResponse:
    try:
        signed_in = await users.login(body.email, body.password, client_address(request))
    except AccountError as error:
        raise problem_of(error) from None
    response = json_of(user_envelope(signed_in.account))
    set_session_cookies(response, signed_in, users.settings)
    return response


@router.post("/refresh")
async def refresh(request: Request, users: Service) -> JSONResponse:
    try:
        signed_in = await users.refresh(request.cookies.get(REFRESH_TOKEN_COOKIE))
    except AccountError as error:
        response = problem_response(problem_of(error))
        # A dead refresh token's cookies are dropped so the browser stops presenting them; in a race
        # the other tab's response has just set fresh ones, which must stay.
        if not isinstance(error, RefreshRace):
            clear_session_cookies(response, users.settings)
        return response
    response = json_of(user_envelope(signed_in.account))
    set_session_cookies(response, signed_in, users.settings)
    return response


@router.post("/logout", status_code=204)
async def logout(request: Request, users: Service) -> Response:
    await users.logout(request.cookies.get(REFRESH_TOKEN_COOKIE))
    response = Response(status_code=204)
    clear_session_cookies(response, users.settings)
    return response


@router.get("/auth")
async def auth(caller: OptionalCaller, users: Service) -> JSONResponse:
    if caller is None:
        return json_of(AuthState(is_auth=False))
    try:
        account = await users.account(caller.user_id)
    except AccountError:
        gone = AccountError("unauthorized", "The account of this token no longer exists.")
        raise problem_of(gone) from None
    return json_of(AuthState(is_auth=True, user=UserView.model_validate(account)))


@router.get("/valid")
async def email_exists(email: Annotated[Email, Query()], users: Service) -> JSONResponse:
    return json_of(EmailExists(exists=await users.email_exists(email)))


@router.get("")
async def profiles(ids: Annotated[str, Query(description="Comma-separated user ids, at most 100")], users: Service):
    return json_of(ProfileList(items=[PublicProfile.of(a) for a in await users.profiles(parse_ids(ids))]))


@router.get("/{user_id}")
async def profile(user_id: int, caller: OptionalCaller, users: Service) -> JSONResponse:
    try:
        account = await users.account(user_id)
    except AccountError as error:
        raise problem_of(error) from None
    if caller is not None and caller.user_id == user_id:
        return json_of(UserView.model_validate(account))
    return json_of(PublicProfile.of(account))


@router.patch("/{user_id}")
async def update_profile(user_id: int, request: Request, caller: Caller, users: Service) -> JSONResponse:
    if caller.user_id != user_id:
        raise Problem(403, "You can only change your own profile.")
    changes, image = await read_profile_form(request)
    try:
        account = await users.update_profile(caller.user_id, user_id, changes, image)
    except AccountError as error:
        raise problem_of(error) from None
    return json_of(user_envelope(account))


@router.delete("/{user_id}", status_code=202)
async def delete_account(user_id: int, caller: Caller, users: Service) -> JSONResponse:
    try:
        saga_id = await users.request_deletion(caller.user_id, user_id)
    except AccountError as error:
        raise problem_of(error) from None
    return json_of(DeletionStarted(saga_id=saga_id), 202)
