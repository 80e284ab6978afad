"""Write the JSON schema the dataset files point at, for editor autocomplete: `uv run python -m evals.schema`.

The coach datasets share one schema (same inputs, outputs and evaluators), so there is one file rather than a copy
beside each dataset.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_core import to_json

from evals.evaluators import CUSTOM_EVALUATORS
from evals.runner import DATASETS, CoachDataset

SCHEMA = DATASETS / "coach_schema.json"
SCHEMA_LINE = f"# yaml-language-server: $schema={SCHEMA.name}"
"""The first line of every dataset file."""


def schema_text() -> str:
    """The dataset schema, with the coach's evaluators, formatted as `Dataset.to_file` writes it."""
    schema = CoachDataset.model_json_schema_with_evaluators(CUSTOM_EVALUATORS)
    return to_json(schema, indent=2).decode() + "\n"


def write_schema(path: Path = SCHEMA) -> bool:
    """Write (or refresh) the schema; returns whether the file changed."""
    text = schema_text()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


if __name__ == "__main__":
    print(f"{'wrote' if write_schema() else 'up to date:'} {SCHEMA}")
