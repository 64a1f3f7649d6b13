"""The user service's tables (SQLAlchemy Core)."""

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from greenmarket.infra.messaging.tables import messaging_tables

metadata = MetaData()
OUTBOX, PROCESSED_EVENTS = messaging_tables(metadata)

users = Table(
    "users",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    # Lower-cased; NULL once the account is anonymized, so the address can sign up again.
    Column("email", String(50), unique=True),
    Column("password_hash", Text),
    Column("nickname", String(30), nullable=False),
    Column("address1", String(30), nullable=False),
    Column("address2", String(30), nullable=False),
    Column("profile_image_url", String(255)),
    Column("role", String(20), nullable=False, server_default="user"),
    Column("status", String(10), nullable=False, server_default="ACTIVE"),
    Column("deletion_saga_id", UUID(as_uuid=False)),
    Column("trade_count", Integer, nullable=False, server_default="0"),
    Column("review_count", Integer, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("private_key_pem", Text, nullable=False),
    Column("public_jwk", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Set when a newer key takes over signing; the key stays published until its tokens expired.
    Column("retired_at", DateTime(timezone=True)),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 hex of the cookie value
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("family_id", UUID(as_uuid=False), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("rotated_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Index("refresh_tokens_family", "family_id"),
    Index("refresh_tokens_user", "user_id"),
)

login_throttle = Table(
    "login_throttle",
    metadata,
    Column("scope", String(10), primary_key=True),  # "email" | "address"
    Column("subject", String(200), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_started_at", DateTime(timezone=True), nullable=False),
    Column("blocked_until", DateTime(timezone=True)),
)

recorded_trades = Table(
    "recorded_trades",
    metadata,
    Column("trade_id", String(64), primary_key=True),
    Column("seller_id", Integer, nullable=False),
    Column("buyer_id", Integer, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

counted_reviews = Table(
    "counted_reviews",
    metadata,
    Column("article_id", BigInteger, primary_key=True),
    Column("seller_id", Integer, nullable=False),
    Column("counted_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
