"""The `coach` command line, through Typer's CliRunner on a temporary data folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from cli.data import parse_sets

runner = CliRunner()


def coach(*args: str, db: Path | None = None) -> tuple[int, str, str]:
    extra = ["--db", str(db)] if db else []
    result = runner.invoke(app, [*args, *extra])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "coach.db"


def test_help_lists_the_commands() -> None:
    code, out, _ = coach("--help")
    assert code == 0
    for command in ("chat", "db", "exercises", "safety", "fast", "log", "meals", "volume", "program", "demo"):
        assert command in out


def test_chat_once_json_on_the_demo(db: Path) -> None:
    code, out, _ = coach("chat", "--demo", "--once", "how many sets did I do for chest this week?", "--json", db=db)
    assert code == 0, out
    payload = json.loads(out)
    assert payload["tool_calls"][0]["name"] == "get_volume_by_muscle"
    assert payload["tool_calls"][0]["args"]["muscle"] == "chest"
    assert payload["safety"] == {"category": "allow", "reason": payload["safety"]["reason"]}
    assert payload["model"] == "spotter-offline-1"
    assert payload["usage"]["requests"] == 2
    assert "chest" in payload["reply"]


def test_chat_once_streams_text_and_shows_tool_calls(db: Path) -> None:
    code, out, _ = coach("chat", "--demo", "--once", "how's my fast going?", db=db)
    assert code == 0
    assert "get_active_fast" in out
    assert "hours" in out


def test_chat_with_an_unknown_model_is_one_line_and_exit_2(db: Path) -> None:
    code, _, err = coach("chat", "--once", "hi", "--model", "nonsense", db=db)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "unknown model" in err


def test_demo_seed_is_idempotent(db: Path) -> None:
    assert coach("demo", "seed", db=db)[1].strip() == "demo user seeded"
    assert "already exists" in coach("demo", "seed", db=db)[1]
    assert coach("demo", "seed", "--reset", db=db)[1].strip() == "demo user seeded"


def test_fast_start_status_end(db: Path) -> None:
    code, out, _ = coach("fast", "start", "--protocol", "18:6", "--ago", "2", db=db)
    assert code == 0
    assert "18:6" in out
    assert "2 hours" in coach("fast", "status", db=db)[1]
    code, _, err = coach("fast", "start", db=db)
    assert code == 2
    assert "already running" in err
    code, out, _ = coach("fast", "end", db=db)
    assert code == 0
    assert "18:6" in out
    assert "no active fast" in coach("fast", "status", db=db)[1]


def test_log_set_and_volume(db: Path) -> None:
    code, out, _ = coach("log", "set", "bench", "3x8@80", "--rir", "2", db=db)
    assert code == 0, out
    assert "Logged 3 x 8 of Bench Press at 80 kg" in out
    code, out, _ = coach("volume", "--weeks", "1", db=db)
    assert code == 0
    assert "chest" in out


def test_log_set_errors_write_nothing(db: Path) -> None:
    code, _, err = coach("log", "set", "quantum flux", "3x8@80", db=db)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    code, _, err = coach("log", "set", "bench", "three by eight", db=db)
    assert code == 2
    assert "3x8@80" in err
    code, _, err = coach("log", "set", "bench", "3x8@-80", db=db)
    assert code == 2
    code, out, _ = coach("volume", db=db)
    assert "chest" not in out


def test_log_meal_and_meals_table(db: Path) -> None:
    code, out, _ = coach("log", "meal", "chicken", "rice", "--kcal", "650", "--protein", "45", db=db)
    assert code == 0, out
    assert "650 kcal" in out
    code, out, _ = coach("meals", "--days", "3", db=db)
    assert code == 0
    assert "650" in out
    code, _, err = coach("log", "meal", "cake", "--kcal", "-5", db=db)
    assert code == 2
    assert "kcal" in err


def test_program_show_and_undo_on_the_demo(db: Path) -> None:
    coach("demo", "seed", db=db)
    code, out, _ = coach("program", "show", "--user", "demo", db=db)
    assert code == 0
    assert "Upper A" in out
    assert "Bench Press" in out
    code, _, err = coach("program", "undo", "--yes", "--user", "demo", db=db)
    assert code == 2
    assert len(err.strip().splitlines()) == 1


def test_bad_database_url_is_one_line(tmp_path: Path) -> None:
    code, _, err = coach("db", "info", "--db", "mysql://nope")
    assert code == 2
    assert "unsupported database URL" in err


@pytest.mark.parametrize(
    ("notation", "expected"),
    [("3x8@80", (3, 8, 80.0, False)), ("5@100kg", (1, 5, 100.0, False)), ("3x10@135lb", (3, 10, 135.0, True))],
)
def test_set_notation(notation: str, expected: tuple[int, int, float, bool]) -> None:
    assert parse_sets(notation) == expected


def test_set_notation_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="sets x reps"):
        parse_sets("heavy")


def test_interactive_chat_with_an_approval(db: Path) -> None:
    session = "how's my fast going?\nremove lateral raises from upper b\ny\n/quit\n"
    result = runner.invoke(app, ["chat", "--demo", "--db", str(db)], input=session)
    assert result.exit_code == 0, result.output
    assert "get_active_fast" in result.output
    assert "Lateral Raise" in result.output
    assert "Apply this change?" in result.output
    assert "Bye" in result.output
    code, out, _ = coach("program", "show", "--user", "demo", db=db)
    assert code == 0
    upper_b = out.split("Upper B")[1].split("Lower B")[0]
    assert "Lateral Raise" not in upper_b
