"""The scheduled-report product's app: tenants connect a time-tracking provider over OAuth, a scheduler calls its
internal endpoint every tick, and each due tenant's report is emailed. One module per area, over ``fakes.kit``.

``create_app(build_state(settings_from_env()))`` builds it; ``python -m fakes.reports`` serves it. docs/apps/reports.md
describes its endpoints and settings.
"""
