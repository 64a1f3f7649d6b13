"""One route table in three places: the local gateway (deploy/nginx), the web image's gateway
(deploy/docker/nginx) and the Kubernetes Ingress. A route added to one and not the others
would work on a laptop and 404 in the cluster."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from test_gm_deployment_support import REPO, kustomize_command, of_kind, render

LOCAL_TEMPLATE = REPO / "deploy/nginx/greenmarket.conf.template"
IMAGE_GATEWAY = REPO / "deploy/docker/nginx/gateway.conf"
UPSTREAM_FILES = (REPO / "deploy/docker/nginx/upstreams.conf", REPO / "deploy/docker/nginx/upstreams.compose.conf")
# Which upstream of the nginx configs each Kubernetes Service is.
SERVICE_UPSTREAM = {"user-api": "user", "product-api": "product", "chat-api": "chat", "sagas-api": "sagas", "ops": "ops", "web": "static"}
ONLY_IN_IMAGE = {"/healthz"}  # the container's own liveness route


def nginx_routes(text: str) -> dict[str, str]:
    """location path -> upstream name ("static" for files served by nginx itself)."""
    routes = {}
    for match in re.finditer(r"location\s+(?:=\s+)?(\S+)\s*\{(.*?)\n\s*\}", text, re.S):
        path, body = match.group(1), match.group(2)
        upstream = re.search(r"proxy_pass\s+http://(\w+)", body)
        name = upstream.group(1) if upstream else "static"
        routes[path.rstrip("/") or "/"] = "chat" if name == "chat_ws" else name
    return routes


def ingress_routes(docs) -> dict[str, str]:
    routes = {}
    for ingress in of_kind(docs, "Ingress").values():
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                routes[path["path"].rstrip("/") or "/"] = SERVICE_UPSTREAM[path["backend"]["service"]["name"]]
    return routes


def test_the_web_image_gateway_has_the_local_gateway_routes():
    local = nginx_routes(LOCAL_TEMPLATE.read_text(encoding="utf-8"))
    image = nginx_routes(IMAGE_GATEWAY.read_text(encoding="utf-8"))
    assert local, "no routes found in the local template"
    assert {k: v for k, v in image.items() if k not in ONLY_IN_IMAGE} == local


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_the_ingress_has_the_local_gateway_routes(overlay):
    if kustomize_command()[0] is None:
        pytest.skip(kustomize_command()[1])
    local = nginx_routes(LOCAL_TEMPLATE.read_text(encoding="utf-8"))
    assert ingress_routes(render(overlay)) == local


@pytest.mark.parametrize("upstreams", UPSTREAM_FILES, ids=lambda p: p.name)
def test_every_upstream_the_gateway_uses_is_defined(upstreams):
    used = set(re.findall(r"proxy_pass\s+http://(\w+)", IMAGE_GATEWAY.read_text(encoding="utf-8")))
    defined = set(re.findall(r"upstream\s+(\w+)\s*\{", upstreams.read_text(encoding="utf-8")))
    assert used == defined


def _nginx() -> str:
    """Debian's nginx, installed the way the local stack installs its gateway when it is missing."""
    from greenmarket.infra.stack.process import StackError
    from greenmarket.infra.stack.system import require_binary

    try:
        return require_binary("nginx", "nginx-light")
    except (StackError, OSError) as exc:
        pytest.skip(f"nginx is not installed and could not be: {exc}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _gateway_config(tmp_path: Path, upstreams: Path, port: int) -> Path:
    """The web image's gateway as nginx runs it there, with container paths and names moved to tmp_path."""
    # Container host names do not resolve here: point them at a closed loopback port.
    closed = _free_port()
    resolved = re.sub(r"server\s+[\w-]+:\d+", f"server 127.0.0.1:{closed}", upstreams.read_text(encoding="utf-8"))
    (tmp_path / "upstreams.conf").write_text(resolved)
    gateway = (
        IMAGE_GATEWAY.read_text(encoding="utf-8")
        .replace("/etc/nginx/greenmarket/upstreams.conf", str(tmp_path / "upstreams.conf"))
        .replace("/usr/share/nginx/html", str(tmp_path / "html"))
        .replace("/var/lib/greenmarket/media/", f"{tmp_path}/media/")
        .replace("listen 8080;", f"listen 127.0.0.1:{port};")
    )
    (tmp_path / "gateway.conf").write_text(gateway)
    user = "user root root;\n" if os.geteuid() == 0 else ""  # pytest's tmp dirs are private to us
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{\n  access_log off;\n  client_body_temp_path {tmp_path}/cb; proxy_temp_path {tmp_path}/px;\n"
        f"  fastcgi_temp_path {tmp_path}/fc; uwsgi_temp_path {tmp_path}/uw; scgi_temp_path {tmp_path}/sc;\n"
        f"  include {tmp_path}/gateway.conf;\n}}\n"
    )
    return conf


def _nginx_argv(nginx: str, tmp_path: Path, conf: Path, *extra: str) -> list[str]:
    return [nginx, *extra, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)]


@pytest.mark.parametrize("upstreams", UPSTREAM_FILES, ids=lambda p: p.name)
def test_nginx_accepts_the_gateway_config(upstreams, tmp_path):
    nginx = _nginx()
    conf = _gateway_config(tmp_path, upstreams, _free_port())
    proc = subprocess.run(_nginx_argv(nginx, tmp_path, conf, "-t", "-q"), capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr


def test_the_gateway_serves_the_app_and_media_and_proxies_the_api(tmp_path):
    nginx = _nginx()
    (tmp_path / "html" / "assets").mkdir(parents=True)
    (tmp_path / "html" / "index.html").write_text("<!doctype html><title>greenmarket</title>")
    (tmp_path / "html" / "assets" / "app-1234.js").write_text("console.log(1)")
    (tmp_path / "media" / "articles").mkdir(parents=True)
    (tmp_path / "media" / "articles" / "a.webp").write_bytes(b"RIFF....WEBP")
    port = _free_port()
    conf = _gateway_config(tmp_path, UPSTREAM_FILES[0], port)
    server = subprocess.Popen(_nginx_argv(nginx, tmp_path, conf), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=5) as client:
            deadline = time.monotonic() + 10
            while True:
                try:
                    assert client.get("/healthz").status_code == 200
                    break
                except httpx.TransportError:
                    assert server.poll() is None, server.stderr.read().decode()
                    assert time.monotonic() < deadline, "nginx did not answer"
                    time.sleep(0.05)
            deep_link = client.get("/products/42")  # a client-side route: the app's index.html
            assert deep_link.status_code == 200 and "greenmarket" in deep_link.text
            assert deep_link.headers["cache-control"] == "no-cache"
            asset = client.get("/assets/app-1234.js")
            assert asset.status_code == 200 and "immutable" in asset.headers["cache-control"]
            assert client.get("/assets/missing.js").status_code == 404  # never index.html for a missing file
            assert client.get("/media/articles/a.webp").content == b"RIFF....WEBP"
            assert client.get("/media/articles/none.webp").status_code == 404
            for path in ("/api/user/auth", "/api/products", "/api/categories", "/api/chat/rooms",
                         "/ws/chat/?EIO=4&transport=polling", "/api/trades", "/api/sagas", "/api/ops/lag"):  # fmt: skip
                # proxied to a service that is not there: nginx answers 502 instead of serving the app
                assert client.get(path).status_code == 502, path
    finally:
        server.terminate()
        server.wait(timeout=10)
