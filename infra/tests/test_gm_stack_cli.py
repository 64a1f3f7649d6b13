"""The `greenmarket` CLI root and the gateway config; no servers needed except for the gateway check."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import uuid
from importlib.metadata import EntryPoint

import httpx
import pytest
import typer
from typer.testing import CliRunner

from greenmarket.infra import cli
from greenmarket.infra.stack.config import StackConfig
from greenmarket.infra.stack.nginx import render_nginx_config

plugin = typer.Typer()


@plugin.command()
def hello(name: str = "world") -> None:
    typer.echo(f"hello {name}")


@pytest.fixture
def plugins(monkeypatch):
    entries = {
        "greet": EntryPoint("greet", f"{__name__}:plugin", "greenmarket.cli"),
        "broken": EntryPoint("broken", "greenmarket_no_such_module:app", "greenmarket.cli"),
    }
    monkeypatch.setattr(cli, "_plugin_entry_points", lambda: entries)
    return cli.app


def test_plugins_are_sub_commands_and_a_broken_one_does_not_break_the_cli(plugins):
    runner = CliRunner()
    result = runner.invoke(plugins, ["--help"])
    assert result.exit_code == 0
    for name in ("stack", "up", "greet", "broken"):
        assert name in result.output

    result = runner.invoke(plugins, ["greet", "--name", "kim"])
    assert result.exit_code == 0 and "hello kim" in result.output

    result = runner.invoke(plugins, ["broken", "anything"])
    assert result.exit_code == 1
    assert "greenmarket_no_such_module" in result.output + (result.stderr or "")

    assert runner.invoke(plugins, ["stack", "--help"]).exit_code == 0


def test_the_gateway_config_has_every_route_and_nginx_accepts_it(tmp_path):
    config = dataclasses.replace(StackConfig.from_env(), state_dir=tmp_path, media_root=tmp_path / "media")
    rendered = render_nginx_config(config, tmp_path)
    assert "{{" not in rendered
    for route, upstream in [
        ("/api/user", "user"), ("/api/products", "product"), ("/api/categories", "product"),
        ("/api/chat", "chat"), ("/ws/chat", "chat_ws"), ("/api/sagas", "sagas"), ("/api/trades", "sagas"),
        ("/api/ops", "ops"),
    ]:  # fmt: skip
        assert f"location {route} {{\n            proxy_pass http://{upstream};" in rendered, route
    for port in ("8001", "8002", "8003", "8013", "8004", "8005"):
        assert f"127.0.0.1:{port};" in rendered
    assert "client_max_body_size 130m;" in rendered
    assert f"alias {tmp_path / 'media'}/;" in rendered
    assert "try_files $uri $uri/ /index.html =404;" in rendered
    if nginx := shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin"):
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (tmp_path / "tmp" / sub).mkdir(parents=True)
        (tmp_path / "logs").mkdir()
        (tmp_path / "nginx.conf").write_text(rendered)
        check = subprocess.run(
            [
                nginx,
                "-t",
                "-q",
                "-p",
                str(tmp_path),
                "-e",
                str(tmp_path / "error.log"),
                "-c",
                str(tmp_path / "nginx.conf"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0, check.stderr


def test_the_gateway_serves_media_files_from_the_media_root(gateway, stack):
    relative = f"gm-test-{uuid.uuid4().hex}.txt"
    media_file = stack.media_root / relative
    media_file.parent.mkdir(parents=True, exist_ok=True)
    media_file.write_text("image bytes")
    try:
        response = httpx.get(f"{gateway}/media/{relative}", timeout=5)
    finally:
        media_file.unlink()
    if response.status_code == 404:
        pytest.skip("the gateway answering here serves another clone's media root")
    assert response.status_code == 200 and response.text == "image bytes"
