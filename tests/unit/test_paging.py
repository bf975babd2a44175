"""The cursor of a paged list: what klagesag gives comes back as it was; anything else is refused with an
error naming `cursor`, never taken for a position in the list."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime, timezone

import pytest

from domain.errors import InvalidInput
from store import paging
from store.paging import Cursor, ListOrder

CASE = "KS-0101-ABCDEFGHIJKLM"


def raw(data: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        Cursor(ListOrder.NEWEST, date(2026, 11, 2), CASE),
        Cursor(ListOrder.DEADLINE, datetime(2026, 12, 1, 22, 59, 59, tzinfo=timezone.utc), CASE),
        Cursor(ListOrder.SILENCE, datetime(2026, 1, 1, tzinfo=timezone.utc), CASE),
    ],
)
def test_a_cursor_comes_back_as_it_was_given(cursor: Cursor):
    text = paging.encode(cursor)
    assert text.isascii() and "=" not in text and "/" not in text and "+" not in text
    assert paging.decode(text, cursor.order) == cursor


def test_the_infinity_asyncpg_gives_for_no_deadline_survives_the_round_trip():
    text = paging.encode(Cursor(ListOrder.DEADLINE, datetime.max, CASE))  # naive, as asyncpg gives it
    assert paging.decode(text, ListOrder.DEADLINE).key == datetime.max.replace(tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "!!!",
        "bm90IGpzb24",  # "not json"
        raw(["newest", "2026-11-02", CASE]),
        raw({"o": "newest", "k": "2026-11-02"}),
        raw({"o": "newest", "k": "2026-11-02", "c": CASE, "x": 1}),
        raw({"o": "oldest", "k": "2026-11-02", "c": CASE}),
        raw({"o": "newest", "k": "2026-13-02", "c": CASE}),
        raw({"o": "newest", "k": 20261102, "c": CASE}),
        raw({"o": "newest", "k": "2026-11-02", "c": "KS-0101-x' OR 1=1"}),
        raw({"o": "deadline", "k": "2026-12-01T10:00:00", "c": CASE}),  # no time zone
        raw({"o": "deadline", "k": "9999-12-31T23:59:59-05:00", "c": CASE}),  # past the end of the calendar
        raw({"o": "newest", "k": "2026-11-02", "c": CASE}) + "A" * 300,
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_anything_else_is_refused_naming_the_cursor(text: str):
    for order in ListOrder:
        with pytest.raises(InvalidInput, match="^cursor: not a cursor klagesag gave"):
            paging.decode(text, order)


def test_a_cursor_of_another_order_is_refused():
    text = paging.encode(Cursor(ListOrder.NEWEST, date(2026, 11, 2), CASE))
    with pytest.raises(InvalidInput, match="^cursor: .*'newest'"):
        paging.decode(text, ListOrder.SILENCE)


@pytest.mark.parametrize("limit", [0, -1, paging.MAX_LIMIT + 1])
def test_a_page_size_outside_the_bounds_is_refused(limit: int):
    with pytest.raises(InvalidInput, match="^limit: "):
        paging.check_limit(limit)

