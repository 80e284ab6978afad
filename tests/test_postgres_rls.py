"""Row-level security on Postgres: a second wall behind the user_id filters."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from coach.embedder import HashEmbedder
from stores import open_store, schema
from stores.postgres import PostgresStore
from stores.records import FastIn, MealIn, MemoryIn, MessageIn, SetIn, User

pytestmark = [pytest.mark.postgres, pytest.mark.anyio]
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


async def _seed(store: PostgresStore, user_id: str) -> None:
    await store.ensure_user(User(id=user_id, display_name="A"))
    await store.log_sets(user_id, [SetIn(exercise_id="bench-press", reps=5, weight_kg=100, performed_at=NOW)])
    await store.log_meal(user_id, MealIn(eaten_at=NOW, meal_type="lunch", items=("rice",), kcal=500))
    await store.start_fast(user_id, FastIn(protocol="16:8", target_hours=16, started_at=NOW))
    await store.remember(user_id, MemoryIn(text="note", created_at=NOW), HashEmbedder().embed_sync(["note"])[0])
    await store.append_messages(user_id, f"c-{user_id}", [MessageIn(role="user", text="hi", created_at=NOW)])


async def test_every_personal_table_has_forced_rls(postgres_database: str) -> None:
    async with open_store(postgres_database, upgrade=True) as store:
        assert isinstance(store, PostgresStore)
        async with store.engine.connect() as conn:
            rows = await conn.execute(
                sa.text("SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = ANY(:t)"),
                {"t": ["users", *(t.name for t in schema.PERSONAL_TABLES)]},
            )
            flags = {row[0]: (row[1], row[2]) for row in rows}
    assert flags == {name: (True, True) for name in ["users", *(t.name for t in schema.PERSONAL_TABLES)]}


async def test_a_session_without_the_user_setting_sees_no_rows(postgres_database: str, user_id: str) -> None:
    async with open_store(postgres_database, upgrade=True) as store:
        assert isinstance(store, PostgresStore)
        await _seed(store, user_id)
        async with store.engine.connect() as conn:
            for table in ("users", *(t.name for t in schema.PERSONAL_TABLES)):
                count = (await conn.execute(sa.text(f"SELECT count(*) FROM {table}"))).scalar_one()
                assert count == 0, table
            await conn.execute(sa.select(sa.func.set_config("coach.user_id", user_id, True)))
            assert (await conn.execute(sa.text("SELECT count(*) FROM sets"))).scalar_one() == 1
            await conn.execute(sa.select(sa.func.set_config("coach.user_id", "someone-else", True)))
            assert (await conn.execute(sa.text("SELECT count(*) FROM meals"))).scalar_one() == 0


async def test_rls_rejects_writing_rows_for_another_user(postgres_database: str, user_id: str) -> None:
    async with open_store(postgres_database, upgrade=True) as store:
        assert isinstance(store, PostgresStore)
        await store.ensure_user(User(id=user_id, display_name="A"))
        with pytest.raises(sa.exc.DBAPIError, match="row-level security"):
            async with store.engine.begin() as conn:
                await conn.execute(sa.select(sa.func.set_config("coach.user_id", "intruder", True)))
                await conn.execute(
                    schema.meals.insert().values(
                        user_id=user_id,
                        eaten_at=NOW,
                        meal_type="lunch",
                        items=["x"],
                        kcal=1,
                        protein_g=0,
                        carbs_g=0,
                        fat_g=0,
                        fiber_g=0,
                        notes="",
                        search_text="x",
                    )
                )
