"""``python -m fakes.scheduler --host 127.0.0.1 --port N``."""

from fakes.kit.service import run
from fakes.scheduler.app import app_from_env

if __name__ == "__main__":
    run("fakes.scheduler", app_from_env)
