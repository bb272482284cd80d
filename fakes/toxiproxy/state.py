"""What one toxiproxy server holds: its proxies, its version, and where its startup config comes from."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from fakes.toxiproxy.proxy_collection import ProxyCollection

# The toxiproxy release whose API this one speaks; "+drillbit" says which implementation answers.
VERSION = "2.12.0+drillbit"


@dataclass
class Toxiproxy:
    """A toxiproxy server's state; ``seed`` makes every toxicity roll, jitter and slice reproducible, and
    ``allow_remote`` lets proxies listen and forward off loopback (``--allow-remote``)."""

    seed: int = 0
    config: Path | None = None
    allow_remote: bool = False
    version: str = VERSION
    proxies: ProxyCollection = field(init=False)

    def __post_init__(self) -> None:
        self.proxies = ProxyCollection(random.Random(self.seed), self.allow_remote)
