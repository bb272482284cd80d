"""A fault-injecting TCP proxy that speaks Toxiproxy's HTTP API: ``python -m fakes.toxiproxy``.

Proxies and toxics are created, changed and removed over HTTP exactly as with Shopify's toxiproxy-server,
so the same clients, scenarios and curl commands work against either. Everything runs in one asyncio event
loop: the API (Starlette on uvicorn) and every proxied connection (asyncio streams).
"""

from __future__ import annotations

from fakes.toxiproxy.api import create_app
from fakes.toxiproxy.server import bind_api, serve
from fakes.toxiproxy.state import VERSION, Toxiproxy

__all__ = ["VERSION", "Toxiproxy", "bind_api", "create_app", "serve"]
