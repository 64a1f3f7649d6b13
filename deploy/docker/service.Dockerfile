# syntax=docker/dockerfile:1.7
# One image per Greenmarket Python package, built from the uv workspace:
#
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=user -t greenmarket/user:dev .
#
# SERVICE is the workspace member without its "greenmarket-" prefix: user, product, chat, sagas,
# or infra (the ops process and the one-shot topic job). The same image runs every process of that
# package (API, relay, worker, Faust agents, migrations) with a different command, so a release of
# a service is one image whatever its process count.
#
# Base images are pinned by tag. Digests are not pinned yet (docs/deployment.md, "Pinning"): add
# `@sha256:...` after resolving the tag in the registry you deploy from.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ARG SERVICE
RUN test -n "${SERVICE}" || (echo "build arg SERVICE is required (user, product, chat, sagas, infra)" >&2; exit 1)
# uv from PyPI (same version as the developers' machines), never a curl | sh download.
RUN pip install --no-cache-dir uv==0.13.9
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src
# Dependencies first (their layer survives code changes): uv needs every member's pyproject.toml
# to read the frozen lock, not their sources.
COPY pyproject.toml uv.lock ./
COPY schemas/pyproject.toml schemas/pyproject.toml
COPY infra/pyproject.toml infra/pyproject.toml
COPY user/pyproject.toml user/pyproject.toml
COPY product/pyproject.toml product/pyproject.toml
COPY chat/pyproject.toml chat/pyproject.toml
COPY sagas/pyproject.toml sagas/pyproject.toml
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace --package "greenmarket-${SERVICE}"
COPY schemas/ schemas/
COPY infra/ infra/
COPY user/ user/
COPY product/ product/
COPY chat/ chat/
COPY sagas/ sagas/
# --no-editable: the workspace packages are installed into the venv, so /src stays behind.
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --package "greenmarket-${SERVICE}"

FROM ${PYTHON_IMAGE} AS runtime
ARG SERVICE
LABEL org.opencontainers.image.title="greenmarket-${SERVICE}" \
      org.opencontainers.image.source="https://example.invalid/greenmarket" \
      org.opencontainers.image.description="Greenmarket ${SERVICE}: API, relay, worker and agents processes"
RUN groupadd --system --gid 10001 greenmarket \
 && useradd --system --uid 10001 --gid greenmarket --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin greenmarket \
 && install -d -o 10001 -g 10001 /var/lib/greenmarket/media
COPY --from=build /app/.venv /app/.venv
COPY --chmod=0755 deploy/docker/bin/gm-healthcheck deploy/docker/bin/gm-migrate deploy/docker/bin/gm-topics /usr/local/bin/
ENV PATH=/app/.venv/bin:${PATH} \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp \
    GREENMARKET_SERVICE=${SERVICE} \
    MEDIA_ROOT=/var/lib/greenmarket/media
# /tmp is the only place a process writes (Faust's data dir, uvicorn's nothing); run with a
# read-only root filesystem and a tmpfs / emptyDir on /tmp.
WORKDIR /tmp
USER 10001:10001
# Every process serves /healthz: the API on its port, background processes on their probe port.
# HEALTHCHECK_URL says which (compose sets it per container; Kubernetes uses its own probes).
ENV HEALTHCHECK_URL=http://127.0.0.1:8000/healthz
HEALTHCHECK --interval=10s --timeout=4s --start-period=30s --retries=5 CMD ["gm-healthcheck"]
CMD ["greenmarket", "--help"]
