// @vitest-environment jsdom
import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MessageJson, Room } from '../api/types';

// A fake socket.io client: records emits, lets the test fire server events.
type Handler = (...args: unknown[]) => void;
class FakeSocket {
  handlers = new Map<string, Handler[]>();
  emitted: { event: string; payload: unknown; ack?: Handler }[] = [];
  connected = false;
  on(event: string, h: Handler) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), h]);
    return this;
  }
  fire(event: string, ...args: unknown[]) {
    if (event === 'connect') this.connected = true;
    if (event === 'disconnect') this.connected = false;
    for (const h of this.handlers.get(event) ?? []) h(...args);
  }
  timeout() {
    return this;
  }
  emit(event: string, payload: unknown, ack?: Handler) {
    this.emitted.push({ event, payload, ack });
    return this;
  }
  connect() {
    return this;
  }
  disconnect() {
    this.connected = false;
    return this;
  }
  removeAllListeners() {
    this.handlers.clear();
    return this;
  }
}

let socket: FakeSocket;
const ioMock = vi.fn();
vi.mock('socket.io-client', () => ({ io: (...args: unknown[]) => ioMock(...args) }));

const { useChat, sendErrorMessage } = await import('./useChat');

const ME = 1;
const msg = (roomId: number, seq: number, senderId = 2): MessageJson => ({
  id: roomId * 100 + seq, roomId, seq, senderId, kind: 'user', text: `r${roomId}s${seq}`, createdAt: '2024-01-01T00:00:00Z',
});
const room = (id: number): Room => ({
  id, articleId: id * 10, buyerId: ME, sellerId: 2, status: 'OPEN', article: null,
  counterpart: { id: 2, nickname: '상대', profileImageUrl: null }, lastMessage: null, unreadCount: 0, createdAt: '2024-01-01T00:00:00Z',
});

function json(body: unknown) {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
}

beforeEach(() => {
  socket = new FakeSocket();
  ioMock.mockReset().mockImplementation(() => socket);
  vi.stubGlobal('fetch', vi.fn(async (url: string) => {
    if (url.startsWith('/api/chat/rooms/1/messages')) return json({ items: [msg(1, 1), msg(1, 2)] });
    if (url.startsWith('/api/chat/rooms')) return json({ items: [room(1), room(2)] });
    throw new Error(`unexpected ${url}`);
  }));
});
afterEach(() => vi.unstubAllGlobals());

describe('useChat', () => {
  it('connects same-origin (no host) at /ws/chat over websocket only', async () => {
    renderHook(() => useChat(ME, 1));
    expect(ioMock).toHaveBeenCalledTimes(1);
    const args = ioMock.mock.calls[0];
    expect(typeof args[0]).toBe('object'); // options only: the page's own origin
    expect(args[0]).toMatchObject({ path: '/ws/chat', transports: ['websocket'] });
  });

  it('keeps live messages in their own room while another room is open', async () => {
    const { result } = renderHook(() => useChat(ME, 1));
    await waitFor(() => expect(result.current.state.roomsLoaded).toBe(true));
    act(() => socket.fire('connect'));
    await act(() => result.current.openRoom(1));
    act(() => socket.fire('message', msg(2, 1)));
    expect(result.current.state.byRoom[1].items.map((m) => m.seq)).toEqual([1, 2]);
    expect(result.current.state.byRoom[2].items.map((m) => m.text)).toEqual(['r2s1']);
    expect(result.current.state.rooms.find((r) => r.id === 2)?.unreadCount).toBe(1);
  });

  it('catches up with sync after a reconnect, from the last seq held', async () => {
    const { result } = renderHook(() => useChat(ME, 1));
    await waitFor(() => expect(result.current.state.roomsLoaded).toBe(true));
    act(() => socket.fire('connect'));
    await act(() => result.current.openRoom(1));
    act(() => socket.fire('disconnect', 'transport close'));
    expect(result.current.connection).toBe('offline');
    socket.emitted = [];
    act(() => socket.fire('connect'));
    const sync = socket.emitted.find((e) => e.event === 'sync');
    expect(sync?.payload).toEqual({ roomId: 1, afterSeq: 2 });
    act(() => sync!.ack!(null, { ok: true, items: [msg(1, 3), msg(1, 4)] }));
    expect(result.current.state.byRoom[1].items.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('keeps syncing while the answer says hasMore, from the last seq it got', async () => {
    const { result } = renderHook(() => useChat(ME, 1));
    await waitFor(() => expect(result.current.state.roomsLoaded).toBe(true));
    act(() => socket.fire('connect'));
    await act(() => result.current.openRoom(1));
    socket.emitted = [];
    act(() => socket.fire('disconnect', 'transport close'));
    act(() => socket.fire('connect'));
    const first = socket.emitted.find((e) => e.event === 'sync')!;
    socket.emitted = [];
    act(() => first.ack!(null, { ok: true, items: [msg(1, 3), msg(1, 4)], hasMore: true }));
    const second = socket.emitted.find((e) => e.event === 'sync');
    expect(second?.payload).toEqual({ roomId: 1, afterSeq: 4 });
    socket.emitted = [];
    act(() => second!.ack!(null, { ok: true, items: [msg(1, 5)], hasMore: false }));
    expect(socket.emitted.filter((e) => e.event === 'sync')).toHaveLength(0);
    expect(result.current.state.byRoom[1].items.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('shows a refused send ({ok:false, error:{code, message}}) in Korean, with 재전송 possible', async () => {
    const { result } = renderHook(() => useChat(ME, 1));
    await waitFor(() => expect(result.current.state.roomsLoaded).toBe(true));
    act(() => socket.fire('connect'));
    await act(() => result.current.openRoom(1));
    act(() => result.current.send(1, '안녕하세요'));
    const sent = socket.emitted.find((e) => e.event === 'send_message')!;
    act(() => sent.ack!(null, { ok: false, error: { code: 'room_closed', message: 'The room is closed.' } }));
    const pending = result.current.state.byRoom[1].pending[0];
    expect(pending.failed).toBe(true);
    expect(pending.error).toBe('종료된 채팅방입니다.');
  });

  it('asks for a catch-up when a live message skips seqs', async () => {
    const { result } = renderHook(() => useChat(ME, 1));
    await waitFor(() => expect(result.current.state.roomsLoaded).toBe(true));
    act(() => socket.fire('connect'));
    await act(() => result.current.openRoom(1));
    socket.emitted = [];
    act(() => socket.fire('message', msg(1, 5)));
    expect(socket.emitted.find((e) => e.event === 'sync')?.payload).toEqual({ roomId: 1, afterSeq: 2 });
  });

  it('sends with a clientMsgId, shows it pending and settles it on ack', async () => {
    const { result } = renderHook(() => useChat(ME, 1));
    await waitFor(() => expect(result.current.state.roomsLoaded).toBe(true));
    act(() => socket.fire('connect'));
    act(() => result.current.send(1, '안녕하세요'));
    const sent = socket.emitted.find((e) => e.event === 'send_message')!;
    const payload = sent.payload as { roomId: number; text: string; clientMsgId: string };
    expect(payload.roomId).toBe(1);
    expect(payload.text).toBe('안녕하세요');
    expect(payload.clientMsgId).toBeTruthy();
    expect(result.current.state.byRoom[1].pending).toHaveLength(1);
    act(() => sent.ack!(null, { ok: true, message: { ...msg(1, 3, ME), text: '안녕하세요' } }));
    expect(result.current.state.byRoom[1].pending).toHaveLength(0);
    expect(result.current.state.byRoom[1].items.at(-1)?.text).toBe('안녕하세요');
  });

  it('marks a timed-out send as failed and retries it with the same clientMsgId', async () => {
    const { result } = renderHook(() => useChat(ME, 1));
    await waitFor(() => expect(result.current.state.roomsLoaded).toBe(true));
    act(() => result.current.send(1, '여보세요'));
    const first = socket.emitted.find((e) => e.event === 'send_message')!;
    act(() => first.ack!(new Error('operation has timed out')));
    expect(result.current.state.byRoom[1].pending[0].failed).toBe(true);
    const id = (first.payload as { clientMsgId: string }).clientMsgId;
    act(() => result.current.retry(1, id));
    const second = socket.emitted.filter((e) => e.event === 'send_message')[1];
    expect((second.payload as { clientMsgId: string }).clientMsgId).toBe(id);
  });
});

describe('send error codes (docs/chat-service.md)', () => {
  it('has Korean words for every ack error code', () => {
    expect(sendErrorMessage({ code: 'invalid', message: 'text must be 1-1000 characters' })).toContain('1000자');
    expect(sendErrorMessage({ code: 'forbidden', message: 'not a member' })).toContain('보낼 수 없습니다');
    expect(sendErrorMessage({ code: 'not_found', message: 'no such room' })).toContain('찾을 수 없습니다');
    expect(sendErrorMessage({ code: 'room_closed', message: 'closed' })).toBe('종료된 채팅방입니다.');
    expect(sendErrorMessage({ code: 'rate_limited', message: 'slow down', retryAfter: 2.2 })).toContain('3초 후');
    expect(sendErrorMessage({ code: 'rate_limited', message: 'slow down' })).toContain('잠시 후');
    expect(sendErrorMessage({ code: 'unavailable', message: 'db down' })).toContain('재전송');
  });

  it('copes with a bare string, an unknown code and nothing at all', () => {
    expect(sendErrorMessage('unauthorized')).toBe('로그인이 필요합니다.');
    expect(sendErrorMessage({ message: 'room closed' })).toBe('종료된 채팅방입니다.');
    expect(sendErrorMessage({ code: 'teapot' })).toBe('메시지를 보내지 못했습니다.');
    expect(sendErrorMessage(undefined)).toBe('메시지를 보내지 못했습니다.');
  });
});
