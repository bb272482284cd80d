"""``python -m fakes.providers.messaging --host 127.0.0.1 --port N``."""

from fakes.kit.service import run
from fakes.providers.messaging.app import app_from_env

if __name__ == "__main__":
    run("fakes.providers.messaging", app_from_env)
