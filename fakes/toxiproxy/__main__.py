"""``python -m fakes.toxiproxy``: toxiproxy-server's command line, flags and defaults."""

from __future__ import annotations

import sys

from fakes.toxiproxy.cli import main

sys.exit(main())
