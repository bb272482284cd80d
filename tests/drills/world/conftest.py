"""The probe tests' world (their HTTP server as the app, the session's Postgres and Redis) serves here too."""

from tests.drills.probes.conftest import context, http_server, manual_clock, probe_world

__all__ = ["context", "http_server", "manual_clock", "probe_world"]
