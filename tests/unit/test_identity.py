"""domain.identity: CPR numbers are checked without leaking them, and case ids are stable keyed hashes."""

from __future__ import annotations

import re

import pytest

from domain.identity import CASE_ID, InvalidCpr, case_id_for, normalise_cpr

KEY = "test-key"
CPR = "010190-1234"


def case_id(**overrides: str) -> str:
    args = {"kommune": "0101", "decision_ref": "AFG-7781", "cpr": CPR, "key": KEY} | overrides
    return case_id_for(**args)


def invalid(raw: str) -> InvalidCpr:
    with pytest.raises(InvalidCpr) as info:
        normalise_cpr(raw)
    return info.value


# --- normalise_cpr ------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["010190-1234", "0101901234", "  010190-1234\n"])
def test_both_spellings_normalise_to_ten_digits(raw: str) -> None:
    assert normalise_cpr(raw) == "0101901234"


@pytest.mark.parametrize(
    "raw",
    [
        "290200-4001",  # 7th digit 4, year 00 → 2000 (leap)
        "290200-5001",  # 7th digit 5-8, year 00 → 2000
        "290200-9001",  # 7th digit 9, year 00 → 2000
        "290296-0001",  # 7th digit 0-3 → 1996 (leap)
        "290204-2001",  # 1904 (leap)
    ],
)
def test_29_february_in_a_leap_year_by_the_century_rule_is_valid(raw: str) -> None:
    assert normalise_cpr(raw) == raw.replace("-", "")


@pytest.mark.parametrize(
    "raw",
    [
        "290200-0001",  # 7th digit 0-3 → 1900, not a leap year
        "290200-3001",  # 1900
        "290201-4001",  # 2001
        "290258-5001",  # 7th digit 5-8 with year 58-99 → 1858
        "290237-4001",  # 7th digit 4 with year 37-99 → 1937
    ],
)
def test_29_february_in_a_non_leap_year_by_the_century_rule_is_invalid(raw: str) -> None:
    assert "not a real date" in str(invalid(raw))


@pytest.mark.parametrize("raw", ["320190-1234", "000190-1234", "011390-1234", "010090-1234", "310490-1234"])
def test_impossible_dates_are_invalid(raw: str) -> None:
    assert "DDMMYY" in str(invalid(raw))


@pytest.mark.parametrize(
    "raw",
    ["", "010190-123", "010190-12345", "01019-1234", "01019012345", "010190--1234", "010190 1234", "0101-901234"],
)
def test_wrong_length_or_layout_is_invalid_and_says_ten_digits(raw: str) -> None:
    assert "ten digits" in str(invalid(raw))


@pytest.mark.parametrize("raw", ["01019O-1234", "010190-12a4", "ABCDEF-GHIJ", "010190-12.4"])
def test_letters_or_symbols_are_invalid(raw: str) -> None:
    assert "ten digits" in str(invalid(raw))


@pytest.mark.parametrize(
    "raw",
    ["290200-0001", "320190-1234", "010190-123", "01019O-1234", "010190-12345", "311390-9876"],
)
def test_error_never_repeats_the_digits_of_the_input(raw: str) -> None:
    error = invalid(raw)
    digits = re.sub(r"\D", "", raw)
    text = f"{error} {error!r} {error.args}"
    for start in range(len(digits) - 3):
        assert digits[start : start + 4] not in text
    # The date error from the stdlib is not chained, so a traceback cannot show the number either.
    assert error.__cause__ is None
    assert error.__suppress_context__ or error.__context__ is None


@pytest.mark.parametrize("raw", ["０１０１９０-１２３４", "٠١٠١٩٠١٢٣٤"])
def test_non_ascii_digits_are_refused_or_normalised_to_ascii(raw: str) -> None:
    try:
        result = normalise_cpr(raw)
    except InvalidCpr:
        return
    assert result == "0101901234"


# --- case_id_for ----------------------------------------------------------------------------------------


def test_case_id_is_stable_for_the_same_inputs() -> None:
    assert case_id() == case_id()


def test_case_id_matches_the_case_id_format() -> None:
    value = case_id()
    assert CASE_ID.match(value)
    assert value.startswith("KS-0101-")


def test_case_id_is_the_same_for_both_cpr_spellings() -> None:
    assert case_id(cpr="010190-1234") == case_id(cpr="0101901234")


@pytest.mark.parametrize("ref", ["afg-7781", "  AFG-7781  ", "Afg-7781\t"])
def test_case_id_ignores_case_and_surrounding_space_of_decision_ref(ref: str) -> None:
    assert case_id(decision_ref=ref) == case_id(decision_ref="AFG-7781")


@pytest.mark.parametrize(
    "override",
    [
        {"cpr": "010190-1235"},
        {"decision_ref": "AFG-7782"},
        {"kommune": "0157"},
        {"key": "another-key"},
    ],
    ids=["cpr", "decision_ref", "kommune", "key"],
)
def test_case_id_differs_when_one_input_differs(override: dict[str, str]) -> None:
    assert case_id(**override) != case_id()


def test_case_id_does_not_contain_the_cpr_number() -> None:
    value = case_id()
    assert "0101901234" not in value
    assert "010190" not in value
    assert "1234" not in value


def test_case_id_refuses_an_invalid_cpr() -> None:
    with pytest.raises(InvalidCpr):
        case_id(cpr="290200-0001")
