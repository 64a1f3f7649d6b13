from greenmarket.infra.migrations import run_async_migrations
from greenmarket.user.models import metadata

run_async_migrations(metadata)
