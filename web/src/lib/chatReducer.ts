// Chat state: rooms plus messages kept per room. Every message is filed under its own
// `roomId` (never "the open room"), de-duplicated by id and ordered by seq, so live
// messages, history pages and `sync` catch-ups can arrive in any order and interleave.
import type { MessageJson, Room } from '../api/types';

export interface PendingMessage {
  clientMsgId: string;
  roomId: number;
  text: string;
  createdAt: string;
  failed: boolean;
  error?: string;
}

export interface RoomMessages {
  items: MessageJson[];
  /** First history page arrived (REST). Live messages may arrive before that. */
  loaded: boolean;
  /** More history exists before items[0]. */
  hasOlder: boolean;
  /** My messages sent but not acknowledged yet (shown greyed, after the confirmed ones). */
  pending: PendingMessage[];
  /** Highest seq the counterpart has read (from `read` events). */
  peerReadSeq: number;
  /** Highest seq I told the server I read. */
  myReadSeq: number;
}

export interface ChatState {
  rooms: Room[];
  roomsLoaded: boolean;
  byRoom: Record<number, RoomMessages>;
  /** Per room, the seq up to which the server's room list already counted unread messages. */
  countedSeq: Record<number, number>;
}

export const initialChatState: ChatState = { rooms: [], roomsLoaded: false, byRoom: {}, countedSeq: {} };

export type ChatAction =
  | { type: 'roomsLoaded'; rooms: Room[] }
  | { type: 'roomUpserted'; room: Room }
  | { type: 'roomClosed'; roomId: number }
  | { type: 'historyLoaded'; roomId: number; items: MessageJson[] }
  | { type: 'messageReceived'; message: MessageJson; me: number; activeRoomId: number | null }
  | { type: 'synced'; roomId: number; items: MessageJson[]; me: number; activeRoomId: number | null }
  | { type: 'sendStarted'; pending: Omit<PendingMessage, 'failed'> }
  | { type: 'sendAcked'; roomId: number; clientMsgId: string; message: MessageJson }
  | { type: 'sendFailed'; roomId: number; clientMsgId: string; error: string }
  | { type: 'sendRetried'; roomId: number; clientMsgId: string }
  | { type: 'readReceived'; roomId: number; userId: number; seq: number; me: number }
  | { type: 'markedRead'; roomId: number; seq: number };

export function emptyRoomMessages(): RoomMessages {
  return { items: [], loaded: false, hasOlder: false, pending: [], peerReadSeq: 0, myReadSeq: 0 };
}

function compareMessages(a: MessageJson, b: MessageJson): number {
  return a.seq - b.seq || a.id - b.id;
}

/** Union of two message lists for one room: unique by id (the incoming copy wins), sorted by seq. */
export function mergeMessages(existing: MessageJson[], incoming: MessageJson[]): MessageJson[] {
  if (incoming.length === 0) return existing;
  const byId = new Map<number, MessageJson>();
  for (const m of existing) byId.set(m.id, m);
  for (const m of incoming) byId.set(m.id, m);
  return Array.from(byId.values()).sort(compareMessages);
}

export function lastSeq(room: RoomMessages | undefined): number {
  if (!room || room.items.length === 0) return 0;
  return room.items[room.items.length - 1].seq;
}

/** Seqs missing between what we hold and a newly arrived message (a gap means: sync). */
export function hasGapBefore(room: RoomMessages | undefined, message: MessageJson): boolean {
  if (!room || !room.loaded || room.items.length === 0) return false;
  return message.seq > lastSeq(room) + 1;
}

/** Drop pending bubbles that this confirmed message stands for. */
function settlePending(pending: PendingMessage[], message: MessageJson, me: number): PendingMessage[] {
  if (pending.length === 0) return pending;
  if (message.clientMsgId) return pending.filter((p) => p.clientMsgId !== message.clientMsgId);
  if (message.senderId !== me) return pending;
  // Echo of my own message without a clientMsgId: retire the oldest pending one with that text.
  const at = pending.findIndex((p) => !p.failed && p.text === message.text);
  return at < 0 ? pending : pending.filter((_, i) => i !== at);
}

function withRoom(state: ChatState, roomId: number, update: (r: RoomMessages) => RoomMessages): ChatState {
  const current = state.byRoom[roomId] ?? emptyRoomMessages();
  return { ...state, byRoom: { ...state.byRoom, [roomId]: update(current) } };
}

function updateRoom(rooms: Room[], roomId: number, update: (r: Room) => Room, toTop = false): Room[] {
  const at = rooms.findIndex((r) => r.id === roomId);
  if (at < 0) return rooms;
  const updated = update(rooms[at]);
  if (!toTop) return rooms.map((r, i) => (i === at ? updated : r));
  return [updated, ...rooms.filter((_, i) => i !== at)];
}

/** Apply newly confirmed messages to the room list: last message, unread badge, activity order. */
function touchRoomSummary(
  state: ChatState,
  roomId: number,
  fresh: MessageJson[],
  me: number,
  activeRoomId: number | null,
): ChatState {
  if (fresh.length === 0) return state;
  const room = state.rooms.find((r) => r.id === roomId);
  if (!room) return state;
  const newest = fresh.reduce((a, b) => (b.seq > a.seq ? b : a));
  // `fresh` holds only messages never seen before (by id), so nothing is counted twice;
  // what the server's room list counted already is skipped.
  const counted = state.countedSeq[roomId] ?? 0;
  const unreadAdd = roomId === activeRoomId ? 0 : fresh.filter((m) => m.seq > counted && m.senderId !== me).length;
  const isNewer = !room.lastMessage || newest.seq > room.lastMessage.seq;
  if (!isNewer && unreadAdd === 0) return state;
  const rooms = updateRoom(
    state.rooms,
    roomId,
    (r) => ({
      ...r,
      lastMessage: isNewer ? newest : r.lastMessage,
      unreadCount: roomId === activeRoomId ? 0 : r.unreadCount + unreadAdd,
    }),
    isNewer,
  );
  return { ...state, rooms };
}

function countedFrom(rooms: Room[], base: Record<number, number> = {}): Record<number, number> {
  const out = { ...base };
  for (const r of rooms) out[r.id] = r.lastMessage?.seq ?? 0;
  return out;
}

/** Messages of `incoming` not already held (by id) in `room`. */
function unseen(room: RoomMessages | undefined, incoming: MessageJson[]): MessageJson[] {
  if (!room) return incoming;
  const ids = new Set(room.items.map((m) => m.id));
  return incoming.filter((m) => !ids.has(m.id));
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'roomsLoaded': {
      return { ...state, rooms: action.rooms, roomsLoaded: true, countedSeq: countedFrom(action.rooms) };
    }
    case 'roomUpserted': {
      const exists = state.rooms.some((r) => r.id === action.room.id);
      const rooms = exists
        ? state.rooms.map((r) => (r.id === action.room.id ? { ...r, ...action.room } : r))
        : [action.room, ...state.rooms];
      return { ...state, rooms, countedSeq: countedFrom([action.room], state.countedSeq) };
    }
    case 'roomClosed': {
      return { ...state, rooms: updateRoom(state.rooms, action.roomId, (r) => ({ ...r, status: 'CLOSED' })) };
    }
    case 'historyLoaded': {
      // A page is for one room; a stray item of another room is not shown here.
      const items = action.items
        .filter((m) => m.roomId === action.roomId || m.roomId === undefined)
        .map((m) => ({ ...m, roomId: action.roomId }));
      return withRoom(state, action.roomId, (r) => {
        const merged = mergeMessages(r.items, items);
        // seq is 1, 2, 3… per room, so history goes further back exactly when seq 1 is missing.
        return { ...r, items: merged, loaded: true, hasOlder: merged.length > 0 && merged[0].seq > 1 };
      });
    }
    case 'messageReceived': {
      const m = action.message;
      const room = state.byRoom[m.roomId];
      const fresh = unseen(room, [m]);
      const next = withRoom(state, m.roomId, (r) => ({
        ...r,
        items: mergeMessages(r.items, [m]),
        pending: settlePending(r.pending, m, action.me),
      }));
      return touchRoomSummary(next, m.roomId, fresh, action.me, action.activeRoomId);
    }
    case 'synced': {
      // A catch-up answers for one room; anything tagged with another room goes to that room.
      let next = state;
      const groups = new Map<number, MessageJson[]>();
      for (const m of action.items) {
        const roomId = m.roomId ?? action.roomId;
        groups.set(roomId, [...(groups.get(roomId) ?? []), { ...m, roomId }]);
      }
      for (const [roomId, items] of groups) {
        const fresh = unseen(next.byRoom[roomId], items);
        next = withRoom(next, roomId, (r) => ({
          ...r,
          items: mergeMessages(r.items, items),
          pending: items.reduce((p, m) => settlePending(p, m, action.me), r.pending),
        }));
        next = touchRoomSummary(next, roomId, fresh, action.me, action.activeRoomId);
      }
      return next;
    }
    case 'sendStarted': {
      const p = action.pending;
      return withRoom(state, p.roomId, (r) => ({ ...r, pending: [...r.pending, { ...p, failed: false }] }));
    }
    case 'sendAcked': {
      const m = { ...action.message, roomId: action.message.roomId ?? action.roomId };
      const room = state.byRoom[m.roomId];
      const fresh = unseen(room, [m]);
      const next = withRoom(state, m.roomId, (r) => ({
        ...r,
        items: mergeMessages(r.items, [m]),
        pending: r.pending.filter((p) => p.clientMsgId !== action.clientMsgId),
      }));
      // A pending bubble could have been filed under the ack's room only; clean the other too.
      const cleaned =
        m.roomId === action.roomId
          ? next
          : withRoom(next, action.roomId, (r) => ({
              ...r,
              pending: r.pending.filter((p) => p.clientMsgId !== action.clientMsgId),
            }));
      return touchRoomSummary(cleaned, m.roomId, fresh, m.senderId ?? -1, m.roomId);
    }
    case 'sendFailed': {
      return withRoom(state, action.roomId, (r) => ({
        ...r,
        pending: r.pending.map((p) =>
          p.clientMsgId === action.clientMsgId ? { ...p, failed: true, error: action.error } : p,
        ),
      }));
    }
    case 'sendRetried': {
      return withRoom(state, action.roomId, (r) => ({
        ...r,
        pending: r.pending.map((p) =>
          p.clientMsgId === action.clientMsgId ? { ...p, failed: false, error: undefined } : p,
        ),
      }));
    }
    case 'readReceived': {
      if (action.userId === action.me) {
        // My other tab read it: clear my badge for that room.
        const next = withRoom(state, action.roomId, (r) => ({ ...r, myReadSeq: Math.max(r.myReadSeq, action.seq) }));
        return { ...next, rooms: updateRoom(next.rooms, action.roomId, (r) => ({ ...r, unreadCount: 0 })) };
      }
      return withRoom(state, action.roomId, (r) => ({ ...r, peerReadSeq: Math.max(r.peerReadSeq, action.seq) }));
    }
    case 'markedRead': {
      const next = withRoom(state, action.roomId, (r) => ({ ...r, myReadSeq: Math.max(r.myReadSeq, action.seq) }));
      return { ...next, rooms: updateRoom(next.rooms, action.roomId, (r) => ({ ...r, unreadCount: 0 })) };
    }
    default:
      return state;
  }
}
