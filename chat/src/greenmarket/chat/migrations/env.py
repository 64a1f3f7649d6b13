from greenmarket.chat.models import metadata
from greenmarket.infra.migrations import run_async_migrations

run_async_migrations(metadata)
