"""The fake scheduler: calls the app's internal endpoint at every tick, with the shared secret and the slot."""

from fakes.scheduler.app import app_from_env, create_app
from fakes.scheduler.state import SchedulerState, Tick, state_from_env

__all__ = ["SchedulerState", "Tick", "app_from_env", "create_app", "state_from_env"]
