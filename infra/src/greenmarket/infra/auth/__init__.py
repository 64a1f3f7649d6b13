"""RS256 JWT verification against the user service's JWKS, shared by every service."""

from greenmarket.infra.auth.verifier import InvalidToken, JwksVerifier, KeysUnavailable, Principal

__all__ = ["InvalidToken", "JwksVerifier", "KeysUnavailable", "Principal"]
