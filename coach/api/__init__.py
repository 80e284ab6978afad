"""The chat API (FastAPI): streaming chat, conversations, the user's data, quotas; see `create_app`."""

from coach.api.app import create_app, openapi_json
from coach.api.settings import ApiSettings, ConfigError

__all__ = ("ApiSettings", "ConfigError", "create_app", "openapi_json")
