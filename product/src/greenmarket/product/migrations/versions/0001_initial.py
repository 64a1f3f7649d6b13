"""Articles, images, interests, reviews, sellers, categories; outbox and processed_events.

Revision ID: 0001
"""

from alembic import op
from sqlalchemy import MetaData

from greenmarket.infra.messaging.tables import create_messaging_tables
from greenmarket.product.categories import CATEGORIES
from greenmarket.product.models import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

DOMAIN_TABLES = ("categories", "articles", "article_images", "interests", "reviews", "sellers")

# Every listing filters on this; partial indexes keep dead rows out of them.
VISIBLE = "deleted_at IS NULL AND hidden_reason IS NULL"

# Two-character substrings (lower-cased) of a text. Keywords of 2 characters (common in Korean:
# "의자", "책상") yield no trigram, so pg_trgm cannot narrow them down; a GIN index over these
# bigram arrays can, for any keyword length and whatever the database's locale.
SEARCH_GRAMS_SQL = """
CREATE FUNCTION search_grams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT coalesce(array_agg(DISTINCT substr(lower(value), i, 2)), '{}')
  FROM generate_series(1, length(value) - 1) AS i
$$
"""
ARTICLE_GRAMS_SQL = """
CREATE FUNCTION article_search_grams(title text, content text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT search_grams(coalesce(title, '')) || search_grams(coalesce(content, ''))
$$
"""


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    create_messaging_tables(op)
    domain = MetaData()
    for name in DOMAIN_TABLES:
        metadata.tables[name].to_metadata(domain)
    domain.create_all(op.get_bind())
    op.bulk_insert(domain.tables["categories"], [{"id": i, "name": n} for i, n in CATEGORIES])

    op.execute(SEARCH_GRAMS_SQL)
    op.execute(ARTICLE_GRAMS_SQL)
    statements = [
        # One index per sort order (id breaks ties, so every key is unique: keyset paging).
        f"CREATE INDEX articles_by_created ON articles (created_at DESC, id DESC) WHERE {VISIBLE}",
        f"CREATE INDEX articles_by_interest ON articles (interest_count DESC, id DESC) WHERE {VISIBLE}",
        f"CREATE INDEX articles_by_price ON articles (price, id) WHERE {VISIBLE}",
        # Filters, each leading an index that also serves the default order.
        f"CREATE INDEX articles_by_category ON articles (category_id, created_at DESC, id DESC) WHERE {VISIBLE}",
        f"CREATE INDEX articles_by_region ON articles (address1, address2, created_at DESC, id DESC) WHERE {VISIBLE}",
        f"CREATE INDEX articles_by_status ON articles (status, created_at DESC, id DESC) WHERE {VISIBLE}",
        # Not partial: the participant and the account deletion look up every article of a seller.
        "CREATE INDEX articles_by_seller ON articles (seller_id, created_at DESC, id DESC)",
        "CREATE INDEX articles_by_buyer ON articles (buyer_id, sold_at DESC, id DESC) WHERE buyer_id IS NOT NULL",
        # Keyword search: trigram indexes for ILIKE, bigram arrays for 2-character keywords.
        "CREATE INDEX articles_title_trgm ON articles USING gin (title gin_trgm_ops)",
        "CREATE INDEX articles_content_trgm ON articles USING gin (content gin_trgm_ops)",
        "CREATE INDEX articles_search_grams ON articles USING gin (article_search_grams(title, content))",
        "CREATE INDEX interests_by_user ON interests (user_id, created_at DESC, article_id DESC)",
    ]
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    for name in reversed(DOMAIN_TABLES):
        op.drop_table(name)
    op.execute("DROP FUNCTION IF EXISTS article_search_grams(text, text)")
    op.execute("DROP FUNCTION IF EXISTS search_grams(text)")
    op.drop_table("processed_events")
    op.drop_table("outbox")
    op.execute("DROP FUNCTION IF EXISTS greenmarket_outbox_notify() CASCADE")
