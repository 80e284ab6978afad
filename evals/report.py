"""What an eval run produced: per-case results, pass rates, evaluator averages; printed, saved and compared."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, computed_field
from rich.console import Console
from rich.table import Table

_FULL_TABLE_MAX = 100
"""Datasets with more cases than this (the safety benchmark) print only their failing cases."""


class CaseResult(BaseModel):
    """One run of one case."""

    name: str
    passed: bool
    failures: list[str] = []
    """Each failed assertion as "evaluator: reason", or the error that stopped the task."""
    duration: float = 0.0
    assertions: dict[str, bool] = {}
    scores: dict[str, float] = {}
    reply: str = ""
    """The last reply (coach datasets), for reading the report."""


class DatasetResult(BaseModel):
    """One dataset's results."""

    name: str
    source: str
    sha256: str
    """Of the dataset file, so a comparison can tell when the cases themselves changed."""
    cases: list[CaseResult]
    duration: float = 0.0
    analyses: list[dict[str, Any]] = []
    """Report-level analyses (the safety benchmark's precision, recall and false-positive rate)."""

    @computed_field
    @property
    def pass_rate(self) -> float:
        """Share of case runs whose every assertion held."""
        return sum(case.passed for case in self.cases) / len(self.cases) if self.cases else 0.0

    @computed_field
    @property
    def evaluators(self) -> dict[str, float]:
        """Per evaluator: the share of its assertions that held, or its mean score."""
        values: dict[str, list[float]] = defaultdict(list)
        for case in self.cases:
            for name, ok in case.assertions.items():
                values[_base_name(name)].append(float(ok))
            for name, score in case.scores.items():
                values[_base_name(name)].append(score)
        return {name: round(sum(v) / len(v), 4) for name, v in sorted(values.items())}


class RunReport(BaseModel):
    """A whole `coach eval` run."""

    created_at: datetime
    model: str
    judge: str | None = None
    min_pass: float
    repeat: int = 1
    duration: float = 0.0
    datasets: list[DatasetResult]

    @computed_field
    @property
    def pass_rate(self) -> float:
        """Share of all case runs that passed."""
        cases = [case for dataset in self.datasets for case in dataset.cases]
        return sum(case.passed for case in cases) / len(cases) if cases else 0.0

    @computed_field
    @property
    def passed(self) -> bool:
        """Every dataset reached the minimum pass rate."""
        return bool(self.datasets) and all(d.pass_rate >= self.min_pass for d in self.datasets)


class Change(BaseModel):
    """A case whose result differs from a saved report."""

    dataset: str
    case: str
    before: str
    after: str


def _base_name(name: str) -> str:
    # pydantic-evals suffixes a repeated evaluator name with _2, _3...
    return re.sub(r"_\d+$", "", name)


def print_report(report: RunReport, console: Console) -> None:
    """A table per dataset, then pass rates, evaluator averages and the benchmark's analyses."""
    for dataset in report.datasets:
        console.print(_case_table(dataset))
    console.print(_summary_table(report))
    console.print(_evaluator_table(report))
    for dataset in report.datasets:
        for analysis in dataset.analyses:
            _print_analysis(dataset.name, analysis, console)
    verdict = "[green]PASS[/green]" if report.passed else "[red]FAIL[/red]"
    console.print(
        f"overall pass rate {report.pass_rate:.1%} over {sum(len(d.cases) for d in report.datasets)} case runs; "
        f"every dataset needs {report.min_pass:.0%}: {verdict}"
    )


def _case_table(dataset: DatasetResult) -> Table:
    full = len(dataset.cases) <= _FULL_TABLE_MAX
    shown = dataset.cases if full else [case for case in dataset.cases if not case.passed]
    caption = None if full else f"{len(dataset.cases) - len(shown)} passing cases not shown (see the HTML report)"
    table = Table(title=f"{dataset.name} ({dataset.source})", caption=caption, title_justify="left")
    table.add_column("case")
    table.add_column("result")
    table.add_column("failed assertions", overflow="fold")
    table.add_column("duration", justify="right")
    for case in shown:
        result = "[green]pass[/green]" if case.passed else "[red]FAIL[/red]"
        table.add_row(case.name, result, "\n".join(case.failures), f"{case.duration * 1000:.0f} ms")
    return table


def _summary_table(report: RunReport) -> Table:
    table = Table(title=f"pass rates ({report.model})", title_justify="left")
    for column in ("dataset", "cases", "passed", "pass rate", "duration"):
        table.add_column(column, justify="left" if column == "dataset" else "right")
    for d in report.datasets:
        rate = f"{d.pass_rate:.1%}" if d.pass_rate >= report.min_pass else f"[red]{d.pass_rate:.1%}[/red]"
        table.add_row(d.name, str(len(d.cases)), str(sum(c.passed for c in d.cases)), rate, f"{d.duration:.1f} s")
    return table


def _evaluator_table(report: RunReport) -> Table:
    table = Table(title="evaluator averages (assertions: share that held; scores: mean)", title_justify="left")
    table.add_column("dataset")
    table.add_column("evaluator")
    table.add_column("average", justify="right")
    for dataset in report.datasets:
        for name, value in dataset.evaluators.items():
            table.add_row(dataset.name, name, f"{value:.3g}")
    return table


def _print_analysis(dataset: str, analysis: dict[str, Any], console: Console) -> None:
    if analysis.get("type") == "scalar":
        console.print(f"{dataset}: {analysis['title']} {analysis['value']:.2%}")
    elif analysis.get("type") == "table":
        table = Table(title=f"{dataset}: {analysis['title']}", title_justify="left")
        for column in analysis["columns"]:
            table.add_column(str(column))
        for row in analysis["rows"]:
            table.add_row(*(f"{cell:.1%}" if isinstance(cell, float) else str(cell) for cell in row))
        console.print(table)


def compare(before: RunReport, after: RunReport) -> tuple[list[Change], int]:
    """Cases run now whose result differs from a saved report, and how many saved cases were not run now.

    Repeated runs of a case (`name [2/3]`) count together: `pass`, `fail`, or e.g. `2/3 passed`.
    """
    old, new = _states(before), _states(after)
    changes = [
        Change(dataset=key[0], case=key[1], before=old.get(key, "absent"), after=state)
        for key, state in sorted(new.items())
        if old.get(key, "absent") != state
    ]
    return changes, len(old.keys() - new.keys())


def _states(report: RunReport) -> dict[tuple[str, str], str]:
    runs: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for dataset in report.datasets:
        for case in dataset.cases:
            runs[(dataset.name, re.sub(r" \[\d+/\d+\]$", "", case.name))].append(case.passed)
    return {key: _state(passed) for key, passed in runs.items()}


def _state(passed: list[bool]) -> str:
    if all(passed):
        return "pass"
    return f"{sum(passed)}/{len(passed)} passed" if any(passed) else "fail"


def print_changes(before: RunReport, after: RunReport, source: Path, console: Console) -> None:
    """What changed since a saved report, and which datasets' files differ."""
    changes, not_run = compare(before, after)
    edited = [
        d.name
        for d in after.datasets
        for b in before.datasets
        if b.name == d.name and b.sha256 != d.sha256  # a changed file may explain a changed result
    ]
    console.print(
        f"since {source} ({before.model}, {before.created_at:%Y-%m-%d %H:%M}): pass rate "
        f"{before.pass_rate:.1%} -> {after.pass_rate:.1%}"
        + (f"; dataset files changed: {', '.join(edited)}" if edited else "")
        + (f"; {not_run} saved cases not run this time" if not_run else ""),
        highlight=False,
    )
    if not changes:
        console.print("no case changed")
        return
    table = Table(title="changed cases", title_justify="left")
    for column in ("dataset", "case", "before", "after"):
        table.add_column(column)
    for change in changes:
        table.add_row(change.dataset, change.case, change.before, change.after)
    console.print(table)


def write_reports(report: RunReport, path: Path) -> tuple[Path, Path]:
    """Write the JSON report to `path` and an HTML one beside it; returns both paths."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    page = path.with_suffix(".html")
    page.write_text(render_html(report), encoding="utf-8")
    return path, page


def load_report(path: Path) -> RunReport:
    """A report written by `write_reports`."""
    return RunReport.model_validate_json(path.read_text(encoding="utf-8"))


_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}"
    "td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}"
    ".pass{color:#176f2c}.fail{color:#b00020;font-weight:bold}td.reply{max-width:40em;font-size:90%}"
)


def render_html(report: RunReport) -> str:
    """A self-contained HTML page with every case of every dataset."""
    e = html.escape
    parts = [
        f"<!doctype html><meta charset='utf-8'><title>coach eval {report.created_at:%Y-%m-%d %H:%M}</title>",
        f"<style>{_STYLE}</style><h1>coach eval: {e(report.model)}</h1>",
        f"<p>{report.created_at:%Y-%m-%d %H:%M:%S %Z}; pass rate {report.pass_rate:.1%}; "
        f"every dataset needs {report.min_pass:.0%}: <span class='{'pass' if report.passed else 'fail'}'>"
        f"{'PASS' if report.passed else 'FAIL'}</span>; judge: {e(report.judge or 'none')}</p>",
    ]
    for d in report.datasets:
        parts.append(f"<h2>{e(d.name)}</h2><p>{e(d.source)}; {len(d.cases)} case runs; pass rate {d.pass_rate:.1%}</p>")
        averages = "".join(f"<tr><td>{e(k)}</td><td>{v:.3g}</td></tr>" for k, v in d.evaluators.items())
        parts.append(f"<table><tr><th>evaluator</th><th>average</th></tr>{averages}</table>")
        parts.extend(_html_analysis(a) for a in d.analyses)
        rows = "".join(
            f"<tr><td>{e(c.name)}</td><td class='{'pass' if c.passed else 'fail'}'>{'pass' if c.passed else 'FAIL'}"
            f"</td><td>{'<br>'.join(e(f) for f in c.failures)}</td><td>{c.duration * 1000:.0f} ms</td>"
            f"<td class='reply'>{e(c.reply)}</td></tr>"
            for c in d.cases
        )
        parts.append(
            "<table><tr><th>case</th><th>result</th><th>failed assertions</th><th>duration</th><th>last reply</th>"
            f"</tr>{rows}</table>"
        )
    return "\n".join(parts) + "\n"


def _html_analysis(analysis: dict[str, Any]) -> str:
    e = html.escape
    if analysis.get("type") == "scalar":
        return f"<p>{e(str(analysis['title']))}: {analysis['value']:.2%}</p>"
    if analysis.get("type") == "table":
        head = "".join(f"<th>{e(str(c))}</th>" for c in analysis["columns"])
        body = "".join(
            "<tr>" + "".join(f"<td>{e(str(cell))}</td>" for cell in row) + "</tr>" for row in analysis["rows"]
        )
        return f"<h3>{e(str(analysis['title']))}</h3><table><tr>{head}</tr>{body}</table>"
    if analysis.get("type") == "confusion_matrix":
        labels = [str(label) for label in analysis["class_labels"]]
        head = "<th></th>" + "".join(f"<th>{e(label)}</th>" for label in labels)
        body = "".join(
            f"<tr><th>{e(label)}</th>" + "".join(f"<td>{n}</td>" for n in row) + "</tr>"
            for label, row in zip(labels, analysis["matrix"], strict=True)
        )
        return f"<h3>{e(str(analysis['title']))}</h3><table><tr>{head}</tr>{body}</table>"
    return ""
