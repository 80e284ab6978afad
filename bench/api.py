"""The chat API under load: concurrent users chatting with the offline model against a local server.

For each backend (a temporary SQLite file always, Postgres when `--postgres URL` is given) the script starts
`coach serve` as a subprocess on a free loopback port, waits for `/health`, mints one pro-tier token per
user and warms up with one chat per user (which creates the user's conversation). Then every user sends
chat messages back to back in its own conversation for `--seconds`, with every `--get-every`-th request a
non-chat GET instead. Afterwards it counts the user messages stored in each user's conversations (through
the API) and compares them with the chats that returned 200, then runs the same GETs once more, one at a
time on the idle server, for the unloaded latency.

Load generator and server share the machine's cores. The server is one uvicorn process, which runs coaching turns in
its turn workers (`COACH_TURN_WORKERS`, default 1, child processes). Only 127.0.0.1 is contacted.

    uv run python bench/api.py [--users 50] [--seconds 30] [--postgres postgresql+asyncpg://...]

Exits 1 when any request failed (non-2xx or exception), when stored user messages differ from chats sent,
or when the non-chat GET p95 under load is 20 ms or more.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).parent.resolve():
    sys.path.pop(0)  # keep bench/ from shadowing the project's packages

import httpx2

from coach.api.auth import mint_token

HOST = "127.0.0.1"
SECRET = "api-bench-secret-" + "x" * 32
QUESTIONS = (
    "how's my fast going?",
    "how many sets did I do for chest this week?",
    "what did I eat today?",
    "show my program",
    "quad volume over the last 3 weeks",
)
GET_BUDGET_MS = 20.0
MAX_REQUESTS_PER_USER = 100_000
REQUEST_TIMEOUT_S = 30.0


def get_paths() -> list[str]:
    """The non-chat GETs, in the order users cycle through them."""
    today = datetime.now(UTC).date().isoformat()
    return [
        "/v1/me",
        "/v1/fasts/active",
        f"/v1/meals/daily?from={today}&to={today}",
        "/v1/volume?weeks=1",
        "/v1/exercises?search=bench",
        "/v1/usage",
        "/v1/conversations?page=1&per_page=20",
        "/v1/conversations/{conversation}",
    ]


@dataclass
class Sample:
    kind: str  # "chat" or "get"
    path: str
    ms: float
    status: int  # 0 for an exception
    error: str = ""


@dataclass
class User:
    name: str
    token: str
    conversation: str | None = None
    chats_ok: int = 0
    samples: list[Sample] = field(default_factory=list)


@dataclass
class Result:
    backend: str
    seconds: float
    users: int
    samples: list[Sample]
    warmup_errors: list[Sample]
    sent: int
    stored: int
    mismatched_users: list[str]
    idle_get_ms: list[float]
    log_path: Path
    cpu: tuple[float, float, float]
    """CPU seconds the API process, its turn workers and the load generator used during the timed run."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); nan for no samples."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


class Server:
    """`coach serve` in a subprocess, its output in a log file; stopped on exit from the `with` block."""

    def __init__(self, database_url: str, log_path: Path, *, migrate: bool) -> None:
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.log_path = log_path
        self._database_url = database_url
        self._migrate = migrate
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY") and not k.startswith("COACH_")}
        env |= {
            "COACH_JWT_SECRET": SECRET,
            "COACH_DATABASE_URL": self._database_url,
            "COACH_MODEL": "offline",
            "COACH_CHAT_PER_MINUTE": "1000000",
            "COACH_FREE_MONTHLY_MESSAGES": "1000000",
        }
        coach = Path(sys.executable).parent / "coach"
        command = [str(coach), "serve", "--host", HOST, "--port", str(self.port)]
        if self._migrate:
            command.append("--migrate")
        log = self.log_path.open("wb")
        # A session of its own: Ctrl-C reaches the bench, which stops the server itself.
        self._process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        return self

    def __exit__(self, *exc: object) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def cpu_seconds(self) -> tuple[float, float]:
        """User plus system CPU so far of the API process and of its turn workers (Linux `/proc`; nan elsewhere)."""
        if self._process is None:
            return math.nan, math.nan
        api, workers = math.nan, 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            seconds = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            if stat.parent.name == str(self._process.pid):
                api = seconds
            elif fields[1] == str(self._process.pid):
                workers += seconds  # a child: a turn worker (or multiprocessing's resource tracker, near 0)
        return api, workers

    async def wait_healthy(self, client: httpx2.AsyncClient, within: float = 60) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"the server exited with {self._process.returncode}; see {self.log_path}")
            try:
                if (await client.get(f"{self.base}/health", timeout=2)).status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            await asyncio.sleep(0.2)
        raise RuntimeError(f"the server did not answer /health within {within:.0f} s; see {self.log_path}")


async def request(client: httpx2.AsyncClient, user: User, kind: str, method: str, path: str, **kw: object) -> Sample:
    headers = {"Authorization": f"Bearer {user.token}"}
    started = time.perf_counter()
    try:
        response = await client.request(method, path, headers=headers, timeout=REQUEST_TIMEOUT_S, **kw)  # type: ignore[arg-type]
    except Exception as exc:  # every failure is a recorded error, not a crash
        return Sample(kind, path, (time.perf_counter() - started) * 1000, 0, f"{type(exc).__name__}: {exc}")
    ms = (time.perf_counter() - started) * 1000
    if not 200 <= response.status_code < 300:
        return Sample(kind, path, ms, response.status_code, response.text[:300])
    if kind == "chat":
        user.conversation = response.json()["conversation_id"]
        user.chats_ok += 1
    return Sample(kind, path, ms, response.status_code)


async def chat(client: httpx2.AsyncClient, user: User, message: str) -> Sample:
    body: dict[str, str] = {"message": message}
    if user.conversation:
        body["conversation_id"] = user.conversation
    return await request(client, user, "chat", "POST", "/v1/chat", json=body)


async def user_loop(
    client: httpx2.AsyncClient, user: User, index: int, deadline: float, get_every: int, paths: list[str]
) -> None:
    for n in range(MAX_REQUESTS_PER_USER):
        if time.monotonic() >= deadline:
            return
        if get_every and n % get_every == get_every - 1:
            path = paths[(index + n // get_every) % len(paths)].format(conversation=user.conversation)
            user.samples.append(await request(client, user, "get", "GET", path))
        else:
            user.samples.append(await chat(client, user, QUESTIONS[(index + n) % len(QUESTIONS)]))


async def stored_user_messages(client: httpx2.AsyncClient, user: User) -> int:
    """User messages across all the user's conversations, read through the API."""
    headers = {"Authorization": f"Bearer {user.token}"}
    ids: list[str] = []
    page = 1
    while True:
        response = await client.get(f"/v1/conversations?page={page}&per_page=100", headers=headers, timeout=60)
        response.raise_for_status()
        listing = response.json()
        ids += [item["id"] for item in listing["items"]]
        if len(ids) >= listing["total"] or not listing["items"]:
            break
        page += 1
    count = 0
    for conversation in ids:
        response = await client.get(f"/v1/conversations/{conversation}", headers=headers, timeout=60)
        response.raise_for_status()
        count += sum(1 for message in response.json()["messages"] if message["role"] == "user")
    return count


async def run_backend(backend: str, database_url: str, args: argparse.Namespace, workdir: Path) -> Result:
    log_path = workdir / f"server-{backend.lower()}.log"
    paths = get_paths()
    limits = httpx2.Limits(max_connections=args.users + 10, max_keepalive_connections=args.users + 10)
    with Server(database_url, log_path, migrate=backend == "Postgres") as server:
        async with httpx2.AsyncClient(base_url=server.base, limits=limits, trust_env=False) as client:
            await server.wait_healthy(client)
            run = secrets.token_hex(3)  # fresh users each run: a reused Postgres database keeps old messages
            users = [User(f"bench-{backend.lower()}-{run}-{i:03d}", "") for i in range(args.users)]
            for user in users:
                user.token = mint_token(SECRET, user.name, days=1, tier="pro")
            # Warm-up: one chat per user (creates its conversation), not in the timed figures.
            warmup = await asyncio.gather(*(chat(client, u, QUESTIONS[0]) for u in users))
            warmup_errors = [s for s in warmup if s.status != 200]
            print(f"{backend}: warm-up done ({len(warmup) - len(warmup_errors)}/{len(warmup)} ok), running", flush=True)
            (api_cpu, worker_cpu), client_cpu = server.cpu_seconds(), time.process_time()
            started = time.monotonic()
            deadline = started + args.seconds
            await asyncio.gather(
                *(user_loop(client, u, i, deadline, args.get_every, paths) for i, u in enumerate(users))
            )
            elapsed = time.monotonic() - started
            api_after, workers_after = server.cpu_seconds()
            cpu = (api_after - api_cpu, workers_after - worker_cpu, time.process_time() - client_cpu)
            sent = stored = 0
            mismatched: list[str] = []
            for user in users:
                count = await stored_user_messages(client, user)
                sent += user.chats_ok
                stored += count
                if count != user.chats_ok:
                    mismatched.append(f"{user.name}: sent {user.chats_ok}, stored {count}")
            # The same GETs on the idle server, one at a time (two rounds per user of the list).
            idle: list[float] = []
            for user in users[: max(1, min(len(users), 25))]:
                for path in paths * 2:
                    sample = await request(client, user, "get", "GET", path.format(conversation=user.conversation))
                    if sample.status != 200:
                        warmup_errors.append(sample)
                    idle.append(sample.ms)
    samples = [s for u in users for s in u.samples]
    return Result(backend, elapsed, args.users, samples, warmup_errors, sent, stored, mismatched, idle, log_path, cpu)


def fmt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.1f}"


def report(result: Result) -> bool:
    """Print the result's table and failures; True when it passes."""
    chats = [s for s in result.samples if s.kind == "chat"]
    gets = [s for s in result.samples if s.kind == "get"]
    errors = [s for s in result.samples if s.status == 0 or not 200 <= s.status < 300] + result.warmup_errors
    ok_chats = [s.ms for s in chats if s.status == 200]
    ok_gets = [s.ms for s in gets if 200 <= s.status < 300]
    get_p95 = percentile(ok_gets, 95)

    def trio(values: list[float]) -> str:
        return " / ".join(fmt(percentile(values, p)) for p in (50, 95, 99))

    print(f"\n### {result.backend}: {result.users} users, {result.seconds:.1f} s\n")
    print("| metric | value |")
    print("|---|---|")
    print(f"| chat requests (200) | {len(ok_chats)} |")
    print(f"| chat requests/s | {len(ok_chats) / result.seconds:.1f} |")
    print(f"| chat p50 / p95 / p99 ms | {trio(ok_chats)} |")
    print(f"| non-chat GETs (2xx) | {len(ok_gets)} ({len(ok_gets) / result.seconds:.1f}/s) |")
    print(f"| non-chat GET p50 / p95 / p99 ms, under load | {trio(ok_gets)} |")
    print(f"| non-chat GET p50 / p95 / p99 ms, idle, sequential | {trio(result.idle_get_ms)} |")
    print(f"| errors | {len(errors)} |")
    api_cpu, worker_cpu, client_cpu = (c / result.seconds * 100 for c in result.cpu)
    shares = f"{api_cpu:.0f} % / {worker_cpu:.0f} % / {client_cpu:.0f} %"
    print(f"| CPU during the run: API process / turn workers / load generator | {shares} of one core |")
    print(f"| user messages sent (200) / stored | {result.sent} / {result.stored} |")
    by_path: dict[str, list[float]] = {}
    for s in gets:
        key = s.path.split("?")[0]
        key = "/v1/conversations/{id}" if key.startswith("/v1/conversations/") else key
        by_path.setdefault(key, []).append(s.ms)
    print("\n| GET under load | n | p50 / p95 ms |")
    print("|---|---|---|")
    for key, values in sorted(by_path.items()):
        print(f"| `{key}` | {len(values)} | {fmt(percentile(values, 50))} / {fmt(percentile(values, 95))} |")
    for s in errors[:20]:
        print(f"error: {s.kind} {s.path} -> {s.status} after {s.ms:.0f} ms: {s.error}")
    if errors:
        print(f"server log: {result.log_path}")
        lines = result.log_path.read_text(errors="replace").splitlines()
        for line in [ln for ln in lines if "Error" in ln or "locked" in ln or "Traceback" in ln][:20]:
            print(f"  log: {line}")
    for line in result.mismatched_users[:20]:
        print(f"mismatch: {line}")
    failures = []
    if errors:
        failures.append(f"{len(errors)} errors")
    if result.sent != result.stored:
        failures.append(f"stored {result.stored} != sent {result.sent}")
    if ok_gets and not get_p95 < GET_BUDGET_MS:
        failures.append(f"non-chat GET p95 under load {fmt(get_p95)} ms >= {GET_BUDGET_MS:.0f} ms")
    print(f"\n{result.backend}: {'PASS' if not failures else 'FAIL: ' + '; '.join(failures)}")
    return not failures


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent users (default 50)")
    parser.add_argument("--seconds", type=float, default=30, help="timed run per backend (default 30)")
    parser.add_argument(
        "--get-every",
        type=int,
        default=2,
        help="every Nth request is a non-chat GET (0: none; default 2: a chat takes ~2 s under this load and a GET"
        " ~10 ms, so users still chat back to back, and the GET p95 rests on ~600 samples instead of ~150 with 5)",
    )
    parser.add_argument("--postgres", metavar="URL", help="also run on this postgresql+asyncpg:// database")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run (with --postgres)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (kept anyway on failure)")
    args = parser.parse_args()
    if not 1 <= args.users <= 1000 or not 0 < args.seconds <= 600:
        parser.error("--users is 1..1000 and --seconds 0..600")
    if args.postgres and not args.postgres.startswith("postgresql+asyncpg://"):
        parser.error("--postgres takes a postgresql+asyncpg:// URL")
    if args.no_sqlite and not args.postgres:
        parser.error("--no-sqlite needs --postgres")
    return args


def main() -> int:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="api-bench-"))
    backends = [] if args.no_sqlite else [("SQLite", f"sqlite+aiosqlite:///{workdir / 'bench.db'}")]
    if args.postgres:
        backends.append(("Postgres", args.postgres))
    print(f"{args.users} users, {args.seconds:.0f} s per backend, {os.cpu_count()} cores shared by server and client")
    passed = finished = False
    try:
        passed = True
        for backend, url in backends:
            passed = report(asyncio.run(run_backend(backend, url, args, workdir))) and passed
        finished = True
    except KeyboardInterrupt:
        print("interrupted; server stopped")
        return 130
    finally:
        if args.keep or not (finished and passed):
            print(f"kept {workdir} (SQLite file, server logs)")
        else:
            for path in sorted(workdir.rglob("*"), reverse=True):
                path.unlink()
            workdir.rmdir()
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
