"""Run the eval datasets against a model and collect a `RunReport`.

Span-based evaluators read the OpenTelemetry spans of each case, so Logfire is configured locally (nothing is sent,
no token needed) and the coach agent is instrumented while the run lasts.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Awaitable, Callable, Generator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Literal, cast

from pydantic_ai import Agent
from pydantic_ai.models import Model
from pydantic_ai.models.fallback import FallbackModel
from pydantic_evals import Dataset
from pydantic_evals.reporting import EvaluationReport

from evals import safety_bench
from evals.evaluators import CUSTOM_EVALUATORS, judges
from evals.report import CaseResult, DatasetResult, RunReport
from evals.task import CaseMeta, CoachOutput, CoachTask, Conversation, Templates

DATASETS = Path(__file__).parent / "datasets"
JUDGE_ENV = "COACH_EVAL_JUDGE"
JUDGE_SKIPPED = f"LLM judge: skipped (no judge model configured; pass --judge <model> or set {JUDGE_ENV})"

CoachDataset = Dataset[Conversation, CoachOutput, CaseMeta]
Task = Callable[[Any], Awaitable[Any]]


@dataclass
class Options:
    """What `coach eval` was asked to run."""

    model: str | None = None
    """A model spec; default: `$COACH_MODEL`, else Claude when `ANTHROPIC_API_KEY` is set, else offline."""
    datasets: Sequence[Path] = ()
    """Dataset files (`.yaml` coach datasets, `.jsonl` for the safety benchmark); default: all of them."""
    cases: Sequence[str] = ()
    """Case names or glob patterns; default: every case."""
    repeat: int = 1
    min_pass: float = 0.95
    concurrency: int = 4
    judge: Model | str | None = None
    """A judge model, or a model spec; default: `$COACH_EVAL_JUDGE`, else no judge."""
    progress: bool = True


@dataclass
class Suite:
    """A loaded dataset, where it came from, and which task runs it."""

    dataset: Dataset[Any, Any, Any]
    source: Path
    kind: Literal["coach", "safety_bench"] = "coach"
    """`coach`: conversations through `run_turn`; `safety_bench`: the safety screen alone."""


_configured = False


@contextmanager
def tracing() -> Generator[None]:
    """Record spans for the span-based evaluators while the block runs.

    Logfire is configured once per process, locally: nothing is sent and no token is needed. Only the coach agent is
    instrumented, with message content (the span-based argument checks read it), and only inside the block, so a
    judge's own runs and the process's other agents are left as they were.
    """
    global _configured
    import logfire

    from coach.agent import coach_agent

    if not _configured:
        logfire.configure(send_to_logfire=False, console=False, service_name="coach-evals", inspect_arguments=False)
        _configured = True
    agent = coach_agent()
    before = agent.instrument
    # The overload wants the unparameterised `Agent` (`Agent[object, str]`), which a typed agent is not.
    logfire.instrument_pydantic_ai(cast("Agent[Any, Any]", agent))
    try:
        yield
    finally:
        agent.instrument = before


def dataset_paths(requested: Sequence[Path] = ()) -> list[Path]:
    """The dataset files to run: those asked for, else every coach dataset and the safety benchmark."""
    if requested:
        return list(requested)
    return [*sorted(DATASETS.glob("*.yaml")), safety_bench.DEVSET]


def load_suite(path: Path) -> Suite:
    """Load one dataset file: a coach dataset (YAML) or the safety benchmark (JSON lines)."""
    if path.suffix == ".jsonl":
        return Suite(dataset=safety_bench.load(path), source=path, kind="safety_bench")
    try:
        dataset = CoachDataset.from_file(path, custom_evaluator_types=CUSTOM_EVALUATORS)
    except ExceptionGroup as group:  # unknown evaluator names, one error each
        raise ValueError(f"{path}: {group.exceptions[0]}") from group
    return Suite(dataset=dataset, source=path)


def select(dataset: Dataset[Any, Any, Any], patterns: Sequence[str]) -> Dataset[Any, Any, Any]:
    """The dataset with only the cases whose names match a pattern (all of them without patterns)."""
    if not patterns:
        return dataset
    cases = [case for case in dataset.cases if any(fnmatchcase(case.name or "", p) for p in patterns)]
    return Dataset[Any, Any, Any](
        name=dataset.name, cases=cases, evaluators=dataset.evaluators, report_evaluators=dataset.report_evaluators
    )


def scored_model(spec: str | None) -> Model:
    """The model to score, resolved like `coach chat` resolves it, but without the offline fallback.

    In the service a provider outage degrades to the offline coach; in an eval that would score the offline coach
    under the provider's name, so a provider error fails the case instead (and every case tries the provider:
    the circuit breaker that protects the service is left out too).
    """
    from coach._breaker import CircuitBreakerModel
    from coach.models import build_model

    built = build_model(spec)
    model = built.models[0] if isinstance(built, FallbackModel) else built
    return model.wrapped if isinstance(model, CircuitBreakerModel) else model


def judge_model(spec: Model | str | None) -> Model | None:
    """The judge: a model, or one built from a spec (`$COACH_EVAL_JUDGE` by default); None when none is set."""
    spec = spec if spec is not None else os.environ.get(JUDGE_ENV) or None
    if spec is None or isinstance(spec, Model):
        return spec
    if spec.strip().lower() == "offline":
        raise ValueError("the offline model cannot judge; name a provider model, e.g. anthropic:claude-sonnet-4-6")
    return scored_model(spec)


async def run_evals(options: Options, on_start: Callable[[str, int], None] | None = None) -> RunReport:
    """Run every selected dataset and return the report (the caller prints, saves and gates it)."""
    from coach.embedder import HashEmbedder, default_embedder
    from coach.models import describe

    model = scored_model(options.model)
    judge = judge_model(options.judge)
    started = time.perf_counter()
    results: list[DatasetResult] = []
    # Every file is loaded before anything runs, so a typo fails in a second rather than after a paid run.
    suites = [load_suite(path) for path in dataset_paths(options.datasets)]
    with tracing(), tempfile.TemporaryDirectory(prefix="coach-eval-") as folder:
        templates = Templates(Path(folder), {"hash": HashEmbedder(), "minilm": default_embedder()})
        task = CoachTask(model, templates)
        for suite in suites:
            dataset = select(suite.dataset, options.cases)
            if not dataset.cases:
                continue
            runner: Task = safety_bench.screen_task
            if suite.kind == "coach":
                runner = task
                dataset.evaluators = [*dataset.evaluators, *(judges(judge) if judge is not None else ())]
                await templates.prepare(case.inputs for case in dataset.cases)
            if on_start is not None:
                on_start(dataset.name, len(dataset.cases))
            results.append(await _run_dataset(dataset, runner, suite, options))
    return RunReport(
        created_at=datetime.now(UTC),
        model=describe(model),
        judge=None if judge is None else judge.model_id,
        min_pass=options.min_pass,
        repeat=options.repeat,
        duration=round(time.perf_counter() - started, 2),
        datasets=results,
    )


async def _run_dataset(dataset: Dataset[Any, Any, Any], task: Task, suite: Suite, options: Options) -> DatasetResult:
    started = time.perf_counter()
    report = await dataset.evaluate(
        task,
        name=dataset.name,
        task_name="screen" if suite.kind == "safety_bench" else "coach",
        max_concurrency=options.concurrency,
        progress=options.progress,
        repeat=options.repeat,
    )
    return DatasetResult(
        name=dataset.name,
        source=_relative(suite.source),
        sha256=hashlib.sha256(suite.source.read_bytes()).hexdigest(),
        cases=_case_results(dataset, report),
        duration=round(time.perf_counter() - started, 2),
        analyses=[analysis.model_dump(mode="json") for analysis in report.analyses],
    )


def _case_results(dataset: Dataset[Any, Any, Any], report: EvaluationReport[Any, Any, Any]) -> list[CaseResult]:
    """Every case run as a `CaseResult`, in the dataset's order (task errors included)."""
    position = {case.name: index for index, case in enumerate(dataset.cases)}
    rows: list[tuple[int, str, CaseResult]] = []
    for case in report.cases:
        result = CaseResult(
            name=case.name,
            passed=all(a.value is True for a in case.assertions.values()) and not case.evaluator_failures,
            failures=[
                *(f"{name}: {a.reason or 'failed'}" for name, a in case.assertions.items() if a.value is not True),
                *(f"{f.name} raised: {f.error_message}" for f in case.evaluator_failures),
            ],
            duration=round(case.task_duration, 4),
            assertions={name: a.value is True for name, a in case.assertions.items()},
            scores={name: float(s.value) for name, s in case.scores.items()},
            reply=case.output.reply if isinstance(case.output, CoachOutput) else str(case.output),
        )
        rows.append((position.get(case.source_case_name or case.name, -1), case.name, result))
    for failure in report.failures:
        result = CaseResult(name=failure.name, passed=False, failures=[f"task error: {failure.error_message}"])
        rows.append((position.get(failure.source_case_name or failure.name, -1), failure.name, result))
    return [result for *_, result in sorted(rows, key=lambda row: (row[0], row[1]))]


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
