"""``python -m fakes.bookings --host 127.0.0.1 --port N``: the booking app, configured from its environment."""

from fakes.bookings.main import app_from_env
from fakes.kit.service import run

if __name__ == "__main__":
    run("fakes.bookings", app_from_env)
