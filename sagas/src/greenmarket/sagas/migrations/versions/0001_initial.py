"""sagas, step log, trades, article/room projections, outbox

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from greenmarket.infra.messaging.tables import create_messaging_tables
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

NOW = sa.text("now()")


def upgrade() -> None:
    create_messaging_tables(op)
    op.create_table(
        "sagas",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("seq", sa.BigInteger, sa.Identity(), nullable=False, unique=True),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("step_index", sa.Integer, nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False, server_default="0"),
        sa.Column("awaiting_command_id", UUID(as_uuid=True)),
        sa.Column("deadline", sa.DateTime(timezone=True)),
        sa.Column("data", JSONB, nullable=False),
        sa.Column("subject_user_id", sa.BigInteger),
        sa.Column("last_error", sa.Text),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column(
            "started_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW
        ),
    )
    op.create_index(
        "sagas_due",
        "sagas",
        ["deadline"],
        postgresql_where=sa.text("status IN ('RUNNING', 'COMPENSATING')"),
    )
    op.create_index("sagas_type_status", "sagas", ["type", "status", "seq"])
    op.create_table(
        "saga_steps",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("saga_id", sa.String(64), nullable=False, index=True),
        sa.Column("step_index", sa.Integer, nullable=False),
        sa.Column("step_name", sa.String(60), nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("command_id", UUID(as_uuid=True), unique=True),
        sa.Column("command_type", sa.String(60)),
        sa.Column("attempt", sa.Integer, nullable=False, server_default="1"),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("request", JSONB),
        sa.Column("reply", JSONB),
        sa.Column("reason", sa.Text),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "trades",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("seq", sa.BigInteger, sa.Identity(), nullable=False, unique=True),
        sa.Column("article_id", sa.BigInteger, nullable=False),
        sa.Column("seller_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("buyer_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("saga_id", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW
        ),
        sa.Column("reserved_at", sa.DateTime(timezone=True)),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW
        ),
    )
    op.create_index(
        "trades_one_active_per_article",
        "trades",
        ["article_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('RESERVING', 'RESERVED', 'COMPLETING')"),
    )
    op.create_index(
        "trades_reserved_expiry",
        "trades",
        ["expires_at"],
        postgresql_where=sa.text("status = 'RESERVED'"),
    )
    op.create_table(
        "article_view",
        sa.Column("article_id", sa.BigInteger, primary_key=True),
        sa.Column("seller_id", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default="false"),
    )
    op.create_table(
        "room_view",
        sa.Column("room_id", sa.BigInteger, primary_key=True),
        sa.Column("article_id", sa.BigInteger, nullable=False),
        sa.Column("buyer_id", sa.BigInteger, nullable=False),
        sa.Column("seller_id", sa.BigInteger, nullable=False),
        sa.Column("closed", sa.Boolean, nullable=False, server_default="false"),
    )
    op.create_index("room_view_article_buyer", "room_view", ["article_id", "buyer_id"])


def downgrade() -> None:
    for table in (
        "room_view",
        "article_view",
        "trades",
        "saga_steps",
        "sagas",
        "processed_events",
        "outbox",
    ):
        op.drop_table(table)
