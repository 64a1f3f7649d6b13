"""`greenmarket products ...`: the product service's commands."""

from __future__ import annotations

import asyncio
import time

import typer
from rich.console import Console

from greenmarket.infra.images import MediaStore
from greenmarket.product.demo_data import load_demo_data
from greenmarket.product.settings import ProductSettings

app = typer.Typer(help="The product service (articles).", no_args_is_help=True)
console = Console()


@app.callback()
def products() -> None:
    """The product service (articles)."""


@app.command("demo-data")
def demo_data(
    count: int = typer.Option(1000, "--count", min=1, help="How many articles to add."),
    sellers: int = typer.Option(50, help="Seller ids 1..N get the articles."),
    seed: int = typer.Option(1, help="Random seed: the same seed gives the same articles."),
) -> None:
    """Fill the product database (DATABASE_URL) with realistic articles and photos (MEDIA_ROOT)."""
    settings = ProductSettings()
    store = MediaStore(settings.media_root, settings.media_url_prefix)
    started = time.perf_counter()

    def progress(done: int) -> None:
        console.print(f"  {done:,} / {count:,} articles")

    loaded = asyncio.run(
        load_demo_data(settings.database_url, store, count, sellers=sellers, seed=seed, progress=progress)
    )
    console.print(f"[green]added {loaded:,} articles in {time.perf_counter() - started:.1f} s[/green]")
