"""The `greenmarket` command: `stack`, `up`, and every sub-app other packages register.

A package adds a sub-command by registering a typer.Typer object in the `greenmarket.cli`
entry-point group; the entry point's name is the sub-command's name::

    [project.entry-points."greenmarket.cli"]
    relay = "greenmarket.infra.messaging.relay_cli:app"

Plugins load only when the command line (or --help) needs them, and a plugin that fails to
import shows up as a command that reports the error instead of breaking the whole CLI.
"""

from __future__ import annotations

import traceback
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import typer
from typer.core import TyperGroup

from greenmarket.infra.stack.cli import app as stack_app
from greenmarket.infra.stack.cli import up_command

PLUGIN_GROUP = "greenmarket.cli"


@cache
def _plugin_entry_points() -> dict[str, EntryPoint]:
    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=PLUGIN_GROUP):
        found.setdefault(ep.name, ep)
    return found


def _broken_plugin(name: str, ep: EntryPoint, exc: BaseException) -> Any:
    """A stand-in command that explains why the plugin is missing (typer vendors its own click)."""
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    stub = typer.Typer(add_completion=False)

    @stub.command(
        name,
        help=f"(broken plugin {ep.value}: {detail})",
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    )
    def report() -> None:
        typer.echo(f"error: plugin {name!r} ({ep.value}) could not be loaded: {detail}", err=True)
        raise typer.Exit(1)

    return typer.main.get_command(stub)


class _PluginGroup(TyperGroup):
    """Built-in commands first, then commands from the `greenmarket.cli` entry points on demand."""

    def list_commands(self, ctx: Any) -> list[str]:
        builtin = super().list_commands(ctx)
        return builtin + sorted(n for n in _plugin_entry_points() if n not in builtin)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        loaded_plugins: dict[str, Any] = self.__dict__.setdefault("_loaded_plugins", {})
        if cmd_name in loaded_plugins:
            return loaded_plugins[cmd_name]
        ep = _plugin_entry_points().get(cmd_name)
        if ep is None:
            return None
        try:
            loaded = ep.load()
            if not isinstance(loaded, typer.Typer):
                raise TypeError(f"expected a typer.Typer object, got {type(loaded).__name__}")
            command = typer.main.get_command(loaded)
            command.name = cmd_name
        except Exception as exc:  # noqa: BLE001 - one broken plugin must not break the CLI
            command = _broken_plugin(cmd_name, ep, exc)
        loaded_plugins[cmd_name] = command
        return command


app = typer.Typer(
    cls=_PluginGroup,
    name="greenmarket",
    help="Greenmarket developer CLI: the local stack, the whole system, and per-service tools.",
    no_args_is_help=True,
)
app.add_typer(stack_app, name="stack")
app.command("up")(up_command)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
