"""What every product's app is made of, written once: start-up, settings, the clock, request limits, TLS.

A product (``fakes.reports``, ``fakes.vouchers``, ``fakes.bookings``, ...) is its own process, built from these
pieces and its own routes.
"""
