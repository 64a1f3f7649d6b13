"""The Socket.IO client manager shared by every chat process through Redis pub/sub.

python-socketio's `enter_room` needs the socket id, which only the process holding the socket
knows. A room created on one process must still reach the seller's sockets on every process, so
`room_created` (addressed to `user:<id>`) makes each process put its own sockets of that user into
`room:<id>` just before delivering the event. The worker processes emit through a write-only
manager on the same channel, so they reach clients the same way.
"""

from __future__ import annotations

import socketio

from greenmarket.chat.broadcasts import room_channel


class ChatRedisManager(socketio.AsyncRedisManager):
    async def _handle_emit(self, message: dict) -> None:
        # Runs on the emitting process and, through Redis, on every other one (pinned version:
        # python-socketio 5.18; a test covers it, see test_chat_realtime.py).
        if message.get("event") == "room_created":
            await self._join_recipients(message)
        await super()._handle_emit(message)

    async def _join_recipients(self, message: dict) -> None:
        data = message.get("data") or []
        room = data[0] if isinstance(data, list) and data else None
        recipients = message.get("room")
        if not isinstance(room, dict) or not isinstance(recipients, str) or "id" not in room:
            return
        namespace = message.get("namespace") or "/"
        for sid, eio_sid in list(self.get_participants(namespace, recipients)):
            await socketio.AsyncManager.enter_room(self, sid, namespace, room_channel(room["id"]), eio_sid=eio_sid)


def write_only_manager(redis_url: str, channel: str) -> socketio.AsyncRedisManager:
    """For processes without sockets (participant worker, Faust agents) that emit to clients."""
    return socketio.AsyncRedisManager(redis_url, channel=channel, write_only=True)
