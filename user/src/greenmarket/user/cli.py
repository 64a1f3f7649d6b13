"""`greenmarket users ...`: operator commands of the user service (DATABASE_URL from the environment)."""

from __future__ import annotations

import asyncio

import typer

from greenmarket.infra.db import create_engine, create_sessionmaker
from greenmarket.user import lifecycle
from greenmarket.user.app import key_store
from greenmarket.user.domain import AccountError
from greenmarket.user.settings import UserSettings

app = typer.Typer(help="User accounts and signing keys.", no_args_is_help=True)


async def _promote(settings: UserSettings, email: str) -> int:
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            return (await lifecycle.promote(session, email)).id
    finally:
        await engine.dispose()


async def _rotate(settings: UserSettings) -> str:
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        keys = key_store(settings, create_sessionmaker(engine))
        await keys.ensure_key()
        return await keys.rotate()
    finally:
        await engine.dispose()


@app.command()
def promote(email: str = typer.Argument(..., help="Email of the account to make an operator.")) -> None:
    """Give an account the operator role; its next access token (login or refresh) carries it."""
    try:
        user_id = asyncio.run(_promote(UserSettings(), email))
    except AccountError:
        typer.echo(f"no active account with email {email}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"user {user_id} is now an operator")


@app.command("rotate-key")
def rotate_key() -> None:
    """Start signing with a new RS256 key; the old one stays in the JWKS until its tokens expired."""
    kid = asyncio.run(_rotate(UserSettings()))
    typer.echo(f"new signing key {kid}")
