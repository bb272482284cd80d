"""The club/tenant platform's app (catalog section B): so far the kit's alone, its health with the database's and
the cache's status, readiness, metrics and ``/_control``; signup, provisioning and JWT auth are to come.

``python -m fakes.clubs`` serves it. docs/apps/clubs.md describes its endpoints and settings.
"""
