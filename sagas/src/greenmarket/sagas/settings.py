"""Settings of the sagas service (environment variables, see docs/sagas.md)."""

from greenmarket.infra.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "sagas"
    database_url: str = "postgresql+asyncpg://greenmarket_sagas:greenmarket_sagas@127.0.0.1:55432/greenmarket_sagas"
    # How long a trade stays RESERVED before the timer releases it (TRADE_RESERVATION_TTL, seconds).
    trade_reservation_ttl: float = 48 * 3600
    # A participant that does not answer within this many seconds has timed out (SAGA_STEP_TIMEOUT).
    saga_step_timeout: float = 30.0
    # Attempts of one forward step before it counts as failed (a timeout resends the command).
    saga_step_attempts: int = 3
    # Attempts of one compensation (or of a step past the point of no return) before FAILED.
    saga_compensation_attempts: int = 5
    # First retry delay; doubled per attempt up to saga_retry_max_backoff.
    saga_retry_backoff: float = 1.0
    saga_retry_max_backoff: float = 60.0
    # How often the timer looks for expired deadlines and reservations.
    saga_timer_interval: float = 1.0
