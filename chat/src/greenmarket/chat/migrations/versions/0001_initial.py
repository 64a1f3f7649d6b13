"""rooms, messages, article summaries, user profiles, outbox

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from greenmarket.infra.messaging.tables import create_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables(op)
    op.create_table(
        "rooms",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.BigInteger, nullable=False),
        sa.Column("buyer_id", sa.BigInteger, nullable=False),
        sa.Column("seller_id", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(10), nullable=False, server_default="OPEN"),
        sa.Column("closed_reason", sa.String(30)),
        sa.Column("last_seq", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("buyer_read_seq", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("seller_read_seq", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("article_id", "buyer_id", name="rooms_article_buyer_key"),
        sa.CheckConstraint("status IN ('OPEN', 'CLOSED')", name="rooms_status_check"),
    )
    op.create_index("rooms_buyer_activity", "rooms", ["buyer_id", "last_activity_at"])
    op.create_index("rooms_seller_activity", "rooms", ["seller_id", "last_activity_at"])
    op.create_table(
        "messages",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.BigInteger, sa.ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("sender_id", sa.BigInteger),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("client_msg_id", sa.String(64)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("room_id", "seq", name="messages_room_seq_key"),
        sa.UniqueConstraint("room_id", "sender_id", "client_msg_id", name="messages_client_msg_key"),
        sa.CheckConstraint("kind IN ('user', 'system')", name="messages_kind_check"),
    )
    op.create_table(
        "article_summaries",
        sa.Column("article_id", sa.BigInteger, primary_key=True),
        sa.Column("seller_id", sa.BigInteger, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("price", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("thumb_url", sa.Text),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "user_profiles",
        sa.Column("user_id", sa.BigInteger, primary_key=True),
        sa.Column("nickname", sa.String(60)),
        sa.Column("profile_image_url", sa.Text),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def downgrade() -> None:
    for table in ("user_profiles", "article_summaries", "messages", "rooms", "processed_events", "outbox"):
        op.drop_table(table)
