"""The product database: articles, their images, interests, reviews, and the seller projection."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    func,
)

from greenmarket.infra.messaging.tables import messaging_tables

metadata = MetaData()

categories = Table(
    "categories",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(30), nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("seller_id", BigInteger, nullable=False),
    Column("title", String(100), nullable=False),
    Column("content", Text, nullable=False, server_default=""),
    Column("price", Integer, nullable=False),
    Column("category_id", Integer, ForeignKey("categories.id"), nullable=False),
    Column("address1", String(30), nullable=False),
    Column("address2", String(30), nullable=False),
    Column("status", String(10), nullable=False, server_default="ON_SALE"),
    # Trade state, set by the saga participant (greenmarket.product.service.trades).
    Column("buyer_id", BigInteger),
    Column("trade_id", String(64)),
    Column("sold_at", DateTime(timezone=True)),
    # Maintained only by the interest-count projection (agents.py), never by a request.
    Column("interest_count", Integer, nullable=False, server_default="0"),
    # Hidden articles are invisible to everyone: WITHDRAWN (account deletion in progress,
    # reversible) or SELLER_DELETED (UserDeleted arrived).
    Column("hidden_reason", String(20)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("deleted_at", DateTime(timezone=True)),
    CheckConstraint("status IN ('ON_SALE','RESERVED','SOLD')", name="articles_status_valid"),
    CheckConstraint("price BETWEEN 0 AND 999999999", name="articles_price_range"),
)

article_images = Table(
    "article_images",
    metadata,
    Column("article_id", BigInteger, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("position", SmallInteger, primary_key=True),
    Column("url", String(255), nullable=False),
    Column("thumb_url", String(255), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
)

interests = Table(
    "interests",
    metadata,
    Column("article_id", BigInteger, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", BigInteger, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

reviews = Table(
    "reviews",
    metadata,
    Column("article_id", BigInteger, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("reviewer_id", BigInteger, nullable=False),
    Column("seller_id", BigInteger, nullable=False),
    Column("rating", SmallInteger, nullable=False),
    Column("content", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("rating BETWEEN 1 AND 5", name="reviews_rating_range"),
)

# Local projection of user.events: the public profile of every seller (never an email).
sellers = Table(
    "sellers",
    metadata,
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("nickname", String(30)),
    Column("address1", String(30)),
    Column("address2", String(30)),
    Column("profile_image_url", String(255)),
    Column("deleted", Boolean, nullable=False, server_default="false"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

outbox, processed_events = messaging_tables(metadata)
