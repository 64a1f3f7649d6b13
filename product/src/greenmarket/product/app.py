"""The product HTTP service: `uvicorn --factory greenmarket.product.app:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from greenmarket.infra.auth import JwksVerifier
from greenmarket.infra.images import MediaStore
from greenmarket.infra.web.app import create_database_service_app
from greenmarket.product.api import articles, personal
from greenmarket.product.settings import ProductSettings


def create_app(settings: ProductSettings | None = None, *, verifier: JwksVerifier | None = None) -> FastAPI:
    settings = settings or ProductSettings()
    # personal first: /api/products/interests must not be read as /api/products/{id}.
    app = create_database_service_app(
        "product", settings, routers=[personal.router, articles.router], verifier=verifier
    )
    app.state.media_store = MediaStore(settings.media_root, settings.media_url_prefix)
    return app
