"""The user service's one settings object (environment variables, see docs/user-service.md)."""

from greenmarket.infra.settings import ServiceSettings


class UserSettings(ServiceSettings):
    service_name: str = "user"

    # Cookies: Secure only behind HTTPS, so local http://127.0.0.1:8080 keeps working.
    cookie_secure: bool = False
    access_token_minutes: int = 15
    refresh_token_days: int = 14
    # A refresh token presented again within this many seconds after it was rotated is answered
    # with 401 but does not revoke its family: two tabs refreshing at the same moment is not theft.
    refresh_reuse_grace_seconds: float = 0.0

    # argon2id (RFC 9106 "second recommended" profile is 64 MiB, t=3, p=4; we take 64 MiB, t=2, p=1,
    # ~50 ms on one core). Tests lower these to stay fast.
    argon2_memory_kib: int = 65536
    argon2_time_cost: int = 2
    argon2_parallelism: int = 1

    # Login throttling: after `max failures` inside the window, the email / client address is
    # refused with 429 for `lockout_seconds`.
    login_window_seconds: int = 900
    login_max_failures_per_email: int = 5
    login_max_failures_per_address: int = 30
    login_lockout_seconds: int = 900

    # How long the signing key set is cached in process; a rotated key is used within this delay.
    key_cache_seconds: float = 10.0
    # Optional passphrase encrypting the private keys stored in the database.
    signing_key_passphrase: str | None = None

    avatar_max_side: int = 256
