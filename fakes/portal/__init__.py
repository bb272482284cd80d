"""The customer portal's back-end (catalog section E): so far the kit's alone, its health with the database's and
the cache's status, readiness, metrics and ``/_control``; platform events, billing and the token blacklist are to
come.

``python -m fakes.portal`` serves it. docs/apps/portal.md describes its endpoints and settings.
"""
