"""The fake services of drillbit's worlds.

Each fake is a real program: ``python -m fakes.<name>`` serves it over HTTP. Each product of the catalog has its
app (``reports``, ``clubs``, ``vouchers``, ``bookings``, ``portal``), all built from one ``kit``; beside them are
the fake third parties (``providers``), the ``scheduler`` and ``toxiproxy``. Fakes never import ``drills``; the
engine drives them over the network, through their public APIs and their ``/_control`` endpoints.
"""

import sys

# httpx loads its own command line (httpx._main: click, rich and pygments, about 90 ms) whenever those are
# installed, and every fake imports httpx as it starts; no fake runs it. A None in sys.modules makes that one
# import fail, which httpx answers with a stub. Here, so it is in place before any fake's first import.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # None blocks an import, by design
