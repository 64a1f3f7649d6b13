import { useEffect, useLayoutEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link } from 'react-router-dom';
import type { Room } from '../../api';
import { Avatar } from '../../components/Avatar';
import { ErrorBox, Loading } from '../../components/Feedback';
import { StatusTag } from '../../components/StatusTag';
import { emptyRoomMessages, type RoomMessages } from '../../lib/chatReducer';
import { formatClock, priceLabel } from '../../lib/format';
import { TradePanel } from './TradePanel';

interface ConversationProps {
  room: Room;
  me: number;
  messages: RoomMessages | undefined;
  openRoom: (roomId: number) => Promise<void>;
  loadOlder: (roomId: number) => Promise<void>;
  send: (roomId: number, text: string) => void;
  retry: (roomId: number, clientMsgId: string) => void;
  markRead: (roomId: number) => void;
  onRoomChanged: () => void;
  onBack: () => void;
}

export function Conversation(props: ConversationProps) {
  const { room, me, openRoom, loadOlder, send, retry, markRead, onRoomChanged, onBack } = props;
  const data = props.messages ?? emptyRoomMessages();
  const [error, setError] = useState<unknown>(null);
  const [text, setText] = useState('');
  const [olderBusy, setOlderBusy] = useState(false);
  const listRef = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const closed = room.status === 'CLOSED';

  useEffect(() => {
    setError(null);
    openRoom(room.id).catch(setError);
  }, [room.id, openRoom]);

  // Mark as read whenever new messages show up while this tab is visible.
  const newest = data.items.length ? data.items[data.items.length - 1].seq : 0;
  useEffect(() => {
    const mark = () => document.visibilityState === 'visible' && markRead(room.id);
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [room.id, newest, markRead]);

  useLayoutEffect(() => {
    const el = listRef.current;
    if (el && stickToBottom.current) el.scrollTop = el.scrollHeight;
  }, [data.items.length, data.pending.length]);

  const onScroll = () => {
    const el = listRef.current;
    if (el) stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  };

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const value = text.trim();
    if (!value || closed) return;
    stickToBottom.current = true;
    send(room.id, value);
    setText('');
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter sends; Shift+Enter is a new line; never while a Korean IME is still composing.
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  const showOlder = async () => {
    setOlderBusy(true);
    stickToBottom.current = false;
    try {
      await loadOlder(room.id);
    } catch (err) {
      setError(err);
    } finally {
      setOlderBusy(false);
    }
  };

  // The last of my messages the counterpart has read carries the 읽음 mark.
  const lastReadMine = useMemo(() => {
    let seq = 0;
    for (const m of data.items) if (m.senderId === me && m.seq <= data.peerReadSeq) seq = m.seq;
    return seq;
  }, [data.items, data.peerReadSeq, me]);

  const lastSystemSeq = useMemo(() => {
    for (let i = data.items.length - 1; i >= 0; i--) if (data.items[i].kind === 'system') return data.items[i].seq;
    return 0;
  }, [data.items]);

  return (
    <div className="conversation" data-room-id={room.id}>
      <header className="conversation-header">
        <button type="button" className="btn ghost back" onClick={onBack} aria-label="채팅 목록으로">‹</button>
        {room.article?.thumbUrl ? <img className="room-thumb" src={room.article.thumbUrl} alt="" /> : <span className="room-thumb placeholder" aria-hidden="true">🌿</span>}
        <div className="conversation-title">
          {room.article ? (
            <Link to={`/products/${room.article.id}`} className="article-link">
              <StatusTag status={room.article.status} />
              {room.article.title}
            </Link>
          ) : (
            <span className="muted">삭제된 상품</span>
          )}
          <span className="muted small">
            {room.article && priceLabel(room.article.price)} ·{' '}
            <Link to={`/user/${room.counterpart?.id}/profile`}>{room.counterpart?.nickname ?? '알 수 없음'}</Link>
          </span>
        </div>
      </header>

      <TradePanel room={room} me={me} lastSystemSeq={lastSystemSeq} onChanged={onRoomChanged} />

      <div className="messages" ref={listRef} onScroll={onScroll} data-testid="messages" aria-live="polite">
        {data.hasOlder && (
          <button type="button" className="btn small ghost older" onClick={showOlder} disabled={olderBusy}>
            {olderBusy ? '불러오는 중…' : '이전 메시지 보기'}
          </button>
        )}
        {!data.loaded && !error && <Loading />}
        <ErrorBox error={error} overrides={{ 403: '이 채팅방의 참여자가 아닙니다.' }} onRetry={() => openRoom(room.id).catch(setError)} />
        {data.loaded && data.items.length === 0 && data.pending.length === 0 && (
          <p className="empty small">첫 메시지를 보내 보세요.</p>
        )}
        {data.items.map((m) =>
          m.kind === 'system' || m.senderId === null ? (
            <div key={m.id} className="message system" data-testid="message" data-seq={m.seq}>{m.text}</div>
          ) : (
            <div key={m.id} className={`message ${m.senderId === me ? 'mine' : 'theirs'}`} data-testid="message" data-seq={m.seq}>
              {m.senderId !== me && <Avatar url={room.counterpart?.profileImageUrl} name={room.counterpart?.nickname} size={28} />}
              <p className="bubble">{m.text}</p>
              <span className="message-meta">
                {m.senderId === me && m.seq === lastReadMine && <span className="read-mark">읽음</span>}
                <time dateTime={m.createdAt}>{formatClock(m.createdAt)}</time>
              </span>
            </div>
          ),
        )}
        {data.pending.map((p) => (
          <div key={p.clientMsgId} className={`message mine pending${p.failed ? ' failed' : ''}`} data-testid="message-pending">
            <p className="bubble">{p.text}</p>
            <span className="message-meta">
              {p.failed ? (
                <>
                  <span className="error-text">{p.error ?? '전송 실패'}</span>
                  <button type="button" className="btn small ghost" onClick={() => retry(room.id, p.clientMsgId)}>재전송</button>
                </>
              ) : (
                '전송 중…'
              )}
            </span>
          </div>
        ))}
      </div>

      <form className="composer" onSubmit={submit}>
        <textarea
          aria-label="메시지 입력"
          placeholder={closed ? '대화가 종료된 채팅방입니다.' : '메시지를 입력하세요'}
          value={text}
          maxLength={1000}
          rows={2}
          disabled={closed}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="btn primary" disabled={closed || !text.trim()}>전송</button>
      </form>
    </div>
  );
}
