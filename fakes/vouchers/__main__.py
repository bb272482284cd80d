"""``python -m fakes.vouchers --host 127.0.0.1 --port N``: the voucher app, configured from its environment."""

from fakes.kit.service import run
from fakes.vouchers.main import app_from_env

if __name__ == "__main__":
    run("fakes.vouchers", app_from_env)
