import type { Room } from '../../api';
import { Avatar } from '../../components/Avatar';
import { Empty, Loading } from '../../components/Feedback';
import { timeAgo } from '../../lib/format';

interface RoomListProps {
  rooms: Room[];
  loaded: boolean;
  activeRoomId: number | null;
  onSelect: (roomId: number) => void;
}

function preview(room: Room): string {
  if (!room.lastMessage) return '새 채팅방';
  return room.lastMessage.text;
}

export function RoomList({ rooms, loaded, activeRoomId, onSelect }: RoomListProps) {
  if (!loaded) return <Loading />;
  if (rooms.length === 0) return <Empty>아직 채팅이 없어요. 마음에 드는 물건의 채팅하기를 눌러 보세요.</Empty>;
  return (
    <ul className="room-list">
      {rooms.map((room) => (
        <li key={room.id}>
          <button
            type="button"
            className={`room-item${room.id === activeRoomId ? ' active' : ''}${room.status === 'CLOSED' ? ' closed' : ''}`}
            onClick={() => onSelect(room.id)}
            aria-current={room.id === activeRoomId}
            data-testid="room-item"
          >
            <Avatar url={room.counterpart?.profileImageUrl} name={room.counterpart?.nickname} size={40} />
            <span className="room-text">
              <span className="room-top">
                <strong className="room-name">{room.counterpart?.nickname ?? '알 수 없음'}</strong>
                <span className="muted small">{timeAgo(room.lastMessage?.createdAt ?? room.createdAt)}</span>
              </span>
              <span className="room-preview">{room.status === 'CLOSED' ? '종료된 채팅방 · ' : ''}{preview(room)}</span>
            </span>
            {room.unreadCount > 0 && (
              <span className="badge" aria-label={`안 읽은 메시지 ${room.unreadCount}개`} data-testid="unread-badge">
                {room.unreadCount > 99 ? '99+' : room.unreadCount}
              </span>
            )}
            {room.article?.thumbUrl ? (
              <img className="room-thumb" src={room.article.thumbUrl} alt="" />
            ) : (
              <span className="room-thumb placeholder" aria-hidden="true">🌿</span>
            )}
          </button>
        </li>
      ))}
    </ul>
  );
}
