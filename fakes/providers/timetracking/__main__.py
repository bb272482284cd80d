"""``python -m fakes.providers.timetracking --host 127.0.0.1 --port N``."""

from fakes.kit.service import run
from fakes.providers.timetracking.app import app_from_env

if __name__ == "__main__":
    run("fakes.providers.timetracking", app_from_env)
