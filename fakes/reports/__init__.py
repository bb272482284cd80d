"""The reference app: one ASGI service, one module per product area, on shared infrastructure.

``create_app(build_state(settings_from_env()))`` builds it; ``python -m fakes.reports`` serves it. docs/app.md
describes its endpoints and settings.
"""
