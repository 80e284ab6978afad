"""`coach eval`: score a model on the eval datasets, print the results, save reports, and gate on the pass rate."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Annotated

import typer

from cli._common import console, errors, fail, run


def eval_command(
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="offline, anthropic:<model>, openai:<model> or ollama:<model> (default: $COACH_MODEL, else Claude "
            "when ANTHROPIC_API_KEY is set, else offline).",
        ),
    ] = None,
    dataset: Annotated[
        list[Path] | None,
        typer.Option(
            "--dataset", help="A dataset file, repeatable (default: evals/datasets/*.yaml and the benchmark)."
        ),
    ] = None,
    case: Annotated[
        list[str] | None,
        typer.Option("--case", help="Only cases with this name or glob, e.g. 'volume_*' (repeatable)."),
    ] = None,
    repeat: Annotated[int, typer.Option("--repeat", min=1, help="Run every case N times.")] = 1,
    min_pass: Annotated[
        float, typer.Option("--min-pass", min=0.0, max=1.0, help="Fail unless every dataset passes this share.")
    ] = 0.95,
    report: Annotated[
        Path | None, typer.Option("--report", help="JSON report path (an .html one is written beside it).")
    ] = None,
    compare: Annotated[
        Path | None, typer.Option("--compare", help="A saved JSON report: show which cases changed since.")
    ] = None,
    judge: Annotated[
        str | None, typer.Option("--judge", help="Model for the optional LLM judge (default: $COACH_EVAL_JUDGE).")
    ] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, help="Cases run at the same time.")] = 4,
) -> None:
    """Score a model on the eval datasets; exits 1 when a dataset's pass rate is under --min-pass."""
    from evals.report import load_report, print_changes, print_report, write_reports
    from evals.runner import JUDGE_SKIPPED, Options, run_evals

    for path in [*(dataset or []), *([compare] if compare else [])]:
        if not path.is_file():
            fail(f"no such file: {path}")
    try:
        before = load_report(compare) if compare else None
    except ValueError:
        fail(f"{compare} is not a report written by coach eval")
    options = Options(
        model=model,
        datasets=dataset or (),
        cases=case or (),
        repeat=repeat,
        min_pass=min_pass,
        concurrency=concurrency,
        judge=judge,
    )

    def started(name: str, count: int) -> None:
        console.print(f"[bold]{name}[/bold]: {count} cases", highlight=False)

    try:
        result = run(lambda: run_evals(options, on_start=started))
    except ValueError as exc:
        fail(str(exc))
    if not result.datasets:
        fail("no case matched --case")
    print_report(result, console)
    if result.judge is None:
        console.print(JUDGE_SKIPPED, highlight=False)
    stamp = result.created_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    json_path, html_path = write_reports(result, report or Path("reports") / f"eval-{stamp}.json")
    console.print(f"reports: {json_path} and {html_path} ({result.duration:.1f} s)", highlight=False)
    if before is not None and compare is not None:
        print_changes(before, result, compare, console)
    if not result.passed:
        below = [f"{d.name} {d.pass_rate:.1%}" for d in result.datasets if d.pass_rate < min_pass]
        errors.print(f"[red]eval failed:[/red] under {min_pass:.0%}: {', '.join(below)}", highlight=False)
        raise typer.Exit(1)
