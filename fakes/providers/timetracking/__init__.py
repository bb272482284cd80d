"""The fake time-tracking provider: an OAuth 2 authorization server and a timesheets API behind it."""

from fakes.providers.timetracking.app import app_from_env, create_app
from fakes.providers.timetracking.state import TimetrackingState, state_from_env, timetracking_state

__all__ = ["TimetrackingState", "app_from_env", "create_app", "state_from_env", "timetracking_state"]
