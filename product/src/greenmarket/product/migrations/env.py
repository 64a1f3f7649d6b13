from greenmarket.infra.migrations import run_async_migrations
from greenmarket.product.models import metadata

run_async_migrations(metadata)
