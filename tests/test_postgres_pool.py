"""Postgres pool checkout: closed connections are refused without a round trip; long-idle ones are pinged."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy.exc import DisconnectionError

from stores.postgres import IDLE_PING_S, _check_out, _checked_in  # pyright: ignore[reportPrivateUsage]


class _Driver:
    def __init__(self, closed: bool) -> None:
        self.closed = closed

    def is_closed(self) -> bool:
        return self.closed


class _Adapted:
    def __init__(self, *, closed: bool = False, answers: bool = True) -> None:
        self.driver_connection = _Driver(closed)
        self.answers = answers
        self.pings = 0

    def ping(self) -> None:
        self.pings += 1
        if not self.answers:
            raise ConnectionResetError("gone")


class _Record:
    def __init__(self) -> None:
        self.info: dict[str, Any] = {}


def test_a_recently_used_live_connection_is_handed_out_without_a_ping() -> None:
    conn, record = _Adapted(), _Record()
    _checked_in(conn, record)
    _check_out(conn, record, None)
    assert conn.pings == 0


def test_a_closed_connection_is_refused_without_a_ping() -> None:
    conn, record = _Adapted(closed=True), _Record()
    _checked_in(conn, record)
    with pytest.raises(DisconnectionError):
        _check_out(conn, record, None)
    assert conn.pings == 0


def test_a_long_idle_connection_is_pinged_and_refused_if_silent() -> None:
    alive, silent, record = _Adapted(), _Adapted(answers=False), _Record()
    record.info["checked_in"] = time.monotonic() - IDLE_PING_S - 1
    _check_out(alive, record, None)
    assert alive.pings == 1
    with pytest.raises(DisconnectionError):
        _check_out(silent, record, None)
    assert silent.pings == 1
