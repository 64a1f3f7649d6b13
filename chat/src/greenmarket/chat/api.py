"""REST endpoints of CONTRACT §Chat. Thin: authenticate, call the service layer, shape the answer.

A `ChatError` raised by a rule becomes a problem document (see app.install_chat_errors).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.chat.service.messages import member_room, messages_page
from greenmarket.chat.service.rooms import list_rooms, member_room_view, open_room
from greenmarket.chat.wire import CreateRoomIn, MessageList, RoomList, RoomOut
from greenmarket.infra.auth import Principal
from greenmarket.infra.auth.dependencies import current_user

router = APIRouter(prefix="/api/chat", tags=["chat"])


async def _transaction(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessionmaker() as session, session.begin():
        yield session


# "function" scope: the transaction commits before the response is sent, so a 201 is never
# answered for a room that then fails to commit.
Db = Annotated[AsyncSession, Depends(_transaction, scope="function")]
User = Annotated[Principal, Depends(current_user)]


@router.post("/rooms", response_model=RoomOut, status_code=201, responses={200: {"model": RoomOut}})
async def create_room(body: CreateRoomIn, response: Response, user: User, session: Db) -> RoomOut:
    room, created = await open_room(session, buyer_id=user.user_id, article_id=body.article_id)
    if not created:
        response.status_code = 200
    return room


@router.get("/rooms", response_model=RoomList)
async def get_rooms(
    user: User, session: Db, article_id: int | None = Query(default=None, alias="articleId")
) -> RoomList:
    return RoomList(items=await list_rooms(session, user_id=user.user_id, article_id=article_id))


@router.get("/rooms/{room_id}", response_model=RoomOut)
async def get_room(room_id: int, user: User, session: Db) -> RoomOut:
    return await member_room_view(session, room_id=room_id, user_id=user.user_id)


@router.get("/rooms/{room_id}/messages", response_model=MessageList)
async def get_messages(
    room_id: int,
    user: User,
    session: Db,
    before_seq: int | None = Query(default=None, alias="beforeSeq", ge=1),
    after_seq: int | None = Query(default=None, alias="afterSeq", ge=0),
    limit: int = Query(default=50, ge=1, le=100),
) -> MessageList:
    room = await member_room(session, room_id, user.user_id)
    return MessageList(
        items=await messages_page(session, room, after_seq=after_seq, before_seq=before_seq, limit=limit)
    )
