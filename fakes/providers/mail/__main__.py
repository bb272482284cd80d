"""``python -m fakes.providers.mail --host 127.0.0.1 --port N``."""

from fakes.kit.service import run
from fakes.providers.mail.app import app_from_env

if __name__ == "__main__":
    run("fakes.providers.mail", app_from_env)
