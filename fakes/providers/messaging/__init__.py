"""The fake messaging provider (SMS/chat-like): accepts sends, rate-limits and fails on demand."""

from fakes.providers.messaging.app import app_from_env, create_app, messaging_state, state_from_env

__all__ = ["app_from_env", "create_app", "messaging_state", "state_from_env"]
