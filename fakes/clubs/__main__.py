"""``python -m fakes.clubs --host 127.0.0.1 --port N``: the club platform's app, configured from its environment.

It has no routes of its own yet: the kit's app alone (``fakes.kit.app.kit_app_from_env``)."""

from fakes.kit.app import kit_app_from_env
from fakes.kit.service import run

if __name__ == "__main__":
    run("fakes.clubs", kit_app_from_env)
