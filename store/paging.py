"""Pages of a case list: the orders a list can have, and the opaque cursor that continues one.

Lists are paged by key (keyset pagination), never by offset: a page starts after the sort key and case id
of the last row of the page before, so a deep page costs what the first does, and a case that changes or
arrives between two pages is neither shown twice nor skipped over silently in the rows that did not move.

The cursor is base64url of a small JSON object: the order it belongs to, the last row's sort key and its
case id. It carries no personal data and no filter; the caller sends the same filters again.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import StrEnum
from typing import Any

from domain.errors import InvalidInput
from domain.identity import CASE_ID

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
_MAX_CURSOR_LENGTH = 300  # a real cursor is about 120 characters

class ListOrder(StrEnum):
    """The order of a list, each ending with case_id so that rows with equal keys keep one order."""

    NEWEST = "newest"  # every case: latest received first (received DESC, case_id DESC)
    DEADLINE = "deadline"  # open cases: the deadline that ends first, first; no deadline last
    SILENCE = "silence"  # open cases: the longest without a step first (last_step_at ASC)


@dataclass(frozen=True)
class Cursor:
    order: ListOrder
    key: date | datetime
    case_id: str


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    next_cursor: str | None  # None on the last page


def encode(cursor: Cursor) -> str:
    key = cursor.key
    if isinstance(key, datetime) and key.tzinfo is None:
        key = key.replace(tzinfo=timezone.utc)  # asyncpg gives ±infinity as a naive datetime.max / .min
    raw = json.dumps({"o": cursor.order.value, "k": key.isoformat(), "c": cursor.case_id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def parse(text: str) -> Cursor:
    """A cursor as sent back by a client; InvalidInput naming `cursor` if it is not one klagesag gave."""
    try:
        if len(text) > _MAX_CURSOR_LENGTH:
            raise ValueError("too long")
        data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode())
        if not isinstance(data, dict) or set(data) != {"o", "k", "c"}:
            raise ValueError("not a cursor")
        order, key, case_id = ListOrder(data["o"]), data["k"], data["c"]
        if not isinstance(key, str) or not isinstance(case_id, str) or not CASE_ID.match(case_id):
            raise ValueError("not a cursor")
        return Cursor(order, _key(order, key), case_id)
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(
            "cursor: not a cursor klagesag gave; send the next_cursor of the previous page unchanged, "
            "or leave cursor out for the first page."
        ) from None


def decode(text: str, order: ListOrder) -> Cursor:
    """The cursor of the page before, for a list in `order`: parsed, and refused if it continues another
    order (sent with other filters)."""
    cursor = parse(text)
    if cursor.order != order:
        raise InvalidInput(
            f"cursor: it continues a list in '{cursor.order.value}' order, not this one ('{order.value}'); "
            "send the same filters as for the previous page."
        )
    return cursor


def _key(order: ListOrder, text: str) -> date | datetime:
    if order == ListOrder.NEWEST:
        return date.fromisoformat(text)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a moment without a time zone")
    return moment.astimezone(timezone.utc)  # OverflowError at the ends of the calendar


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit: give a page size from 1 to {MAX_LIMIT}; {limit} is outside.")
    return limit
