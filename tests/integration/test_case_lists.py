"""Case lists paged by cursor against a real PostgreSQL: walking every page visits every matching case
exactly once, in the documented order, also where many cases share a sort key; the overdue list puts the
most overdue first; a list stays inside its kommune and units."""

from __future__ import annotations

import json
import shlex
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from casework import operations
from cli import main as cli
from domain.errors import InvalidInput
from domain.vocabulary import Phase
from store.accounts import AccountStore, Unit
from store.register import CaseRegister
from tests.read_model import AT, save

NOW = AT


async def walk(register: CaseRegister, limit: int, **filters: Any) -> tuple[list[str], int]:
    """Every page of a list, following next_cursor: the case ids in order, and the number of pages."""
    ids: list[str] = []
    cursor, pages = None, 0
    while True:
        page = await operations.list_cases(register, now=NOW, cursor=cursor, limit=limit, **filters)
        pages += 1
        ids += [row["case_id"] for row in page.rows]
        if page.next_cursor is None:
            return ids, pages
        assert len(page.rows) == limit  # only a full page promises more
        cursor = page.next_cursor



async def test_every_page_of_the_default_list_latest_received_first_each_case_once(register: CaseRegister):
    # 23 cases on three days: most share their sort key with others, so only case_id orders them.
    days = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 10, 1)]
    received = {await save(register, received=days[i % 3], phase=Phase.CLOSED if i % 5 == 0 else Phase.GENVURDERING): days[i % 3]
                for i in range(23)}

    ids, pages = await walk(register, 4, kommune="0101")

    assert ids == sorted(received, key=lambda c: (received[c], c), reverse=True)
    assert pages == 6  # 4+4+4+4+4+3


async def test_a_worklist_next_deadline_first_without_a_deadline_last(register: CaseRegister):
    deadlines = [NOW + timedelta(days=3), NOW - timedelta(days=2), None, NOW + timedelta(days=3)]
    due = {await save(register, next_deadline_at=deadlines[i % 4]): deadlines[i % 4] for i in range(18)}
    await save(register, phase=Phase.WITHDRAWN, next_deadline_at=NOW - timedelta(days=30))  # closed: not listed

    ids, _ = await walk(register, 5, kommune="0101", assignee="sb-ydelse", units=["ydelse"], by_deadline=True)

    last = datetime.max.replace(tzinfo=NOW.tzinfo)
    assert ids == sorted(due, key=lambda c: (due[c] or last, c))
    assert ids[-1] in {c for c, d in due.items() if d is None}


async def test_the_overdue_list_puts_the_oldest_deadline_first(register: CaseRegister):
    most = await save(register, next_deadline_at=NOW - timedelta(days=40), overdue=True)
    past_unflagged = await save(register, next_deadline_at=NOW - timedelta(days=3))  # the worker had not flagged it
    flagged_later = await save(register, next_deadline_at=NOW + timedelta(days=5), overdue=True)  # e.g. during aktindsigt
    flagged_none = await save(register, next_deadline_at=None, overdue=True)
    tied = sorted([await save(register, next_deadline_at=NOW - timedelta(days=10)) for _ in range(3)])
    await save(register, next_deadline_at=NOW + timedelta(days=1))  # not yet due
    await save(register, phase=Phase.CLOSED, next_deadline_at=NOW - timedelta(days=90), overdue=True)

    expected = [most, *tied, past_unflagged, flagged_later, flagged_none]
    for scope in ({}, {"units": ["ydelse"]}):
        assert (await walk(register, 2, kommune="0101", overdue=True, **scope))[0] == expected
        assert (await walk(register, 100, kommune="0101", overdue=True, **scope))[0] == expected


async def test_the_stuck_list_puts_the_longest_silence_first(register: CaseRegister):
    silent = {}
    for i in range(12):
        last_step = NOW - timedelta(days=20 + i % 4)
        silent[await save(register, last_step_at=last_step)] = last_step
    await save(register, last_step_at=NOW - timedelta(days=2))  # stepped recently: not stuck
    await save(register, phase=Phase.CLOSED, last_step_at=NOW - timedelta(days=200))

    ids, _ = await walk(register, 5, kommune="0101", units=["ydelse"], stuck_days=14)

    assert ids == sorted(silent, key=lambda c: (silent[c], c))


async def test_a_leders_units_are_merged_into_one_order(register: CaseRegister):
    deadline = {}
    for i in range(15):
        unit = ("ydelse", "handicap", "ydelse")[i % 3]
        at = NOW + timedelta(days=i % 5)
        deadline[await save(register, unit=unit, assignee=None, next_deadline_at=at)] = at
    await save(register, unit="job", next_deadline_at=NOW)  # another unit

    ids, _ = await walk(register, 4, kommune="0101", units=["handicap", "ydelse", "ydelse"], by_deadline=True)

    assert ids == sorted(deadline, key=lambda c: (deadline[c], c))


async def test_a_list_never_shows_another_kommunes_cases(register: CaseRegister):
    own = {await save(register) for _ in range(4)}
    # The other kommune's cases carry the same unit and assignee: only the kommune tells them apart.
    for _ in range(4):
        await save(register, kommune="0202")

    for filters in ({"units": ["ydelse"]}, {"assignee": "sb-ydelse", "units": ["ydelse"], "by_deadline": True},
                    {"overdue": True}, {"stuck_days": 1}, {}):
        ids, _ = await walk(register, 3, kommune="0101", **filters)
        assert set(ids) <= own, filters
    assert len((await walk(register, 3, kommune=None))[0]) == 8  # a tool's view over every kommune


async def test_a_full_last_page_says_there_is_no_more(register: CaseRegister):
    for _ in range(6):
        await save(register)

    first = await operations.list_cases(register, kommune="0101", limit=3)
    second = await operations.list_cases(register, kommune="0101", limit=3, cursor=first.next_cursor)

    assert first.next_cursor is not None and len(second.rows) == 3 and second.next_cursor is None


async def test_a_cursor_continues_only_the_order_it_came_from(register: CaseRegister):
    for _ in range(3):
        await save(register)
    newest = await operations.list_cases(register, kommune="0101", limit=1)

    with pytest.raises(InvalidInput, match="cursor"):
        await operations.list_cases(register, kommune="0101", by_deadline=True, cursor=newest.next_cursor)
    with pytest.raises(InvalidInput, match="cursor"):
        await operations.list_cases(register, kommune="0101", cursor="bm90LWEtY3Vyc29y")
    with pytest.raises(InvalidInput, match="limit"):
        await operations.list_cases(register, kommune="0101", limit=501)


# --- the CLI: `klagesag cases` prints the command for the next page ------------------------------------------


@pytest.fixture
async def five_cases(register: CaseRegister, database_url: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("KLAGESAG_DATABASE_URL", database_url)
    monkeypatch.setenv("KLAGESAG_KOMMUNE", "0101")
    ids = [await save(register, received=date(2026, 11, 1 + i)) for i in range(5)]
    await save(register, kommune="0202")  # another kommune's: never in 0101's list
    return ids[::-1]  # latest received first


def test_the_cli_walks_every_page_by_the_command_it_prints(five_cases: list[str], capsys: pytest.CaptureFixture[str]):
    argv, seen, pages = ["cases", "--limit", "2"], [], 0
    while argv:
        assert cli.main(argv) == 0
        lines = capsys.readouterr().out.splitlines()
        pages += 1
        more = [line for line in lines if line.startswith("Flere sager: ")]
        seen += [line.split(" · ")[0] for line in lines if line not in more]
        argv = shlex.split(more[0].removeprefix("Flere sager: "))[1:] if more else []
        assert not more or argv[:3] == ["cases", "--limit", "2"]

    assert seen == five_cases and pages == 3


def test_the_cli_json_carries_the_cursor_and_a_bad_one_is_refused(five_cases: list[str], capsys: pytest.CaptureFixture[str]):
    assert cli.main(["cases", "--limit", "4", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert [row["case_id"] for row in first["items"]] == five_cases[:4] and first["next_cursor"]
    assert cli.main(["cases", "--limit", "4", "--after", first["next_cursor"], "--json"]) == 0
    last = json.loads(capsys.readouterr().out)
    assert [row["case_id"] for row in last["items"]] == five_cases[4:] and last["next_cursor"] is None

    assert cli.main(["cases", "--after", "not-a-cursor"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("klagesag: refused: cursor: ") and len(err.splitlines()) == 1



# --- the daily digest is a list too ---------------------------------------------------------------------------


async def test_the_daily_digest_lists_only_the_recipients_kommune(register: CaseRegister, database_url: str):
    accounts = await AccountStore.connect(database_url, max_size=1)
    try:
        await accounts.upsert_unit(Unit("ydelse", "Ydelser", "0101", "SOF"))
        await accounts.create_user(username="sb-ydelse", display_name="Sagsbehandler", roles=["sagsbehandler"],
                                   kommune="0101", units=["ydelse"])  # fmt: skip
        await accounts.create_user(username="leder", display_name="Leder", roles=["leder"], kommune="0101", units=["ydelse"])
    finally:
        await accounts.close()
    own = await save(register)
    await save(register, kommune="0202")  # the same unit and caseworker names in another kommune

    recipients = await register.digest_recipients()

    assert [(r.username, r.kommune) for r in recipients] == [("leder", "0101"), ("sb-ydelse", "0101")]
    for recipient in recipients:
        assert [row["case_id"] for row in await register.digest_cases(recipient)] == [own], recipient.username
