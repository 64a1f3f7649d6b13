"""The local stack (Kafka, PostgreSQL, Redis, nginx) and `greenmarket up`. See docs/local-stack.md."""

from greenmarket.infra.stack.config import StackConfig
from greenmarket.infra.stack.manager import Stack, StackInfo
from greenmarket.infra.stack.process import StackError
from greenmarket.infra.stack.services import (
    ProcessSpec,
    ServiceContext,
    ensure_database,
)

__all__ = ["ProcessSpec", "ServiceContext", "Stack", "StackConfig", "StackError", "StackInfo", "ensure_database"]
