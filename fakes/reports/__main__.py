"""``python -m fakes.reports --host 127.0.0.1 --port N``: the reference app, configured from its environment."""

from __future__ import annotations

from fakes.kit.service import fail, parse_args, serve
from fakes.kit.settings import SettingError, clock_from
from fakes.reports.config import settings_from_env
from fakes.reports.main import create_app
from fakes.reports.state import build_state

PROG = "fakes.reports"


def main() -> None:
    args = parse_args(PROG)
    try:
        settings = settings_from_env()
        clock = clock_from()
    except SettingError as error:
        fail(PROG, error)
        return
    serve(create_app(build_state(settings, clock)), args.host, args.port)


if __name__ == "__main__":
    main()
