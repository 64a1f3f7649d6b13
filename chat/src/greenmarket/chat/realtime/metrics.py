"""Prometheus metrics of the Socket.IO side (served on the API's /metrics)."""

from prometheus_client import Counter, Gauge

SOCKETS = Gauge("greenmarket_chat_sockets", "Sockets connected to this chat process")
CONNECTS_REFUSED = Counter("greenmarket_chat_connects_refused_total", "Handshakes refused", ["reason"])
SOCKET_EVENTS = Counter("greenmarket_chat_socket_events_total", "Client events answered", ["event", "outcome"])
