"""The chat database: rooms, messages, and the two projections fed from other services' events."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)

from greenmarket.infra.messaging.tables import messaging_tables

metadata = MetaData()

rooms = Table(
    "rooms",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("article_id", BigInteger, nullable=False),
    Column("buyer_id", BigInteger, nullable=False),
    Column("seller_id", BigInteger, nullable=False),
    Column("status", String(10), nullable=False, server_default="OPEN"),
    Column("closed_reason", String(30)),
    # The last seq handed out; incremented under the row lock in the message's transaction.
    Column("last_seq", BigInteger, nullable=False, server_default="0"),
    # Read state of the two members: the highest seq each has seen.
    Column("buyer_read_seq", BigInteger, nullable=False, server_default="0"),
    Column("seller_read_seq", BigInteger, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_activity_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("article_id", "buyer_id", name="rooms_article_buyer_key"),
    CheckConstraint("status IN ('OPEN', 'CLOSED')", name="rooms_status_check"),
    Index("rooms_buyer_activity", "buyer_id", "last_activity_at"),
    Index("rooms_seller_activity", "seller_id", "last_activity_at"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("room_id", BigInteger, ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("sender_id", BigInteger),  # NULL for system messages
    Column("kind", String(10), nullable=False),
    Column("text", Text, nullable=False),
    Column("client_msg_id", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("room_id", "seq", name="messages_room_seq_key"),
    # A retried send (same clientMsgId from the same sender) stores one message.
    UniqueConstraint("room_id", "sender_id", "client_msg_id", name="messages_client_msg_key"),
    CheckConstraint("kind IN ('user', 'system')", name="messages_kind_check"),
)

# Projection of product.events: what a room card shows, and what room creation checks.
article_summaries = Table(
    "article_summaries",
    metadata,
    Column("article_id", BigInteger, primary_key=True),
    Column("seller_id", BigInteger, nullable=False),
    Column("title", String(200), nullable=False),
    Column("price", BigInteger, nullable=False),
    Column("status", String(10), nullable=False),
    Column("thumb_url", Text),
    Column("deleted", Boolean, nullable=False, server_default="false"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Projection of user.events: the counterpart's public profile on a room card.
user_profiles = Table(
    "user_profiles",
    metadata,
    Column("user_id", BigInteger, primary_key=True),
    Column("nickname", String(60)),
    Column("profile_image_url", Text),
    Column("deleted", Boolean, nullable=False, server_default="false"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

OUTBOX, PROCESSED_EVENTS = messaging_tables(metadata)
