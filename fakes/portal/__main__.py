"""``python -m fakes.portal --host 127.0.0.1 --port N``: the customer portal's back-end, configured from its
environment.

It has no routes of its own yet: the kit's app alone (``fakes.kit.app.kit_app_from_env``)."""

from fakes.kit.app import kit_app_from_env
from fakes.kit.service import run

if __name__ == "__main__":
    run("fakes.portal", kit_app_from_env)
