"""The booking product's app: customers book a service at a time, and each booking is confirmed by mail. Over
``fakes.kit``; its fixed-size pool (``DB_POOL_SIZE``) is what db-pool-exhausted drills.

``create_app(build_state(settings_from_env()))`` builds it; ``python -m fakes.bookings`` serves it.
docs/apps/bookings.md describes its endpoints and settings.
"""
