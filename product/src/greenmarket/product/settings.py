"""The product service's one settings object (environment variables, see ServiceSettings)."""

from greenmarket.infra.settings import ServiceSettings


class ProductSettings(ServiceSettings):
    service_name: str = "product"
    # Images are re-encoded to at most this many pixels on the long side; thumbnails for lists.
    image_max_side: int = 1600
    thumb_max_side: int = 400
    # Probe port of the Faust worker (agents.py); the participant worker's is fixed at 9022.
    agents_probe_port: int = 9023
