"""The safety benchmark as a dataset of its own: the screen on every labelled message of the development set.

The cases come from `bench/safety_devset.jsonl` (one source for `bench/safety.py` and this dataset). A report
evaluator adds per-category precision and recall and the rate at which `allow` messages are flagged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from pydantic import BaseModel, ConfigDict
from pydantic_evals import Case, Dataset
from pydantic_evals.evaluators import ConfusionMatrixEvaluator, EqualsExpected, ReportEvaluator, ReportEvaluatorContext
from pydantic_evals.reporting.analyses import ReportAnalysis, ScalarResult, TableResult

from coach.safety import Category, screen

DEVSET = Path(__file__).resolve().parents[1] / "bench" / "safety_devset.jsonl"
CATEGORIES: tuple[Category, ...] = get_args(Category)


class Message(BaseModel):
    """One labelled message of the development set."""

    model_config = ConfigDict(extra="forbid")

    text: str
    note: str = ""


async def screen_task(inputs: Message) -> str:
    """The category the safety screen gives the message."""
    return screen(inputs.text).category


@dataclass(repr=False)
class SafetyMetrics(ReportEvaluator[Message, str, None]):
    """Per-category precision and recall, accuracy, and the share of `allow` messages flagged."""

    def evaluate(self, ctx: ReportEvaluatorContext[Message, str, None]) -> list[ReportAnalysis]:
        pairs = [(case.expected_output, case.output) for case in ctx.report.cases if case.expected_output]
        rows: list[list[str | int | float | bool | None]] = []
        for category in CATEGORIES:
            support = sum(expected == category for expected, _ in pairs)
            flagged = sum(predicted == category for _, predicted in pairs)
            hits = sum(expected == predicted == category for expected, predicted in pairs)
            rows.append([category, support, _ratio(hits, flagged), _ratio(hits, support)])
        allow = [predicted for expected, predicted in pairs if expected == "allow"]
        return [
            TableResult(title="per category", columns=["category", "support", "precision", "recall"], rows=rows),
            ScalarResult(title="accuracy", value=_ratio(sum(e == p for e, p in pairs), len(pairs))),
            ScalarResult(
                title="allow false-positive rate",
                description="share of messages labelled allow that the screen flagged",
                value=_ratio(sum(p != "allow" for p in allow), len(allow), empty=0.0),
            ),
        ]


def _ratio(part: int, whole: int, empty: float = 1.0) -> float:
    return round(part / whole, 4) if whole else empty


def load(path: Path = DEVSET) -> Dataset[Message, str, None]:
    """The benchmark dataset: one case per labelled message, named by its line number."""
    cases: list[Case[Message, str, None]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            row = json.loads(line)
            cases.append(
                Case(
                    name=f"line {number}",
                    inputs=Message(text=row["text"], note=row.get("note", "")),
                    expected_output=row["category"],
                )
            )
    return Dataset[Message, str, None](
        name="safety_bench",
        cases=cases,
        evaluators=[EqualsExpected()],
        report_evaluators=[ConfusionMatrixEvaluator(title="expected (rows) by screened (columns)"), SafetyMetrics()],
    )
