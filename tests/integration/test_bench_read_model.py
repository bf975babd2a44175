"""The read-model benchmark at a small size, for correctness only (never its timings): its synthetic cases
load, and on them every list of klagesag, walked page by page, gives each case once, in the order the
plain query gives."""

from __future__ import annotations

from datetime import datetime, timezone

import asyncpg

from bench import read_model
from store.register import CaseRegister

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
PAGE = 5  # small, so every list spans many pages


async def test_every_list_of_the_bench_data_pages_each_case_once_in_order(database_url: str, register: CaseRegister):
    stored = await read_model.load(database_url, read_model.Shape(cases=4000, open=1500), NOW, batch=1000)
    assert 3990 <= stored <= 4000  # a case id drawn twice is stored once

    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    try:
        for scenario in read_model.scenarios(NOW):
            walked = await read_model.verify(register, pool, scenario, limit=PAGE)
            assert walked > 2 * PAGE, scenario.name  # the list spans pages, or the check shows little
    finally:
        await pool.close()
