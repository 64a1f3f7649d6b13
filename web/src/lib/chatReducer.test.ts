import { describe, expect, it } from 'vitest';
import type { MessageJson, Room } from '../api/types';
import { chatReducer, hasGapBefore, initialChatState, lastSeq, mergeMessages, type ChatAction, type ChatState } from './chatReducer';

const ME = 1;
const OTHER = 2;

function msg(roomId: number, seq: number, senderId: number | null = OTHER, text = `m${roomId}-${seq}`): MessageJson {
  return { id: roomId * 1000 + seq, roomId, seq, senderId, kind: senderId === null ? 'system' : 'user', text, createdAt: `2024-01-01T00:00:${String(seq).padStart(2, '0')}Z` };
}

function room(id: number, last: MessageJson | null = null, unreadCount = 0): Room {
  return {
    id, articleId: id * 10, buyerId: ME, sellerId: OTHER, status: 'OPEN',
    article: { id: id * 10, title: `a${id}`, price: 1000, status: 'ON_SALE', thumbUrl: null },
    counterpart: { id: OTHER, nickname: '상대', profileImageUrl: null },
    lastMessage: last, unreadCount, createdAt: '2024-01-01T00:00:00Z',
  };
}

function run(actions: ChatAction[], state: ChatState = initialChatState): ChatState {
  return actions.reduce(chatReducer, state);
}

const seqs = (s: ChatState, roomId: number) => (s.byRoom[roomId]?.items ?? []).map((m) => m.seq);

describe('mergeMessages', () => {
  it('orders by seq and keeps one copy per id', () => {
    const merged = mergeMessages([msg(1, 3), msg(1, 1)], [msg(1, 2), msg(1, 3), msg(1, 1)]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3]);
  });
  it('lets the incoming copy win', () => {
    const merged = mergeMessages([{ ...msg(1, 1), text: 'old' }], [{ ...msg(1, 1), text: 'new' }]);
    expect(merged).toHaveLength(1);
    expect(merged[0].text).toBe('new');
  });
});

describe('chatReducer: messages per room', () => {
  it('files a live message under its own room, never the open one', () => {
    const s = run([
      { type: 'roomsLoaded', rooms: [room(1), room(2)] },
      { type: 'historyLoaded', roomId: 1, items: [msg(1, 1)] },
      { type: 'messageReceived', message: msg(2, 1), me: ME, activeRoomId: 1 },
    ]);
    expect(seqs(s, 1)).toEqual([1]);
    expect(seqs(s, 2)).toEqual([1]);
    expect(s.byRoom[2].items[0].roomId).toBe(2);
    // the other room gets the badge, last message and moves to the top
    expect(s.rooms[0].id).toBe(2);
    expect(s.rooms[0].unreadCount).toBe(1);
    expect(s.rooms[0].lastMessage?.text).toBe('m2-1');
    expect(s.rooms.find((r) => r.id === 1)?.unreadCount).toBe(0);
  });

  it('does not count messages in the open room or my own as unread', () => {
    const s = run([
      { type: 'roomsLoaded', rooms: [room(1), room(2)] },
      { type: 'messageReceived', message: msg(1, 1), me: ME, activeRoomId: 1 },
      { type: 'messageReceived', message: msg(2, 1, ME), me: ME, activeRoomId: 1 },
    ]);
    expect(s.rooms.find((r) => r.id === 1)?.unreadCount).toBe(0);
    expect(s.rooms.find((r) => r.id === 2)?.unreadCount).toBe(0);
  });

  it('de-duplicates the same message arriving twice (live + catch-up + history)', () => {
    const s = run([
      { type: 'roomsLoaded', rooms: [room(1), room(2)] },
      { type: 'messageReceived', message: msg(2, 1), me: ME, activeRoomId: 1 },
      { type: 'messageReceived', message: msg(2, 1), me: ME, activeRoomId: 1 },
      { type: 'synced', roomId: 2, items: [msg(2, 1)], me: ME, activeRoomId: 1 },
      { type: 'historyLoaded', roomId: 2, items: [msg(2, 1)] },
    ]);
    expect(seqs(s, 2)).toEqual([1]);
    expect(s.rooms.find((r) => r.id === 2)?.unreadCount).toBe(1);
  });

  it('orders out-of-order arrivals by seq', () => {
    const s = run([
      { type: 'messageReceived', message: msg(1, 3), me: ME, activeRoomId: 1 },
      { type: 'messageReceived', message: msg(1, 1), me: ME, activeRoomId: 1 },
      { type: 'messageReceived', message: msg(1, 2), me: ME, activeRoomId: 1 },
    ]);
    expect(seqs(s, 1)).toEqual([1, 2, 3]);
    expect(lastSeq(s.byRoom[1])).toBe(3);
  });

  it('merges a catch-up (sync) after a reconnect into what was held', () => {
    let s = run([
      { type: 'roomsLoaded', rooms: [room(1, msg(1, 2))] },
      { type: 'historyLoaded', roomId: 1, items: [msg(1, 1), msg(1, 2)] },
    ]);
    expect(hasGapBefore(s.byRoom[1], msg(1, 5))).toBe(true);
    expect(hasGapBefore(s.byRoom[1], msg(1, 3))).toBe(false);
    // while offline the other side sent 3..5; one of them (5) arrived live after reconnect first
    s = run([
      { type: 'messageReceived', message: msg(1, 5), me: ME, activeRoomId: null },
      { type: 'synced', roomId: 1, items: [msg(1, 3), msg(1, 4), msg(1, 5)], me: ME, activeRoomId: null },
    ], s);
    expect(seqs(s, 1)).toEqual([1, 2, 3, 4, 5]);
    expect(s.rooms[0].lastMessage?.seq).toBe(5);
    expect(s.rooms[0].unreadCount).toBe(3);
  });

  it('files catch-up items tagged with another room under that room', () => {
    const s = run([{ type: 'synced', roomId: 1, items: [msg(1, 1), msg(3, 1)], me: ME, activeRoomId: 1 }]);
    expect(seqs(s, 1)).toEqual([1]);
    expect(seqs(s, 3)).toEqual([1]);
  });

  it('knows when older history exists from seq 1 being absent', () => {
    let s = run([{ type: 'historyLoaded', roomId: 1, items: [msg(1, 51), msg(1, 52)] }]);
    expect(s.byRoom[1].hasOlder).toBe(true);
    expect(s.byRoom[1].loaded).toBe(true);
    s = run([{ type: 'historyLoaded', roomId: 1, items: [msg(1, 1), msg(1, 2)] }], s);
    expect(seqs(s, 1)).toEqual([1, 2, 51, 52]);
    expect(s.byRoom[1].hasOlder).toBe(false);
  });

  it('ignores a history item from another room', () => {
    const s = run([{ type: 'historyLoaded', roomId: 1, items: [msg(1, 1), msg(2, 1)] }]);
    expect(seqs(s, 1)).toEqual([1]);
    expect(s.byRoom[2]).toBeUndefined();
  });
});

describe('chatReducer: sending', () => {
  const pending = { clientMsgId: 'c1', roomId: 1, text: '안녕하세요', createdAt: '2024-01-01T00:00:00Z' };
  const confirmed = { ...msg(1, 1, ME, '안녕하세요') };

  it('shows a pending bubble and replaces it on ack', () => {
    let s = run([{ type: 'roomsLoaded', rooms: [room(1)] }, { type: 'sendStarted', pending }]);
    expect(s.byRoom[1].pending).toHaveLength(1);
    s = run([{ type: 'sendAcked', roomId: 1, clientMsgId: 'c1', message: confirmed }], s);
    expect(s.byRoom[1].pending).toHaveLength(0);
    expect(seqs(s, 1)).toEqual([1]);
    expect(s.rooms[0].lastMessage?.text).toBe('안녕하세요');
    expect(s.rooms[0].unreadCount).toBe(0);
  });

  it('does not show my message twice when the echo beats the ack', () => {
    const s = run([
      { type: 'sendStarted', pending },
      { type: 'messageReceived', message: confirmed, me: ME, activeRoomId: 1 },
      { type: 'sendAcked', roomId: 1, clientMsgId: 'c1', message: confirmed },
    ]);
    expect(s.byRoom[1].pending).toHaveLength(0);
    expect(s.byRoom[1].items).toHaveLength(1);
  });

  it('settles by clientMsgId when the server echoes it', () => {
    const s = run([
      { type: 'sendStarted', pending },
      { type: 'sendStarted', pending: { ...pending, clientMsgId: 'c2' } },
      { type: 'messageReceived', message: { ...confirmed, clientMsgId: 'c2' }, me: ME, activeRoomId: 1 },
    ]);
    expect(s.byRoom[1].pending.map((p) => p.clientMsgId)).toEqual(['c1']);
  });

  it('marks a failed send and lets it be retried', () => {
    let s = run([{ type: 'sendStarted', pending }, { type: 'sendFailed', roomId: 1, clientMsgId: 'c1', error: '전송 시간이 초과되었습니다.' }]);
    expect(s.byRoom[1].pending[0]).toMatchObject({ failed: true, error: '전송 시간이 초과되었습니다.' });
    s = run([{ type: 'sendRetried', roomId: 1, clientMsgId: 'c1' }], s);
    expect(s.byRoom[1].pending[0].failed).toBe(false);
  });
});

describe('chatReducer: rooms and read marks', () => {
  it('tracks the counterpart read seq and clears my badge when I (or my other tab) read', () => {
    let s = run([
      { type: 'roomsLoaded', rooms: [room(1, msg(1, 4), 2)] },
      { type: 'readReceived', roomId: 1, userId: OTHER, seq: 3, me: ME },
      { type: 'readReceived', roomId: 1, userId: OTHER, seq: 2, me: ME },
    ]);
    expect(s.byRoom[1].peerReadSeq).toBe(3);
    expect(s.rooms[0].unreadCount).toBe(2);
    s = run([{ type: 'readReceived', roomId: 1, userId: ME, seq: 4, me: ME }], s);
    expect(s.rooms[0].unreadCount).toBe(0);
    s = run([{ type: 'markedRead', roomId: 1, seq: 5 }], s);
    expect(s.byRoom[1].myReadSeq).toBe(5);
  });

  it('adds a created room on top, updates an existing one, and closes rooms', () => {
    let s = run([{ type: 'roomsLoaded', rooms: [room(1)] }, { type: 'roomUpserted', room: room(2) }]);
    expect(s.rooms.map((r) => r.id)).toEqual([2, 1]);
    s = run([{ type: 'roomUpserted', room: { ...room(1), unreadCount: 4 } }, { type: 'roomClosed', roomId: 2 }], s);
    expect(s.rooms.map((r) => r.id)).toEqual([2, 1]);
    expect(s.rooms[1].unreadCount).toBe(4);
    expect(s.rooms[0].status).toBe('CLOSED');
  });

  it('does not re-count messages the room list already counted', () => {
    const s = run([
      { type: 'roomsLoaded', rooms: [room(1, msg(1, 3), 3)] },
      { type: 'historyLoaded', roomId: 1, items: [msg(1, 1)] },
      { type: 'synced', roomId: 1, items: [msg(1, 2), msg(1, 3)], me: ME, activeRoomId: null },
    ]);
    expect(s.rooms[0].unreadCount).toBe(3);
  });
});
