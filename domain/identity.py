"""CPR numbers and case ids: the one place personal identifiers are checked and turned into references."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import date

from domain.errors import InvalidInput

_CPR = re.compile(r"^([0-9]{2})([0-9]{2})([0-9]{2})-?([0-9]{4})$")
KOMMUNE_CODE = re.compile(r"^[0-9]{4}$")


class InvalidCpr(InvalidInput):
    """A CPR number that is not ten digits forming a real birth date (CPR-loven § 3)."""


def _century(yy: int, seventh_digit: int) -> int:
    # The 7th digit fixes the century (CPR-kontoret's table): 0-3 → 1900s; 4 and 9 → 2000s up to 36;
    # 5-8 → 2000s up to 57, else 1800s.
    if seventh_digit <= 3:
        return 1900
    if seventh_digit in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


def normalise_cpr(raw: str) -> str:
    """Return the CPR number as DDMMYYSSSS, or raise InvalidCpr saying what is wrong.

    The modulus-11 check is not applied: CPR numbers without it have been issued since 2007.
    The error never repeats the number, so it cannot leak into a log.
    """
    match = _CPR.match(raw.strip())
    if not match:
        raise InvalidCpr("A CPR number has ten digits, written DDMMYY-SSSS or DDMMYYSSSS.")
    dd, mm, yy, serial = match.groups()
    year = _century(int(yy), int(serial[0])) + int(yy)
    try:
        date(year, int(mm), int(dd))
    except ValueError:
        raise InvalidCpr("The first six digits of the CPR number are not a real date (DDMMYY).") from None
    return f"{dd}{mm}{yy}{serial}"


def case_id_for(*, kommune: str, decision_ref: str, cpr: str, key: str) -> str:
    """The case id of a complaint: the same party complaining about the same decision is the same case.

    A keyed hash (HMAC-SHA256), so the id is stable for idempotent filing but the CPR number cannot be
    recovered from it by trying all ~4 million possible numbers.
    """
    if not KOMMUNE_CODE.match(kommune):
        raise ValueError(f"kommune must be a four-digit kommunekode such as 0101, not {kommune!r}")
    message = "\x1f".join((kommune, decision_ref.strip().upper(), normalise_cpr(cpr))).encode()
    digest = hmac.new(key.encode(), message, hashlib.sha256).digest()
    token = base64.b32encode(digest[:8]).decode().rstrip("=")
    return f"KS-{kommune}-{token}"


CASE_ID = re.compile(r"^KS-[0-9]{4}-[A-Z2-7]{13}$")
