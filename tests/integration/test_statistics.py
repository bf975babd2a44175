"""The statistics against a real PostgreSQL: complaints of two kommuner, several units and every outcome
are saved through CaseRegister.save_case_view (which writes their facts), and the report must give the
figures counted by hand below, for the kommune asked about only, with no personal data in it.

The complaints (kommune 0101, period 2025; "now" is 2026-01-05):

    A  realitet  ydelse    written  aktivloven § 81     genvurdering fuldt medhold 02-20
    B  realitet  ydelse    digital  serviceloven § 83   aktindsigt answered in time, fastholdt, stadfæstet 08-01
    C  realitet  handicap  oral     serviceloven § 41   delvist medhold, hjemvist 05-01, new round, genvurdering
                                                        late (warning), fastholdt, hjemvist again 10-01: open
    D  realitet  handicap  written  barnets lov § 86    fastholdt, afvist 06-01
    E  realitet  ydelse    written  pensionsloven § 14  fastholdt, withdrawn at Ankestyrelsen 07-01 (bortfaldet)
    F  formalitet (no unit) oral    free text naming a person   withdrawn 06-05 before the genvurdering
    G  realitet  ydelse    written  serviceloven § 83   fastholdt, ændret 09-01; the citizen's data erased
    H  realitet  ydelse    written  serviceloven § 83   aktindsigt unanswered past its due date 12-11: open, overdue
    L  realitet  ydelse    digital  serviceloven § 83   the 4 weeks passed 11-29 without a genvurdering: open, overdue
    I  realitet, received 2024: ophævet 2025-01-15 (counts among 2025's decisions, not its complaints)
    J  formalitet, received 2024
    K  kommune 0202: must not appear in 0101's figures
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import asyncpg
import pytest

from casework.statistics import statistics_report
from domain import stats
from domain.stats import Targets
from store.register import CaseRegister, PartyRecord
from tests.statistics_views import Story

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
SEED_TARGETS = Targets(realitet=-3.0, formalitet=-10.0)
PERSONAL = {"name": "Karen Testborger", "cpr": "0101901234", "text": "Jeg klager over afgørelsen om hjemmehjælp"}
FREE_TEXT_AREA = "Klage over sagsbehandlingstiden hos Hansen"


def d(month: int, day: int, year: int = 2025) -> date:
    return date(year, month, day)


def complaints() -> dict[str, Story]:
    s = {
        "A": Story("K-A", d(2, 3), area="aktivloven § 81").genvurdering("fuldt_medhold", d(2, 20)),
        "B": Story("K-B", d(3, 3), channel="digital")
        .aktindsigt_requested(d(3, 5), due=d(3, 14)).aktindsigt_answered(d(3, 12))
        .genvurdering("fastholdt", d(3, 28)).at_ankestyrelsen(d(4, 2)).ankestyrelsen("stadfaestet", d(8, 1)),
        "C": Story("K-C", d(1, 10), unit="handicap", channel="oral", area="serviceloven § 41")
        .genvurdering("delvist_medhold", d(2, 1)).at_ankestyrelsen(d(2, 5)).ankestyrelsen("hjemvist", d(5, 1))
        .new_decision("afslag", d(6, 1)).complaint_again(d(6, 10)).genvurdering_overdue(d(7, 8))
        .genvurdering("fastholdt", d(7, 15)).at_ankestyrelsen(d(7, 20)).ankestyrelsen("hjemvist", d(10, 1)),
        "D": Story("K-D", d(4, 1), unit="handicap", area="Barnets lov § 86")
        .genvurdering("fastholdt", d(4, 20)).at_ankestyrelsen(d(4, 25)).ankestyrelsen("afvist", d(6, 1)),
        "E": Story("K-E", d(5, 5), area="lov om social pension § 14")
        .genvurdering("fastholdt", d(5, 20)).at_ankestyrelsen(d(5, 25)).withdraw(d(7, 1)),
        "F": Story("K-F", d(6, 2), unit=None, kind="formalitet", channel="oral", area=FREE_TEXT_AREA).withdraw(d(6, 5)),
        "G": Story("K-G", d(2, 10), area="serviceloven § 83")
        .genvurdering("fastholdt", d(3, 1)).at_ankestyrelsen(d(3, 5)).ankestyrelsen("aendret", d(9, 1)),
        "H": Story("K-H", d(12, 1)).aktindsigt_requested(d(12, 2), due=d(12, 11)).aktindsigt_overdue(d(12, 11)),
        "L": Story("K-L", d(11, 1), channel="digital").genvurdering_overdue(d(11, 29)),
        "I": Story("K-I", d(11, 1, 2024))
        .genvurdering("fastholdt", d(11, 20, 2024)).at_ankestyrelsen(d(11, 25, 2024)).ankestyrelsen("ophaevet", d(1, 15)),
        "J": Story("K-J", d(3, 1, 2024), kind="formalitet").withdraw(d(3, 10, 2024)),
        "K": Story("K-K", d(3, 1), kommune="0202")
        .genvurdering("fastholdt", d(3, 20)).at_ankestyrelsen(d(3, 25)).ankestyrelsen("hjemvist", d(6, 1)),
    }
    return s


async def save_all(register: CaseRegister) -> None:
    for story in complaints().values():
        assert await register.save_case_view(story.view())
    await register.save_party(
        "K-G", PartyRecord(cpr=PERSONAL["cpr"], name=PERSONAL["name"], representative_name=None,
                           complaint_text=PERSONAL["text"], late_reason=None),
    )  # fmt: skip
    await register.erase_party("K-G", actor="leder", reason="Opbevaringsperioden er udløbet")


async def year(register: CaseRegister, kommune: str = "0101", unit: str | None = None) -> dict:
    return await statistics_report(
        register, kommune=kommune, unit=unit, start=d(1, 1), end=d(12, 31), targets=SEED_TARGETS, now=NOW
    )


def rows(report: dict, key: str) -> dict[str, tuple[int, int]]:
    return {row["key"]: (row["realitet"], row["formalitet"]) for row in report[key]}


async def test_complaints_received_and_the_change_against_the_year_before(register: CaseRegister):
    await save_all(register)
    r = await year(register)
    assert (r["received"], r["realitet"], r["formalitet"]) == (9, 8, 1)
    assert r["previous_year"] == {"from": "2024-01-01", "to": "2024-12-31", "received": 2, "realitet": 1, "formalitet": 1}
    assert r["change_percent"] == {"received": 350.0, "realitet": 700.0, "formalitet": 0.0}
    assert r["targets"]["realitet"] == {"target_percent": -3.0, "change_percent": 700.0, "met": False}
    assert r["targets"]["formalitet"] == {"target_percent": -10.0, "change_percent": 0.0, "met": False}
    assert (r["withdrawn"], r["still_open"]) == (2, 3)


async def test_distributions_by_klaget_til_unit_law_paragraph_and_channel(register: CaseRegister):
    await save_all(register)
    r = await year(register)
    assert rows(r, "by_klaget_til") == {"ikke_registreret": (8, 1)}
    assert rows(r, "by_unit") == {"ydelse": (6, 0), "handicap": (2, 0), "ikke_registreret": (0, 1)}
    assert rows(r, "by_lovomraade") == {
        "aktivloven": (1, 0), "serviceloven": (5, 0), "barnets_lov": (1, 0), "pensionsloven": (1, 0), "andet": (0, 1),
    }  # fmt: skip
    assert rows(r, "by_paragraph") == {
        "aktivloven § 81": (1, 0), "serviceloven § 83": (4, 0), "serviceloven § 41": (1, 0),
        "barnets_lov § 86": (1, 0), "pensionsloven § 14": (1, 0), "andet": (0, 1),
    }  # fmt: skip
    assert rows(r, "by_channel") == {"written": (5, 0), "digital": (2, 0), "oral": (1, 1)}
    assert [row["percent"] for row in r["by_unit"]] == [22.2, 66.7, 11.1]  # handicap, ydelse, then not registered
    labels = {row["key"]: row["label"] for row in r["by_paragraph"]}
    assert (labels["andet"], labels["barnets_lov § 86"]) == ("Andet lovområde, ingen paragraf", "Barnets lov § 86")


async def test_udfald_and_the_omgoerelsesprocent_of_the_decisions_in_the_period(register: CaseRegister):
    await save_all(register)
    r = await year(register)
    assert r["genvurdering_outcomes"] == {"fuldt_medhold": 1, "delvist_medhold": 1, "fastholdt": 5, "total": 7}
    assert r["ankestyrelsen_outcomes"] == {
        "stadfaestet": 1, "aendret": 1, "ophaevet": 1, "hjemvist": 2, "afvist": 1, "bortfaldet": 1,
        "total": 7, "realitetsbehandlede": 5, "omgjort": 4,
    }  # fmt: skip
    # (2 hjemvist + 1 ændret + 1 ophævet) / 5 realitetsbehandlede; the afvist D and the bortfaldne E are out.
    assert r["omgoerelsesprocent"] == 80.0


async def test_deadline_compliance_and_days_per_phase(register: CaseRegister):
    await save_all(register)
    r = await year(register)
    # 7 decided genvurderinger, C's second round late; L's 4 weeks passed undecided: 6 of 8 kept.
    assert r["genvurdering_within_4_weeks"] == {"percent": 75.0, "on_time": 6, "total": 8}
    # B answered before its due date; H is unanswered past it.
    assert r["aktindsigt_within_7_arbejdsdage"] == {"percent": 50.0, "on_time": 1, "total": 2}
    assert r["formal_answer_within_servicemaal"] == {"percent": None, "on_time": 0, "total": 0}
    assert r["overdue_now"] == 2  # H and L
    phases = {row["phase"]: row for row in r["days_per_phase"]}
    # Genvurdering days: A 17, B 2+16, C 22+35, D 19, E 15, F 3, G 19, H 1 (L still in it).
    assert phases["genvurdering"] == {"phase": "genvurdering", "label": "Genvurdering", "median": 17.5, "p90": 30.4, "cases": 8}
    assert (phases["aktindsigt"]["median"], phases["aktindsigt"]["cases"]) == (7.0, 1)  # B; H is still waiting
    assert phases["at_ankestyrelsen"]["cases"] == 5  # B, C (twice, summed), D, E, G


async def test_remands_and_the_cumulative_time_of_remanded_complaints(register: CaseRegister):
    await save_all(register)
    r = await year(register)
    remands = r["remands"]
    assert remands["distribution"] == [{"remands": 0, "cases": 8}, {"remands": 2, "cases": 1}]
    assert (remands["remanded_cases"], remands["rounds_after_hjemvisning"], remands["cases_with_rounds_after_hjemvisning"]) == (1, 1, 1)
    # C is still open: from 2025-01-10 to today, 2026-01-05.
    assert remands["cumulative_days"] == {"median": 360.0, "p90": 360.0, "cases": 1}


async def test_figures_with_nothing_to_count_are_null_with_a_note(register: CaseRegister):
    await save_all(register)
    r = await year(register)
    assert r["klagepunkter"]["per_complaint"] is None and r["klagepunkter"]["by_category"] == []
    for key in ("klagepunkter", "returning_complainants_percent", "retsstilling_styrket", "formal_answer_within_servicemaal"):
        assert r["notes"][key]
    assert r["returning_complainants_percent"] is None and r["retsstilling_styrket"]["percent"] is None


async def test_every_figure_has_a_definition(register: CaseRegister):
    await save_all(register)
    r = await year(register)
    figures = [key for key in r if key not in stats.META_KEYS]
    assert figures and all(r["definitions"].get(key) for key in figures), set(figures) - set(r["definitions"])


async def test_the_kommune_and_unit_filters(register: CaseRegister):
    await save_all(register)
    other = await year(register, kommune="0202")
    assert (other["received"], other["ankestyrelsen_outcomes"]["hjemvist"], other["omgoerelsesprocent"]) == (1, 1, 100.0)
    handicap = await year(register, unit="handicap")
    assert (handicap["received"], handicap["realitet"], handicap["formalitet"]) == (2, 2, 0)
    assert handicap["genvurdering_outcomes"] == {"fuldt_medhold": 0, "delvist_medhold": 1, "fastholdt": 2, "total": 3}
    assert (handicap["ankestyrelsen_outcomes"]["afvist"], handicap["omgoerelsesprocent"]) == (1, 100.0)
    nobody = await year(register, kommune="0303")
    assert (nobody["received"], nobody["omgoerelsesprocent"], nobody["genvurdering_within_4_weeks"]["percent"]) == (0, None, None)


async def test_no_personal_data_and_no_free_text_in_the_output(register: CaseRegister):
    await save_all(register)
    r = await year(register)
    output = json.dumps(r, ensure_ascii=False) + stats.to_csv(r)
    for forbidden in (*PERSONAL.values(), "Hansen", FREE_TEXT_AREA, "Test: genvurdering", "Fristen er overskredet", "sb01"):
        assert forbidden not in output
    assert "K-" not in output  # no case ids either: the figures are counts


async def test_an_older_view_does_not_overwrite_newer_facts(register: CaseRegister, database_url: str):
    story = Story("K-V", d(3, 3)).genvurdering("fastholdt", d(3, 20))
    newer = story.view()
    older = Story("K-V", d(3, 3)).view()
    assert await register.save_case_view(newer)
    assert not await register.save_case_view(older)
    conn = await asyncpg.connect(database_url)
    try:
        assert await conn.fetchval("SELECT phase FROM case_facts WHERE case_id = 'K-V'") == "forwarded"
        assert await conn.fetchval("SELECT count(*) FROM case_fact_events WHERE case_id = 'K-V'") == 1
    finally:
        await conn.close()


async def test_the_backfill_rebuilds_the_facts_from_the_stored_views(register: CaseRegister, database_url: str):
    await save_all(register)
    before = await year(register)
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("DELETE FROM case_facts")  # the events go with them
        assert await conn.fetchval("SELECT count(*) FROM case_fact_events") == 0
    finally:
        await conn.close()
    assert (await year(register))["received"] == 0
    assert await register.backfill_case_facts(batch=5) == len(complaints())
    assert await year(register) == before
    assert await register.backfill_case_facts() == 0


async def test_klagesag_stats_json_and_csv_from_the_command_line(register: CaseRegister, database_url: str):
    await save_all(register)
    env = {**os.environ, "KLAGESAG_DATABASE_URL": database_url, "KLAGESAG_KOMMUNE": "0101",
           "KLAGESAG_TARGET_REALITET": "-3", "KLAGESAG_TARGET_FORMALITET": "-10"}  # fmt: skip

    def klagesag(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cli.main", "stats", "--from", "2025-01-01", "--to", "2025-12-31", *args],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    done = await asyncio.to_thread(klagesag, "--json")
    assert done.returncode == 0, done.stderr
    r = json.loads(done.stdout)
    assert (r["kommune"], r["received"], r["realitet"], r["formalitet"], r["omgoerelsesprocent"]) == ("0101", 9, 8, 1, 80.0)
    done = await asyncio.to_thread(klagesag)
    assert done.returncode == 0, done.stderr
    assert "Realitetsklager: 8 (året før 1, ændring 700,0 %; mål -3,0 % ikke nået)" in done.stdout
    assert "Omgørelsesprocent: 80,0 % (4 af 5 realitetsbehandlede)" in done.stdout
    done = await asyncio.to_thread(klagesag, "--csv", "--unit", "handicap")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ",".join(stats.CSV_HEADER)
    assert any(line.startswith("realitet,,count,2,") for line in lines)
    assert any(line.startswith("omgoerelsesprocent,,percent,100.0,") for line in lines)
    refused = await asyncio.to_thread(klagesag, "--kommune", "01")
    assert refused.returncode == 2 and refused.stderr.startswith("klagesag: refused: kommune:")


# --- SEED 004: Københavns Socialforvaltning, 2012 and 2013 -------------------------------------------------

SEED_004_KLAGET_TIL = {  # August-December 2013: complaints per recipient, shaped to the published shares
    "realitet": {"borgmester": 8, "direktoer": 2, "borgerraadgiver": 5, "myndighedscenter": 943, "andre": 42},
    "formalitet": {"borgmester": 71, "direktoer": 6, "borgerraadgiver": 58, "myndighedscenter": 110, "andre": 5},
}


def _seed_004_rows() -> list[tuple]:
    """Registrations shaped like SEED 004: 2,960 realitet and 624 formalitet in 2012; 2,560 and 642 in 2013,
    the recipient registered from August 2013 only (the seed's data-quality caveat)."""
    rows: list[tuple] = []

    def add(kind: str, received: date, klaget_til: str) -> None:
        n = len(rows)
        rows.append((f"seed-{n}", "0101", received, kind, "sof", "written", klaget_til, "serviceloven", "ikke_registreret",
                     "closed", False, False, 1, 0, 1))  # fmt: skip

    for kind, count in (("realitet", 2960), ("formalitet", 624)):
        for i in range(count):
            add(kind, date(2012, 1 + i % 12, 1 + i % 28), "ikke_registreret")
    for kind, registered_total in (("realitet", 2560), ("formalitet", 642)):
        registered = SEED_004_KLAGET_TIL[kind]
        for recipient, count in registered.items():
            for i in range(count):
                add(kind, date(2013, 8 + i % 5, 1 + i % 28), recipient)
        for i in range(registered_total - sum(registered.values())):
            add(kind, date(2013, 1 + i % 7, 1 + i % 28), "ikke_registreret")
    return rows


async def test_seed_004_figures_come_back_as_published(register: CaseRegister, database_url: str):
    conn = await asyncpg.connect(database_url)
    try:
        await conn.copy_records_to_table(
            "case_facts", records=_seed_004_rows(),
            columns=["case_id", "kommune", "received", "kind", "unit", "channel", "klaget_til", "law", "paragraph",
                     "phase", "is_open", "overdue", "rounds", "remand_count", "version"],
        )  # fmt: skip
    finally:
        await conn.close()
    r = await statistics_report(
        register, kommune="0101", unit=None, start=date(2013, 1, 1), end=date(2013, 12, 31), targets=SEED_TARGETS, now=NOW
    )
    assert (r["realitet"], r["formalitet"]) == (2560, 642)
    assert (r["previous_year"]["realitet"], r["previous_year"]["formalitet"]) == (2960, 624)
    assert r["targets"]["realitet"] == {"target_percent": -3.0, "change_percent": -13.5, "met": True}
    assert r["targets"]["formalitet"] == {"target_percent": -10.0, "change_percent": 2.9, "met": False}
    autumn = await statistics_report(
        register, kommune="0101", unit=None, start=date(2013, 8, 1), end=date(2013, 12, 31), targets=SEED_TARGETS, now=NOW
    )
    shares = {row["key"]: (row["realitet_percent"], row["formalitet_percent"]) for row in autumn["by_klaget_til"]}
    assert shares == {
        "andre": (4.2, 2.0), "borgerraadgiver": (0.5, 23.2), "borgmester": (0.8, 28.4), "direktoer": (0.2, 2.4),
        "myndighedscenter": (94.3, 44.0),
    }  # fmt: skip
    assert [row["label"] for row in autumn["by_klaget_til"]] == [
        "Andre", "Borgerrådgiver", "Borgmester", "Direktør", "Myndighedscentret",
    ]  # fmt: skip
