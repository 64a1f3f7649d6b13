// The chat connection: one socket.io client per chat screen, same-origin, websocket only.
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { chatApi, type MessageJson, type Room } from '../api';
import { refreshSession } from '../api/client';
import { chatReducer, hasGapBefore, initialChatState, lastSeq } from './chatReducer';

export type Connection = 'connecting' | 'online' | 'offline' | 'unauthorized';

const PAGE = 50;
const ACK_TIMEOUT_MS = 10_000;

type Ack<T> = { ok: true } & T;
type Nack = { ok: false; error?: AckError };

export function newClientMsgId(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  // Plain http on a LAN address is not a secure context: no randomUUID there.
  return `m-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/** An ack's error: `{code, message, retryAfter?}` (docs/chat-service.md), or a bare string from an older server. */
export type AckError = string | { code?: string; message?: string; retryAfter?: number } | undefined | null;

/** Korean words for a refused `send_message` (codes: invalid, forbidden, not_found, room_closed, rate_limited, unavailable). */
export function sendErrorMessage(error: AckError): string {
  const code = typeof error === 'string' ? error : error?.code ?? error?.message ?? '';
  switch (code) {
    case 'invalid':
      return '메시지는 1자 이상 1000자 이하로 보내 주세요.';
    case 'forbidden':
      return '이 채팅방에 메시지를 보낼 수 없습니다.';
    case 'not_found':
      return '채팅방을 찾을 수 없습니다.';
    case 'room_closed':
      return '종료된 채팅방입니다.';
    case 'rate_limited': {
      const wait = typeof error === 'object' && error?.retryAfter ? Math.ceil(error.retryAfter) : 0;
      return wait ? `메시지를 너무 빨리 보내고 있습니다. ${wait}초 후 다시 보내 주세요.` : '메시지를 너무 빨리 보내고 있습니다. 잠시 후 다시 보내 주세요.';
    }
    case 'unavailable':
      return '서버에 문제가 생겨 보내지 못했습니다. 재전송을 눌러 주세요.';
    case 'unauthorized':
      return '로그인이 필요합니다.';
  }
  if (/forbidden|member/i.test(code)) return '이 채팅방에 메시지를 보낼 수 없습니다.';
  if (/closed/i.test(code)) return '종료된 채팅방입니다.';
  if (/length|empty|text|invalid/i.test(code)) return '메시지는 1자 이상 1000자 이하로 보내 주세요.';
  if (/unauthori[sz]ed/i.test(code)) return '로그인이 필요합니다.';
  return '메시지를 보내지 못했습니다.';
}

/** Socket factory (replaced in tests). No host: socket.io connects to the page's own origin. */
export function connectChatSocket(): Socket {
  return io({ path: '/ws/chat', transports: ['websocket'], withCredentials: true });
}

export function useChat(me: number, activeRoomId: number | null) {
  const [state, dispatch] = useReducer(chatReducer, initialChatState);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [roomsError, setRoomsError] = useState<unknown>(null);
  const stateRef = useRef(state);
  stateRef.current = state;
  const activeRef = useRef(activeRoomId);
  activeRef.current = activeRoomId;
  const socketRef = useRef<Socket | null>(null);

  const loadRooms = useCallback(async () => {
    try {
      dispatch({ type: 'roomsLoaded', rooms: await chatApi.rooms() });
      setRoomsError(null);
    } catch (err) {
      setRoomsError(err);
    }
  }, []);

  /** Ask for everything after the last seq we hold for this room (catch-up after a gap or a reconnect). */
  const syncRoom = useCallback(
    (roomId: number, from?: number) => {
      const socket = socketRef.current;
      if (!socket?.connected) return;
      const afterSeq = Math.max(from ?? 0, lastSeq(stateRef.current.byRoom[roomId]));
      socket.timeout(ACK_TIMEOUT_MS).emit('sync', { roomId, afterSeq }, (err: unknown, res: Ack<{ items: MessageJson[]; hasMore?: boolean }> | Nack) => {
        if (err || !res || !res.ok) return;
        const items = res.items ?? [];
        dispatch({ type: 'synced', roomId, items, me, activeRoomId: activeRef.current });
        // One answer carries at most SYNC_MAX_ITEMS: ask again from the new end.
        if (res.hasMore && items.length > 0) syncRoom(roomId, items[items.length - 1].seq);
      });
    },
    [me],
  );

  useEffect(() => {
    void loadRooms();
    const socket = connectChatSocket();
    socketRef.current = socket;
    let everConnected = false;
    let refreshTries = 0;

    socket.on('connect', () => {
      setConnection('online');
      refreshTries = 0;
      // Reconnected: fetch what was missed in every room we show, and the room list's badges.
      for (const [id, room] of Object.entries(stateRef.current.byRoom)) if (room.loaded) syncRoom(Number(id));
      if (everConnected) void loadRooms();
      everConnected = true;
    });
    socket.on('disconnect', (reason) => {
      setConnection('offline');
      // The server dropped us on purpose (e.g. a deploy): socket.io does not retry that by itself.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', async (err: Error) => {
      if (/unauthori[sz]ed/i.test(err.message)) {
        // Refused at the handshake: usually an expired access token. Rotate it once and retry.
        setConnection('unauthorized');
        if (refreshTries++ < 1 && (await refreshSession())) socket.connect();
        return;
      }
      setConnection('offline'); // socket.io keeps retrying with backoff
    });
    socket.on('message', (message: MessageJson) => {
      if (!message || typeof message.roomId !== 'number') return;
      const gap = hasGapBefore(stateRef.current.byRoom[message.roomId], message);
      dispatch({ type: 'messageReceived', message, me, activeRoomId: activeRef.current });
      if (gap) syncRoom(message.roomId);
      if (!stateRef.current.rooms.some((r) => r.id === message.roomId)) void loadRooms();
    });
    socket.on('read', (r: { roomId: number; userId: number; seq: number }) => dispatch({ type: 'readReceived', ...r, me }));
    socket.on('room_created', (room: Room) => dispatch({ type: 'roomUpserted', room }));
    socket.on('room_closed', (r: { roomId: number }) => dispatch({ type: 'roomClosed', roomId: r.roomId }));

    return () => {
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [me, loadRooms, syncRoom]);

  /** First page of a room's history, then anything newer (whichever end the server pages from). */
  const openRoom = useCallback(async (roomId: number) => {
    const held = stateRef.current.byRoom[roomId];
    if (held?.loaded) {
      syncRoom(roomId);
      return;
    }
    let items = await chatApi.messages(roomId, { limit: PAGE });
    dispatch({ type: 'historyLoaded', roomId, items });
    for (let i = 0; i < 20 && items.length >= PAGE; i++) {
      items = await chatApi.messages(roomId, { afterSeq: items[items.length - 1].seq, limit: PAGE });
      dispatch({ type: 'historyLoaded', roomId, items });
    }
    syncRoom(roomId);
  }, [syncRoom]);

  const loadOlder = useCallback(async (roomId: number) => {
    const first = stateRef.current.byRoom[roomId]?.items[0];
    if (!first) return;
    const items = await chatApi.messages(roomId, { beforeSeq: first.seq, limit: PAGE });
    dispatch({ type: 'historyLoaded', roomId, items });
  }, []);

  const emitSend = useCallback((roomId: number, clientMsgId: string, text: string) => {
    const socket = socketRef.current;
    if (!socket) return;
    // Sent while offline, socket.io buffers it until the reconnect; the server keeps one per clientMsgId.
    socket.timeout(ACK_TIMEOUT_MS).emit('send_message', { roomId, text, clientMsgId }, (err: unknown, res: Ack<{ message: MessageJson }> | Nack) => {
      if (err) dispatch({ type: 'sendFailed', roomId, clientMsgId, error: '전송 시간이 초과되었습니다.' });
      else if (!res || !res.ok) dispatch({ type: 'sendFailed', roomId, clientMsgId, error: sendErrorMessage(res && 'error' in res ? res.error : undefined) });
      else dispatch({ type: 'sendAcked', roomId, clientMsgId, message: res.message });
    });
  }, []);

  const send = useCallback((roomId: number, text: string) => {
    const clientMsgId = newClientMsgId();
    dispatch({ type: 'sendStarted', pending: { clientMsgId, roomId, text, createdAt: new Date().toISOString() } });
    emitSend(roomId, clientMsgId, text);
  }, [emitSend]);

  const retry = useCallback((roomId: number, clientMsgId: string) => {
    const p = stateRef.current.byRoom[roomId]?.pending.find((x) => x.clientMsgId === clientMsgId);
    if (!p) return;
    dispatch({ type: 'sendRetried', roomId, clientMsgId });
    emitSend(roomId, clientMsgId, p.text);
  }, [emitSend]);

  const markRead = useCallback((roomId: number) => {
    const room = stateRef.current.byRoom[roomId];
    const seq = lastSeq(room);
    const summary = stateRef.current.rooms.find((r) => r.id === roomId);
    if (!room || seq === 0 || (seq <= room.myReadSeq && !summary?.unreadCount)) return;
    socketRef.current?.emit('read', { roomId, seq });
    dispatch({ type: 'markedRead', roomId, seq });
  }, []);

  const upsertRoom = useCallback((room: Room) => dispatch({ type: 'roomUpserted', room }), []);

  return { state, connection, roomsError, loadRooms, openRoom, loadOlder, send, retry, markRead, upsertRoom };
}
