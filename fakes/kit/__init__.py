"""What every product's app is made of, written once, so that each product is only its own routes and records.

- running a process: ``service`` (its command line, serving it), ``settings`` (reading the environment),
  ``config`` (the settings every app reads), ``clock`` (the world's scenario time), ``tls``;
- the app itself: ``app`` (routes, middleware, start-up and shut-down), ``state`` (what the handlers reach),
  ``health`` (health, readiness, metrics and ``/_control``), ``request_limits``, ``auth`` (the admin key);
- what it talks to: ``db`` (the Postgres pool, migrations, a first start's seeding), ``cache`` (Redis),
  ``providers`` (HTTP clients to the fake third parties) and ``mail``;
- what it tells: ``metrics`` (Prometheus), ``log`` (JSON event lines), ``notifications`` (for the admins).

Each product (``fakes.reports``, ``fakes.clubs``, ``fakes.vouchers``, ``fakes.bookings``, ``fakes.portal``) is its
own process: ``python -m fakes.<product> --host H --port P``.
"""
