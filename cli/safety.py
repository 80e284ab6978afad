"""`coach safety`: run the safety screen on a message or on a JSON-lines file of messages."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli._common import console, fail

if TYPE_CHECKING:
    from coach.safety import Category


def _screen(text: str) -> Any:
    from coach.safety import screen

    return screen(text)


def _screen_deep(texts: list[str]) -> list[Any]:
    """The rules and then the semantic check (which loads the embedding model on first use)."""
    import asyncio

    from coach.safety import screen_deep

    async def run() -> list[Any]:
        return [await screen_deep(text) for text in texts]

    return asyncio.run(run())


_STYLE: dict[Category, str] = {
    "allow": "green",
    "medical": "yellow",
    "disordered_eating": "magenta",
    "self_harm": "bold red",
    "emergency": "bold red",
}


def safety(
    text: Annotated[str | None, typer.Argument(help="The message to screen.")] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print one JSON object with category, reason and matched rules.")
    ] = False,
    jsonl: Annotated[
        str | None,
        typer.Option("--jsonl", help="read one JSON object with a 'text' field per line from FILE, or - for stdin"),
    ] = None,
    deep: Annotated[
        bool,
        typer.Option("--deep", help="also run the semantic check (the offline embedding model), as a chat turn does"),
    ] = False,
) -> None:
    """Screen a message with the safety filter and print its category and the reason."""
    if jsonl is not None:
        if text is not None:
            fail("give a message or --jsonl, not both")
        records = _read_jsonl(jsonl)
        texts = [record["text"] for record in records]
        results = _screen_deep(texts) if deep else [_screen(t) for t in texts]
        for record, result in zip(records, results, strict=True):
            out = {"id": record["id"]} if "id" in record else {}
            out |= {"category": result.category, "reason": result.reason}
            typer.echo(json.dumps(out, ensure_ascii=False))
        return
    if text is None:
        fail("give a message to screen, or --jsonl FILE (- for stdin)")
    result = _screen_deep([text])[0] if deep else _screen(text)
    if json_out:
        typer.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
        return
    console.print(f"[{_STYLE[result.category]}]{result.category}[/]: {result.reason}", highlight=False, markup=True)


def _read_lines(source: str) -> list[str]:
    if source == "-":
        return sys.stdin.read().splitlines()
    try:
        return Path(source).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        fail(f"no such file: {source}")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {source}: {exc}")


def _read_jsonl(source: str) -> list[dict[str, Any]]:
    """Every record of a JSON-lines source, checked before any output so a bad line prints nothing else."""
    records: list[dict[str, Any]] = []
    for number, line in enumerate(_read_lines(source), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            fail(f"line {number}: not valid JSON ({exc.msg})")
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            fail(f"line {number}: expected a JSON object with a string 'text' field")
        records.append(record)
    return records
