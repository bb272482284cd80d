"""The fake services of drillbit's worlds.

Each fake is a real program: ``python -m fakes.<name>`` serves it over HTTP. Each product of the catalog has its
app (``reports``, ``clubs``, ``vouchers``, ``bookings``, ``portal``), all built from one ``kit``; beside them are
the fake third parties (``providers``), the ``scheduler`` and ``toxiproxy``. Fakes never import ``drills``; the
engine drives them over the network, through their public APIs and their ``/_control`` endpoints.
"""
