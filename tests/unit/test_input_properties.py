"""Properties of what klagesag accepts from people: any filing, any CPR text, any `frist` command line and
any step in any phase is either accepted or refused with the typed error a front end turns into one line
(never a traceback), and a refusal never repeats the CPR number it was given."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from casework.operations import FilingRequest, parse_filing
from domain.errors import Refused as CaseworkError
from cli import main as cli
from domain import rules
from domain.deadlines import aktindsigt_answer_due
from domain.identity import InvalidCpr, normalise_cpr
from domain.models import (
    AktindsigtRequest,
    AnkestyrelsenDecided,
    AnkestyrelsenReceived,
    CaseState,
    ComplaintFiling,
    DecisionComplainedAbout,
    EscalationEntry,
    EscalationRequested,
    Representative,
    Step,
    TimedDeadline,
)
from domain.vocabulary import (
    AnkestyrelsenOutcome,
    ComplaintChannel,
    ComplaintKind,
    DecisionDelivery,
    EscalationRoute,
    Phase,
    RepresentativeKind,
)

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- building blocks -------------------------------------------------------------------------------------

FIELDS = list(FilingRequest.model_fields)
HUGE_TEXT = st.builds(lambda piece, times: piece * times, st.text(min_size=1, max_size=8), st.integers(1_000, 60_000))
ANY_TEXT = st.one_of(st.text(), st.text(alphabet=string.printable), HUGE_TEXT)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    ANY_TEXT,
    st.binary(max_size=20),
    st.dates(),
    st.datetimes(),
    st.sampled_from(["2024-03-05", "2024-02-30", "0000-01-01", "written", "realitet", "digital_post", "", " "]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)), max_leaves=6)


def _cpr_like() -> st.SearchStrategy[str]:
    digits = st.text(alphabet="0123456789", min_size=4, max_size=6)
    return st.one_of(
        st.from_regex(r"\A[0-3][0-9][01][0-9][0-9]{2}-?[0-9]{4}\Z"),  # mostly well-formed, some unreal dates
        st.builds(lambda a, sep, b: f"{a}{sep}{b}", digits, st.sampled_from(["", "-", " ", "--", "/", "\n"]), digits),
        st.builds(lambda cpr, pad: pad + cpr + pad, st.from_regex(r"\A[0-9]{6}-[0-9]{4}\Z"), st.sampled_from(["", " ", "\t", "x"])),
        st.text(min_size=6, max_size=20),
        st.text(alphabet="０１２３４５６７８９٠١٢٣٤٥٦٧٨٩0123456789-", min_size=10, max_size=11),  # non-ASCII digits
    )


def _valid_filing() -> st.SearchStrategy[dict[str, Any]]:
    """A filing that parses, so the mutations below start from something real."""
    return st.fixed_dictionaries(
        {
            "cpr": st.just("010190-1234"),
            "name": st.text(min_size=1).filter(str.strip),
            "decision_ref": st.text(min_size=1, max_size=60).filter(str.strip),
            "decision_received": st.dates(min_value=date(2016, 1, 1), max_value=date(2034, 1, 1)),
            "received": st.dates(min_value=date(2016, 1, 1), max_value=date(2034, 1, 1)),
            "channel": st.sampled_from([c.value for c in ComplaintChannel]),
            "area": st.text(min_size=1, max_size=100).filter(str.strip),
            "kind": st.sampled_from([k.value for k in ComplaintKind]),
            "text": st.one_of(st.text(min_size=1), HUGE_TEXT).filter(str.strip),
            "actor": st.text(min_size=1, max_size=10).filter(str.strip),
        }
    )


def _mutated_filing() -> st.SearchStrategy[dict[str, Any]]:
    """A valid filing with some fields replaced, dropped or added, and a CPR-like value in `cpr`."""

    def mutate(base: dict[str, Any], cpr: str, replace: dict[str, Any], drop: list[str], extra: dict[str, Any]) -> dict[str, Any]:
        raw = {**base, "cpr": cpr, **replace, **extra}
        for key in drop:
            raw.pop(key, None)
        return raw

    return st.builds(
        mutate,
        _valid_filing(),
        _cpr_like(),
        st.dictionaries(st.sampled_from([f for f in FIELDS if f != "cpr"]), VALUES, max_size=4),
        st.lists(st.sampled_from([f for f in FIELDS if f != "cpr"]), max_size=3),
        st.dictionaries(st.text(max_size=12), VALUES, max_size=2),
    )


def _assert_no_cpr(message: str, cpr: object) -> None:
    if not isinstance(cpr, str):
        return
    digits = "".join(c for c in cpr if c in string.digits)
    # A value without digits holds no CPR number, and may be a word of the message itself ("writte").
    if len(cpr.strip()) >= 6 and digits:
        assert cpr.strip() not in message
    if len(digits) >= 6:
        assert digits not in message
        assert digits[:6] not in message  # not even the birth date


def _parse(raw: Any) -> FilingRequest | None:
    try:
        request = parse_filing(raw)
    except CaseworkError as error:
        message = str(error)
        assert message
        if isinstance(raw, dict):
            _assert_no_cpr(message, raw.get("cpr"))
        return None
    assert isinstance(request, FilingRequest)
    return request


# --- parse_filing --------------------------------------------------------------------------------------


@FAST
@given(raw=_mutated_filing())
def test_parse_filing_accepts_or_refuses_without_repeating_the_cpr(raw: dict[str, Any]) -> None:
    request = _parse(raw)
    if request is not None:
        assert len(request.cpr) == 10 and request.cpr.isascii() and request.cpr.isdigit()


@FAST
@given(raw=st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=10)), VALUES, max_size=12))
def test_parse_filing_with_arbitrary_dicts_only_raises_casework_error(raw: dict[str, Any]) -> None:
    _parse(raw)


@FAST
@given(raw=st.one_of(ANY_TEXT, st.lists(SCALARS, max_size=3), SCALARS))
def test_parse_filing_with_something_that_is_not_a_dict_is_refused(raw: Any) -> None:
    assume(not isinstance(raw, dict))
    with pytest.raises(CaseworkError):
        parse_filing(raw)


@FAST
@given(base=_valid_filing(), cpr=st.from_regex(r"\A[0-9]{6}-[0-9]{4}\Z"))
def test_a_filing_with_a_cpr_of_an_impossible_date_is_refused_without_the_number(base: dict[str, Any], cpr: str) -> None:
    try:
        normalise_cpr(cpr)
    except InvalidCpr:
        with pytest.raises(CaseworkError) as info:
            parse_filing({**base, "cpr": cpr})
        assert str(info.value).startswith("cpr:")
        _assert_no_cpr(str(info.value), cpr)
    else:
        assert parse_filing({**base, "cpr": cpr}).cpr == cpr.replace("-", "")


# --- normalise_cpr -------------------------------------------------------------------------------------


@FAST
@given(raw=st.one_of(_cpr_like(), ANY_TEXT))
@example("010190-1234\n")
@example("٠١٠١٩٠١٢٣٤")
def test_normalise_cpr_returns_ten_ascii_digits_or_raises_invalid_cpr(raw: str) -> None:
    try:
        cpr = normalise_cpr(raw)
    except InvalidCpr as error:
        _assert_no_cpr(str(error), raw)
        return
    assert len(cpr) == 10
    assert all(c in string.digits for c in cpr)
    assert cpr == raw.strip().replace("-", "")


# --- klagesag frist ------------------------------------------------------------------------------------

FRIST_OPTIONS = [
    "--received", "--aktindsigt-requested", "--aktindsigt-answered", "--complaint-received", "--profile", "--json",
    "--rec", "--aktindsigt", "--complaint", "--prof", "--json=1", "--received=2024-03-05", "-", "--", "--x",
]  # fmt: skip
DATE_TOKENS = st.one_of(
    st.dates(min_value=date(2016, 1, 1), max_value=date(2034, 6, 30)).map(date.isoformat),
    st.dates().map(date.isoformat),
    st.dates().map(lambda d: d.strftime("%Y%m%d")),
    st.sampled_from(["2024-02-30", "2024-13-01", "1.3.2024", "2024-W10-2", "9999-12-31", "0001-01-01", "strict", "lenient", "x"]),
)


def _token() -> st.SearchStrategy[str]:
    # No newline in a token here: see test_frist_error_with_a_newline_in_an_argument_is_one_line below.
    plain_text = st.text(alphabet=st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs",)), max_size=15)
    return st.one_of(st.sampled_from(FRIST_OPTIONS), DATE_TOKENS, plain_text)


def _asks_for_help(token: str) -> bool:
    # -h/--help (and argparse's accepted abbreviations --h, --he, --hel) print the usage and exit 0.
    return token.startswith("-h") or (len(token) >= 3 and "--help".startswith(token.split("=")[0]))


def _run_frist(argv: list[str]) -> int:
    try:
        return cli.main(["frist", *argv])
    except SystemExit as exit_:
        assert exit_.code in (0, 2), f"SystemExit({exit_.code!r})"
        return int(exit_.code or 0)


def _check_outcome(code: int, capsys: pytest.CaptureFixture[str]) -> None:
    out, err = capsys.readouterr()
    assert code in (0, 2)
    if code == 0:
        assert err == ""
        assert out
    else:
        assert err.startswith("klagesag:"), err
        assert err.endswith("\n") and err.count("\n") == 1, repr(err)
        assert out == ""


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=st.lists(_token(), max_size=8))
def test_frist_with_random_arguments_exits_0_or_2_with_one_line(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KLAGESAG_CALENDAR_PROFILE", raising=False)
    assume(not any(_asks_for_help(t) for t in argv))
    _check_outcome(_run_frist(argv), capsys)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    received=DATE_TOKENS,
    extra=st.lists(st.tuples(st.sampled_from(FRIST_OPTIONS[1:4]), DATE_TOKENS), max_size=3),
    profile=st.one_of(st.none(), st.sampled_from(["strict", "lenient", "medium"])),
    as_json=st.booleans(),
)
def test_frist_with_well_shaped_arguments_exits_0_or_2_with_one_line(
    received: str,
    extra: list[tuple[str, str]],
    profile: str | None,
    as_json: bool,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KLAGESAG_CALENDAR_PROFILE", raising=False)
    argv = ["--received", received]
    for option, value in extra:
        argv += [option, value]
    if profile is not None:
        argv += ["--profile", profile]
    if as_json:
        argv.append("--json")
    _check_outcome(_run_frist(argv), capsys)


@pytest.mark.parametrize("argv", [["--received", "2024-03-05\n"], ["--received", "2024-03-05", "extra\nline"]])
def test_frist_error_with_a_newline_in_an_argument_is_one_line(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KLAGESAG_CALENDAR_PROFILE", raising=False)
    code = _run_frist(argv)
    assert code == 2
    _check_outcome(code, capsys)


def test_a_refused_case_id_with_a_newline_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    # Refused before any connection is made: check_case_id runs first in cmd_step.
    code = cli.main(["step", "KS-0101-ABC\nDEF", "withdraw", "--actor", "sb01", "--reason", "fortrudt"])
    assert code == 2
    _check_outcome(code, capsys)


# --- domain.rules: every check either passes or raises StepRefused -----------------------------------------

MOMENTS = st.datetimes(min_value=datetime(2016, 1, 1), max_value=datetime(2034, 6, 30), timezones=st.just(UTC))
TEXT = st.one_of(st.text(max_size=30), st.sampled_from(["", " ", "ab", "sb01", "Borgeren ønsker det"]))


@st.composite
def _states(draw: st.DrawFn) -> CaseState:
    received = draw(st.dates(min_value=date(2016, 1, 1), max_value=date(2034, 1, 1)))
    representative = draw(
        st.one_of(st.none(), st.builds(Representative, kind=st.sampled_from(list(RepresentativeKind)), has_fuldmagt=st.booleans()))
    )
    filing = ComplaintFiling(
        case_id="KS-0101-ABCDEFGHIJKLM",
        kommune="0101",
        received=received,
        channel=draw(st.sampled_from(list(ComplaintChannel))),
        kind=draw(st.sampled_from(list(ComplaintKind))),
        area="serviceloven § 83",
        decision=DecisionComplainedAbout(
            reference="AFG-1", received=received - timedelta(days=draw(st.integers(0, 60))), delivery=DecisionDelivery.DIGITAL_POST
        ),
        representative=representative,
        kommune_name="Københavns Kommune",
        actor="intake",
    )
    aktindsigt = []
    for _ in range(draw(st.integers(0, 2))):
        requested = received + timedelta(days=draw(st.integers(0, 30)))
        due = aktindsigt_answer_due(requested)
        answered = draw(st.one_of(st.none(), st.just(requested + timedelta(days=draw(st.integers(0, 20))))))
        aktindsigt.append(
            AktindsigtRequest(
                round=draw(st.integers(1, 3)),
                requested=requested,
                answer_due=TimedDeadline(deadline=due, ends_at=datetime.combine(due.due, datetime.min.time(), UTC)),
                answered=answered,
                interrupts=draw(st.sampled_from(["klagefrist", "genvurdering"])),
            )
        )
    routes = draw(st.lists(st.sampled_from(list(EscalationRoute)), max_size=3))
    escalations = [
        EscalationEntry(key=f"e{i}", route=route, at=draw(MOMENTS), actor="ab", reason="tidligere")
        for i, route in enumerate(routes)
    ]
    return CaseState(
        filing=filing,
        phase=draw(st.sampled_from(list(Phase))),
        standing_confirmed=draw(st.booleans()),
        round=draw(st.integers(1, 4)),
        remand_count=draw(st.integers(0, 3)),
        outcome=draw(st.one_of(st.none(), st.sampled_from([o.value for o in AnkestyrelsenOutcome]), st.sampled_from(["tilbagetrukket", "endelig_afgoerelse", "bevilget_efter_hjemvisning"]))),
        late=draw(st.booleans()),
        aktindsigt=aktindsigt,
        final_decision_at=draw(st.one_of(st.none(), MOMENTS)),
        last_step_at=draw(st.one_of(st.none(), MOMENTS)),
        escalations=escalations,
    )


@st.composite
def _checks(draw: st.DrawFn) -> tuple[str, Any]:
    """One validator with a step of the right type, as a callable of the state."""
    actor, reason = draw(TEXT), draw(TEXT)
    name = draw(
        st.sampled_from(
            [
                "actor_and_reason", "aktindsigt_requested", "aktindsigt_answered", "fuldmagt_received", "genvurdering",
                "ankestyrelsen_received", "ankestyrelsen_outcome", "new_decision", "complaint_received", "withdraw",
                "escalation",
            ]
        )
    )  # fmt: skip
    if name == "actor_and_reason":
        step = Step(actor=actor, reason=reason)
        return name, lambda state: rules.require_actor_and_reason(step)
    if name == "ankestyrelsen_received":
        journal = draw(st.one_of(st.text(max_size=50), st.from_regex(r"\A[0-9]{2}-[0-9]{6}\Z")))
        received_step = AnkestyrelsenReceived(actor=actor, reason=reason, journal_number=journal)
        return name, lambda state: rules.check_ankestyrelsen_received(state, received_step)
    if name == "ankestyrelsen_outcome":
        decided = AnkestyrelsenDecided(actor=actor, reason=reason, outcome=draw(st.sampled_from(list(AnkestyrelsenOutcome))))
        return name, lambda state: rules.check_ankestyrelsen_outcome(state, decided)
    if name == "escalation":
        requested = EscalationRequested(actor=actor, reason=reason, route=draw(st.sampled_from(list(EscalationRoute))))
        now = draw(MOMENTS)
        return name, lambda state: rules.check_escalation(state, requested, now)
    check = getattr(rules, f"check_{name}")
    return name, check


@FAST
@given(state=_states(), named_check=_checks())
def test_every_rule_passes_or_refuses_with_step_refused(state: CaseState, named_check: tuple[str, Any]) -> None:
    name, check = named_check
    try:
        check(state)
    except rules.StepRefused as refused:
        assert str(refused).strip(), name
