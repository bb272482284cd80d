"""``python -m fakes.reports --host 127.0.0.1 --port N``: the scheduled-report app, configured from its environment."""

from fakes.kit.service import run
from fakes.reports.main import app_from_env

if __name__ == "__main__":
    run("fakes.reports", app_from_env)
