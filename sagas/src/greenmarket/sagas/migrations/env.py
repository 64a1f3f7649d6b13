from greenmarket.infra.migrations import run_async_migrations
from greenmarket.sagas.models import metadata

run_async_migrations(metadata)
