"""The fake mail provider: sends need the valid API key; every delivered message can be read back."""

from fakes.providers.mail.app import app_from_env, create_app, mail_state, state_from_env

__all__ = ["app_from_env", "create_app", "mail_state", "state_from_env"]
