"""Tables of the orchestrator's database: sagas, their step log, trades, and two small projections."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from greenmarket.infra.messaging.tables import messaging_tables

metadata = MetaData()
messaging_tables(metadata)

# One row per saga instance. `version` makes every transition a compare-and-set, so two
# orchestrator processes never apply the same transition twice.
sagas = Table(
    "sagas",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("seq", BigInteger, Identity(), nullable=False, unique=True),  # keyset paging
    Column("type", String(40), nullable=False),
    Column("status", String(20), nullable=False),  # RUNNING COMPENSATING COMPLETED COMPENSATED FAILED ABORTED
    Column("phase", String(20), nullable=False),  # FORWARD | COMPENSATION (kept while FAILED, for retry)
    Column("step_index", Integer, nullable=False),
    Column("attempt", Integer, nullable=False, server_default="0"),
    Column("awaiting_command_id", UUID(as_uuid=True)),  # the command whose reply moves the saga on
    Column("deadline", DateTime(timezone=True)),  # reply timeout or the time of a scheduled retry
    Column("data", JSONB, nullable=False),
    Column("subject_user_id", BigInteger),  # whose account a deletion saga is about
    Column("last_error", Text),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("started_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index(
        "sagas_due",
        "deadline",
        postgresql_where=text("status IN ('RUNNING', 'COMPENSATING')"),
    ),
    Index("sagas_type_status", "type", "status", "seq"),
)

# The step log: every command sent, its reply, every timeout, local step and operator action.
saga_steps = Table(
    "saga_steps",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("saga_id", String(64), nullable=False, index=True),
    Column("step_index", Integer, nullable=False),
    Column("step_name", String(60), nullable=False),
    Column("phase", String(20), nullable=False),  # FORWARD | COMPENSATION | OPERATOR
    Column("kind", String(20), nullable=False),  # COMMAND | LOCAL | NOTE
    Column("command_id", UUID(as_uuid=True), unique=True),
    Column("command_type", String(60)),
    Column("attempt", Integer, nullable=False, server_default="1"),
    Column("status", String(20), nullable=False),  # PENDING SUCCEEDED REFUSED TIMED_OUT DONE
    Column("request", JSONB),
    Column("reply", JSONB),
    Column("reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("finished_at", DateTime(timezone=True)),
)

ACTIVE_TRADE_STATUSES = ("RESERVING", "RESERVED", "COMPLETING")

trades = Table(
    "trades",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("seq", BigInteger, Identity(), nullable=False, unique=True),
    Column("article_id", BigInteger, nullable=False),
    Column("seller_id", BigInteger, nullable=False, index=True),
    Column("buyer_id", BigInteger, nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("saga_id", String(64), nullable=False),  # the saga of the current (or last) phase
    Column("reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("reserved_at", DateTime(timezone=True)),
    Column("completed_at", DateTime(timezone=True)),
    Column("expires_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # The local guard: one active trade per article (product's semantic lock is the real one).
    Index(
        "trades_one_active_per_article",
        "article_id",
        unique=True,
        postgresql_where=text("status IN ('RESERVING', 'RESERVED', 'COMPLETING')"),
    ),
    Index(
        "trades_reserved_expiry",
        "expires_at",
        postgresql_where=text("status = 'RESERVED'"),
    ),
)

# Projections for fast 403/404/409 answers; the saga's commands still decide.
article_view = Table(
    "article_view",
    metadata,
    Column("article_id", BigInteger, primary_key=True),
    Column("seller_id", BigInteger, nullable=False),
    Column("status", String(20), nullable=False),
    Column("deleted", Boolean, nullable=False, server_default="false"),
)

room_view = Table(
    "room_view",
    metadata,
    Column("room_id", BigInteger, primary_key=True),
    Column("article_id", BigInteger, nullable=False),
    Column("buyer_id", BigInteger, nullable=False),
    Column("seller_id", BigInteger, nullable=False),
    Column("closed", Boolean, nullable=False, server_default="false"),
    Index("room_view_article_buyer", "article_id", "buyer_id"),
)
