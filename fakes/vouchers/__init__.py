"""The voucher and messaging-campaign product's app: campaigns of text messages, sent by a dispatcher inside the
app through the messaging provider, a batch per tick, over ``fakes.kit``.

``create_app(build_state(settings_from_env()))`` builds it; ``python -m fakes.vouchers`` serves it.
docs/apps/vouchers.md describes its endpoints and settings.
"""
