"""The `coach` command line."""

import os

# Pydantic would load Logfire's validation plugin on the first model definition (~0.7 s); the CLI does not use it.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
