# syntax=docker/dockerfile:1.7
# The web app (React + Vite) built to static files and served by nginx together with the gateway
# routes and the uploaded images:
#
#   docker build -f deploy/docker/web.Dockerfile -t greenmarket/web:dev .
#
# Base images are pinned by tag; see docs/deployment.md ("Pinning") for the digest step.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.28.0-alpine

FROM ${NODE_IMAGE} AS build
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM ${NGINX_IMAGE} AS runtime
LABEL org.opencontainers.image.title="greenmarket-web" \
      org.opencontainers.image.description="Greenmarket web app and gateway (nginx, port 8080)"
# The stock server block would answer on 8080 too: ours replaces it.
COPY deploy/docker/nginx/gateway.conf /etc/nginx/conf.d/default.conf
COPY deploy/docker/nginx/upstreams.conf /etc/nginx/greenmarket/upstreams.conf
COPY --from=build /web/dist/ /usr/share/nginx/html/
# nginx-unprivileged runs as uid 101 and keeps its pid and temp files in /tmp, so the root
# filesystem can be read-only with a tmpfs / emptyDir on /tmp. /media comes from a volume.
USER 101
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
