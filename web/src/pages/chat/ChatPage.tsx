import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { chatApi } from '../../api';
import { useAuth } from '../../auth/AuthContext';
import { ErrorBox, Notice } from '../../components/Feedback';
import { useDocumentTitle } from '../../lib/hooks';
import { useChat, type Connection } from '../../lib/useChat';
import { Conversation } from './Conversation';
import { RoomList } from './RoomList';

const CONNECTION_TEXT: Record<Connection, string | null> = {
  connecting: '채팅 서버에 연결하는 중…',
  online: null,
  offline: '채팅 서버와 연결이 끊어졌습니다. 다시 연결하는 중…',
  unauthorized: '로그인이 만료되었습니다. 다시 로그인해 주세요.',
};

export function ChatPage() {
  useDocumentTitle('채팅');
  const { user } = useAuth();
  const me = user!.id;
  const { roomId: param } = useParams();
  const roomId = param ? Number(param) : null;
  const navigate = useNavigate();
  const chat = useChat(me, roomId);
  const [roomError, setRoomError] = useState<unknown>(null);
  const room = roomId ? chat.state.rooms.find((r) => r.id === roomId) : undefined;

  // A room opened by URL that the list does not have yet (just created, or list still loading).
  useEffect(() => {
    setRoomError(null);
    if (!roomId || !chat.state.roomsLoaded || room) return;
    chatApi.room(roomId).then(chat.upsertRoom, setRoomError);
  }, [roomId, chat.state.roomsLoaded, room, chat.upsertRoom]);

  const banner = CONNECTION_TEXT[chat.connection];
  return (
    <div className={`page chat-page${roomId ? ' has-room' : ''}`}>
      {banner && <div className={`connection-banner ${chat.connection}`} role="status">{banner}</div>}
      <div className="chat-layout">
        <aside className="chat-rooms" aria-label="채팅방 목록">
          <h1 className="chat-heading">채팅</h1>
          <ErrorBox error={chat.roomsError} onRetry={chat.loadRooms} />
          <RoomList rooms={chat.state.rooms} loaded={chat.state.roomsLoaded} activeRoomId={roomId} onSelect={(id) => navigate(`/chat/${id}`)} />
        </aside>
        <section className="chat-conversation" aria-label="대화">
          {roomId === null ? (
            <div className="chat-placeholder"><Notice>왼쪽 목록에서 채팅방을 선택해 주세요.</Notice></div>
          ) : roomError ? (
            <div className="chat-placeholder">
              <ErrorBox error={roomError} overrides={{ 403: '이 채팅방의 참여자가 아닙니다.', 404: '채팅방을 찾을 수 없습니다.' }} />
            </div>
          ) : room ? (
            <Conversation
              key={room.id}
              room={room}
              me={me}
              messages={chat.state.byRoom[room.id]}
              openRoom={chat.openRoom}
              loadOlder={chat.loadOlder}
              send={chat.send}
              retry={chat.retry}
              markRead={chat.markRead}
              onRoomChanged={() => chatApi.room(room.id).then(chat.upsertRoom, () => undefined)}
              onBack={() => navigate('/chat')}
            />
          ) : (
            <div className="chat-placeholder"><Notice>채팅방을 불러오는 중…</Notice></div>
          )}
        </section>
      </div>
    </div>
  );
}
