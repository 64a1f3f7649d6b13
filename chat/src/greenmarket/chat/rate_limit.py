"""Per-user send limit in Redis: one fixed window shared by every socket and every chat process."""

from __future__ import annotations

import time

from redis.asyncio import Redis

from greenmarket.chat.domain import RateLimited


class SendRateLimiter:
    def __init__(self, redis: Redis, *, limit: int, window_seconds: int, key_prefix: str) -> None:
        self.redis = redis
        self.limit = limit
        self.window = window_seconds
        self.key_prefix = key_prefix

    async def check(self, user_id: int) -> None:
        """Count one send; raise RateLimited past the limit of this window."""
        window_index = int(time.time()) // self.window
        key = f"{self.key_prefix}rate:{user_id}:{window_index}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, self.window + 1)
            count, _ = await pipe.execute()
        if count > self.limit:
            retry_after = self.window - int(time.time()) % self.window
            raise RateLimited(f"Too many messages: at most {self.limit} per {self.window} s.", retry_after)
