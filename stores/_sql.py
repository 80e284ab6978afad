"""The store over SQLAlchemy Core, shared by the SQLite and Postgres backends.

Backends supply three things: how a transaction is scoped to a user, and how memory vectors are
indexed and searched. Everything else is portable SQL, always filtered by `user_id`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from stores import exercises as library
from stores import schema as t
from stores._conversations import ConversationQueries
from stores._pages import PageQueries
from stores._rows import fields, new_id, record
from stores.base import ConflictError, NotFoundError, UnknownExerciseError, Vector
from stores.nutrition import totals_by_day
from stores.records import (
    DayTotals,
    Exercise,
    Fast,
    FastIn,
    FastState,
    LoggedSet,
    Meal,
    MealIn,
    Memory,
    MemoryIn,
    MemoryKind,
    ProgramDraft,
    ProgramVersion,
    Recalled,
    SetIn,
    User,
)


@dataclass
class _Shared:
    """One user's transaction that the store calls inside a `together` block share."""

    store: SqlStore
    user_id: str
    conn: AsyncConnection | None = None
    busy: bool = False
    open: bool = True


_shared: ContextVar[_Shared | None] = ContextVar("coach_store_shared", default=None)


class SqlStore(ConversationQueries, PageQueries):
    """Store methods in portable SQL; see `stores.base.Store` for the contract."""

    dialect_name: ClassVar[str] = ""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._library = {exercise.id: exercise for exercise in library.load_library()}

    # ---- hooks for backends

    async def _scope(self, conn: AsyncConnection, user_id: str) -> None:
        """Mark the transaction as acting for this user (row-level security)."""

    async def _index_memory(self, conn: AsyncConnection, user_id: str, memory_id: int, kind: str, vec: Vector) -> None:
        """Add a memory's vector to the backend's search index."""

    async def _unindex_memories(self, conn: AsyncConnection, user_id: str, ids: Sequence[int]) -> None:
        """Remove vectors from the backend's search index."""

    async def _nearest(
        self, conn: AsyncConnection, user_id: str, vec: Vector, limit: int, kind: str | None
    ) -> list[tuple[int, float]]:
        """(memory id, cosine similarity) of the user's nearest memories, best first."""
        raise NotImplementedError

    @asynccontextmanager
    async def together(self, user_id: str) -> AsyncGenerator[None]:
        """Run this user's store calls inside the block in one transaction on one connection.

        Meant for a request that mostly reads (an API GET): one checkout, BEGIN, user scope and COMMIT instead of
        one per call, which on Postgres saves three round trips a call. Calls for another user or for no user,
        and a call made while another is using the shared connection (concurrent tasks), run on their own as
        usual. It commits when the block ends without an error and rolls back otherwise.
        """
        shared = _Shared(self, user_id)
        _shared.set(shared)
        try:
            yield
            if shared.conn is not None:
                await shared.conn.commit()
        finally:
            shared.open = False
            _shared.set(None)
            if shared.conn is not None:
                await shared.conn.close()  # rolls back what was not committed

    @asynccontextmanager
    async def _tx(self, user_id: str | None = None) -> AsyncGenerator[AsyncConnection]:
        shared = _shared.get()
        if (
            shared is not None
            and shared.open
            and not shared.busy
            and shared.store is self
            and shared.user_id == user_id
        ):
            shared.busy = True
            try:
                if shared.conn is None:
                    conn = await self.engine.connect()
                    await conn.begin()
                    shared.conn = conn
                    await self._scope(conn, shared.user_id)
                yield shared.conn
            finally:
                shared.busy = False
            return
        async with self.engine.begin() as conn:
            if user_id is not None:
                await self._scope(conn, user_id)
            yield conn

    async def seed_exercises(self) -> int:
        """Load library exercises missing from the table; returns how many were added."""
        async with self._tx() as conn:
            have = set((await conn.execute(sa.select(t.exercises.c.id))).scalars())
            rows = [
                {"id": e.id, "name": e.name, "record": e.model_dump(mode="json")}
                for e in self._library.values()
                if e.id not in have
            ]
            if rows:
                await conn.execute(t.exercises.insert(), rows)
            return len(rows)

    async def close(self) -> None:
        """Dispose of the engine's connections."""
        await self.engine.dispose()

    # ---- users

    async def ensure_user(self, user: User) -> User:
        """Create the user if missing; return the stored user."""
        async with self._tx(user.id) as conn:
            if (existing := await self._user(conn, user.id)) is not None:
                return existing
            values = user.model_dump(mode="json")
            await conn.execute(t.users.insert().values(**values, created_at=datetime.now(UTC)))
            return user

    async def _user(self, conn: AsyncConnection, user_id: str) -> User | None:
        row = (await conn.execute(sa.select(t.users).where(t.users.c.id == user_id))).first()
        return None if row is None else User.model_validate({k: v for k, v in fields(row).items() if k != "created_at"})

    async def user(self, user_id: str) -> User | None:
        """The user, or None."""
        async with self._tx(user_id) as conn:
            return await self._user(conn, user_id)

    async def update_user(self, user: User) -> User:
        """Replace the user's profile."""
        async with self._tx(user.id) as conn:
            values = user.model_dump(mode="json", exclude={"id"})
            result = await conn.execute(t.users.update().where(t.users.c.id == user.id).values(**values))
            if result.rowcount == 0:
                raise NotFoundError(f"no user {user.id!r}")
            return user

    async def delete_user(self, user_id: str) -> bool:
        """Erase the user and everything they own, in one transaction."""
        async with self._tx(user_id) as conn:
            ids = (await conn.execute(sa.select(t.memories.c.id).where(t.memories.c.user_id == user_id))).scalars()
            await self._unindex_memories(conn, user_id, list(ids))
            for table in t.PERSONAL_TABLES:
                await conn.execute(table.delete().where(table.c.user_id == user_id))
            result = await conn.execute(t.users.delete().where(t.users.c.id == user_id))
            return result.rowcount > 0

    # ---- exercises

    async def exercise(self, exercise_id: str) -> Exercise | None:
        """One exercise by id."""
        return self._library.get(exercise_id)

    async def search_exercises(self, text: str, limit: int = 10) -> list[Exercise]:
        """Exercises matching a name, an alias or an abbreviation, best first."""
        return library.search(tuple(self._library.values()), text, limit)

    # ---- fasting

    async def _active_fast(self, conn: AsyncConnection, user_id: str) -> Fast | None:
        query = sa.select(t.fasts).where(t.fasts.c.user_id == user_id, t.fasts.c.state == "active")
        row = (await conn.execute(query.order_by(t.fasts.c.started_at.desc()).limit(1))).first()
        return None if row is None else record(Fast, row)

    async def active_fast(self, user_id: str) -> Fast | None:
        """The user's running fast, if any."""
        async with self._tx(user_id) as conn:
            return await self._active_fast(conn, user_id)

    async def start_fast(self, user_id: str, fast: FastIn) -> Fast:
        """Start a fast; ConflictError if one is already running."""
        async with self._tx(user_id) as conn:
            if fast.state == "active" and await self._active_fast(conn, user_id) is not None:
                raise ConflictError("a fast is already running; end it before starting another")
            result = await conn.execute(t.fasts.insert().values(user_id=user_id, **fast.model_dump()))
            return Fast(id=new_id(result), **fast.model_dump())

    async def end_fast(self, user_id: str, at: datetime, state: FastState = "completed") -> Fast:
        """End the running fast; NotFoundError if there is none."""
        async with self._tx(user_id) as conn:
            active = await self._active_fast(conn, user_id)
            if active is None:
                raise NotFoundError("there is no running fast to end")
            ended = Fast.model_validate({**active.model_dump(), "ended_at": at, "state": state})
            await conn.execute(t.fasts.update().where(t.fasts.c.id == active.id).values(ended_at=at, state=state))
            return ended

    async def fasts_between(self, user_id: str, start: datetime, end: datetime) -> list[Fast]:
        """Fasts started in [start, end), oldest first."""
        c = t.fasts.c
        query = sa.select(t.fasts).where(c.user_id == user_id, c.started_at >= start, c.started_at < end)
        async with self._tx(user_id) as conn:
            return [record(Fast, row) for row in await conn.execute(query.order_by(c.started_at))]

    # ---- training

    async def log_sets(self, user_id: str, sets: Sequence[SetIn]) -> list[LoggedSet]:
        """Log sets as one workout; UnknownExerciseError writes nothing."""
        for s in sets:
            if s.exercise_id not in self._library:
                names = library.suggest(tuple(self._library.values()), s.exercise_id)
                raise UnknownExerciseError(s.exercise_id, names)
        if not sets:
            return []
        async with self._tx(user_id) as conn:
            started = min(s.performed_at for s in sets)
            workout = await conn.execute(t.workouts.insert().values(user_id=user_id, started_at=started))
            workout_id = new_id(workout)
            rows = [{"user_id": user_id, "workout_id": workout_id, **s.model_dump()} for s in sets]
            await conn.execute(t.sets.insert(), rows)
            # The workout is this call's own, so its ids in insertion order are exactly the rows just written.
            ids = await conn.execute(
                sa.select(t.sets.c.id).where(t.sets.c.workout_id == workout_id).order_by(t.sets.c.id)
            )
            return [
                LoggedSet(id=i, workout_id=workout_id, **s.model_dump())
                for i, s in zip(ids.scalars(), sets, strict=True)
            ]

    async def sets_between(self, user_id: str, start: datetime, end: datetime) -> list[LoggedSet]:
        """Sets performed in [start, end), oldest first."""
        c = t.sets.c
        query = (
            sa.select(t.sets)
            .where(c.user_id == user_id, c.performed_at >= start, c.performed_at < end)
            .order_by(c.performed_at, c.id)
        )
        async with self._tx(user_id) as conn:
            return [record(LoggedSet, row) for row in await conn.execute(query)]

    # ---- nutrition

    async def log_meal(self, user_id: str, meal: MealIn) -> Meal:
        """Log one meal."""
        search_text = " ".join((*meal.items, meal.notes)).lower()
        async with self._tx(user_id) as conn:
            values = meal.model_dump(mode="json") | {"eaten_at": meal.eaten_at}
            result = await conn.execute(t.meals.insert().values(user_id=user_id, search_text=search_text, **values))
            return Meal(id=new_id(result), **meal.model_dump())

    async def _meals(self, user_id: str, query: sa.Select[Any]) -> list[Meal]:
        async with self._tx(user_id) as conn:
            return [record(Meal, row) for row in await conn.execute(query)]

    async def meals_between(self, user_id: str, start: datetime, end: datetime) -> list[Meal]:
        """Meals eaten in [start, end), oldest first."""
        c = t.meals.c
        where = (c.user_id == user_id, c.eaten_at >= start, c.eaten_at < end)
        return await self._meals(user_id, sa.select(t.meals).where(*where).order_by(c.eaten_at, c.id))

    async def search_meals(self, user_id: str, text: str, limit: int = 20) -> list[Meal]:
        """Meals whose items or notes contain the text, newest first."""
        c = t.meals.c
        where = (c.user_id == user_id, c.search_text.contains(text.strip().lower(), autoescape=True))
        return await self._meals(user_id, sa.select(t.meals).where(*where).order_by(c.eaten_at.desc()).limit(limit))

    async def daily_totals(self, user_id: str, first: date, last: date) -> list[DayTotals]:
        """Per-day nutrition totals from first to last inclusive, days in the user's timezone."""
        user = await self.user(user_id)
        zone = ZoneInfo(user.timezone if user else "UTC")
        start = datetime.combine(first, time(), zone)
        end = datetime.combine(last + timedelta(days=1), time(), zone)
        return totals_by_day(await self.meals_between(user_id, start, end), first, last, zone)

    # ---- program

    def _version(self, row: sa.Row[Any]) -> ProgramVersion:
        m = fields(row)
        return ProgramVersion.model_validate(
            {**m["body"], "id": m["id"], "program_id": m["program_id"], "number": m["number"]}
            | {"parent_id": m["parent_id"], "created_at": m["created_at"]}
        )

    async def program(self, user_id: str) -> ProgramVersion | None:
        """The user's current program version."""
        v, p = t.program_versions, t.programs
        query = sa.select(v).join(p, p.c.current_version_id == v.c.id).where(p.c.user_id == user_id)
        async with self._tx(user_id) as conn:
            row = (await conn.execute(query.where(v.c.user_id == user_id))).first()
            return None if row is None else self._version(row)

    async def program_versions(self, user_id: str) -> list[ProgramVersion]:
        """Every version of the user's program, oldest first."""
        v = t.program_versions
        async with self._tx(user_id) as conn:
            rows = await conn.execute(sa.select(v).where(v.c.user_id == user_id).order_by(v.c.number))
            return [self._version(row) for row in rows]

    async def _program_id(self, conn: AsyncConnection, user_id: str) -> int:
        p = t.programs
        found = (await conn.execute(sa.select(p.c.id).where(p.c.user_id == user_id))).scalar()
        if found is not None:
            return found
        return new_id(await conn.execute(p.insert().values(user_id=user_id)))

    async def save_program_version(
        self, user_id: str, draft: ProgramDraft, parent_id: int | None = None
    ) -> ProgramVersion:
        """Store a new immutable version and make it current."""
        v = t.program_versions
        async with self._tx(user_id) as conn:
            program_id = await self._program_id(conn, user_id)
            if parent_id is not None:
                owned = sa.select(v.c.id).where(v.c.id == parent_id, v.c.user_id == user_id)
                if (await conn.execute(owned)).first() is None:
                    raise NotFoundError(f"no program version {parent_id}")
            last = (await conn.execute(sa.select(sa.func.max(v.c.number)).where(v.c.user_id == user_id))).scalar()
            values = {"user_id": user_id, "program_id": program_id, "number": (last or 0) + 1, "parent_id": parent_id}
            values |= {"body": draft.model_dump(mode="json"), "created_at": datetime.now(UTC)}
            version_id = new_id(await conn.execute(v.insert().values(**values)))
            await conn.execute(
                t.programs.update().where(t.programs.c.id == program_id).values(current_version_id=version_id)
            )
            row = (await conn.execute(sa.select(v).where(v.c.id == version_id))).one()
            return self._version(row)

    async def activate_program_version(self, user_id: str, version_id: int) -> ProgramVersion:
        """Make an existing version current again (undo)."""
        v = t.program_versions
        async with self._tx(user_id) as conn:
            row = (await conn.execute(sa.select(v).where(v.c.id == version_id, v.c.user_id == user_id))).first()
            if row is None:
                raise NotFoundError(f"no program version {version_id}")
            programs = t.programs.update().where(t.programs.c.user_id == user_id)
            await conn.execute(programs.values(current_version_id=version_id))
            return self._version(row)

    # ---- memory

    async def remember(self, user_id: str, memory: MemoryIn, embedding: Vector) -> Memory:
        """Store a memory with its embedding."""
        async with self._tx(user_id) as conn:
            values = memory.model_dump() | {"user_id": user_id, "embedding": embedding}
            memory_id = new_id(await conn.execute(t.memories.insert().values(**values)))
            await self._index_memory(conn, user_id, memory_id, memory.kind, embedding)
            return Memory(id=memory_id, **memory.model_dump())

    async def recall(
        self, user_id: str, embedding: Vector, limit: int = 5, kind: MemoryKind | None = None
    ) -> list[Recalled]:
        """The user's memories nearest the embedding, best first."""
        m = t.memories.c
        async with self._tx(user_id) as conn:
            hits = await self._nearest(conn, user_id, embedding, limit, kind)
            if not hits:
                return []
            query = sa.select(m.id, m.text, m.kind, m.created_at).where(
                m.user_id == user_id, m.id.in_([memory_id for memory_id, _ in hits])
            )
            rows = {row.id: row for row in await conn.execute(query)}
        return [Recalled(memory=record(Memory, rows[i]), score=round(s, 6)) for i, s in hits if i in rows]

    async def memories(self, user_id: str, limit: int = 50, offset: int = 0) -> list[Memory]:
        """The user's memories, newest first."""
        m = t.memories.c
        query = sa.select(m.id, m.text, m.kind, m.created_at).where(m.user_id == user_id)
        async with self._tx(user_id) as conn:
            rows = await conn.execute(query.order_by(m.created_at.desc(), m.id.desc()).limit(limit).offset(offset))
            return [record(Memory, row) for row in rows]

    async def forget(self, user_id: str, memory_id: int) -> bool:
        """Delete one memory; False if the user has no such memory."""
        m = t.memories
        async with self._tx(user_id) as conn:
            result = await conn.execute(m.delete().where(m.c.id == memory_id, m.c.user_id == user_id))
            if result.rowcount:
                await self._unindex_memories(conn, user_id, [memory_id])
            return result.rowcount > 0
