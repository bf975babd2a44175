"""A complaint's way through the pages in real Chromium, against the real workflow (time-skipping
Temporal, a real worker, PostgreSQL): filed through Ny klage, taken to Ankestyrelsen, reassigned by the
leder; a case turns yellow and red on the worklist as its deadline nears and passes (the time-skipping
server and the app's clock moved together) and the leder finds it among the overdue; another unit is
refused; the same steps work with JavaScript off. Every page is checked with axe,
and the worklist and case page are photographed for docs/screenshots/."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from store.register import CaseRegister
from tests.browser.conftest import PHONE, assert_accessible, log_in, new_context, watch_console
from tests.conftest import DATA_CONVERTER
from tests.web.helpers import MovableClock
from tests.workflow.harness import Harness

SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"


@pytest.fixture
async def harness(
    time_skipping_env: WorkflowEnvironment, register: CaseRegister, demo_database_url: str, tmp_path: Path
) -> AsyncIterator[Harness]:
    async with Harness(time_skipping_env, register, demo_database_url, tmp_path / "outbox") as h:
        yield h


@pytest.fixture
async def clock(harness: Harness) -> MovableClock:
    """The app's clock, at the time-skipping server's time; a test moves both together."""
    clock = MovableClock()
    clock.now = await harness.now()
    return clock


@pytest.fixture
async def base(live_server, harness: Harness, clock: MovableClock) -> str:
    target = harness.client.service_client.config.target_host
    namespace = harness.client.namespace

    async def connect() -> Client:
        # A client of the server thread's own loop, to the same test server and namespace.
        return await Client.connect(target, namespace=namespace, data_converter=DATA_CONVERTER)

    return live_server(core=harness.settings, temporal_client_factory=connect, clock=clock)


async def take(page: Page, label: str, reason: str, *, choose: tuple[str, str] | None = None) -> None:
    """Fill and send the step form headed `label` on the case page."""
    form = page.locator("form.step-form").filter(has=page.get_by_role("heading", name=label, exact=True))
    if choose:
        await form.get_by_label(choose[0]).select_option(choose[1])
    await form.get_by_label("Begrundelse").fill(reason)
    async with page.expect_navigation():
        await form.get_by_role("button", name=label).click()


async def file_complaint(page: Page, base: str, harness: Harness, decision_ref: str, *, axe: bool = True) -> str:
    """Through the Ny klage form. axe needs JavaScript: with it off, the same pages were checked with it on."""
    today = await harness.today()
    await page.get_by_role("link", name="Ny klage").click()
    await expect(page).to_have_title("Ny klage – klagesag")
    if axe:
        await assert_accessible(page)
    await page.get_by_label("CPR-nummer").fill("0101904321")
    await page.get_by_label("Navn", exact=True).fill("Birte Borger")
    await page.get_by_label("Område (lov og paragraf)").fill("aktivloven § 11")
    await page.get_by_label("Klagens tekst").fill("Jeg er uenig i afgørelsen.")
    await page.get_by_label("Afgørelsens sagsnummer").fill(decision_ref)
    await page.get_by_label("Afgørelsen modtaget").fill((today - timedelta(days=5)).isoformat())
    await page.get_by_role("button", name="Tjek klagefrist").click()
    await expect(page.get_by_text("inden for klagefristen")).to_be_visible()
    async with page.expect_navigation():
        await page.get_by_role("button", name="Gem klagen").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Sag KS-0101-")
    case_id = page.url.rsplit("/", 1)[1]
    harness.case_ids.add(case_id)
    return case_id


async def test_a_complaint_from_filing_to_ankestyrelsen_and_reassignment(base: str, page: Page, browser: Browser, harness: Harness):
    await log_in(page, base, "sb-ydelse")
    await assert_accessible(page)
    case_id = await file_complaint(page, base, harness, "AFG-BROWSER-1")
    await assert_accessible(page)

    await take(page, "Aktindsigt anmodet", "Borgeren bad om akterne")
    await expect(page.get_by_text("Afventer aktindsigt").first).to_be_visible()
    await take(page, "Aktindsigt besvaret", "Akterne er sendt")
    await take(page, "Genvurdering", "Afgørelsen fastholdes efter genvurdering", choose=("Resultat", "fastholdt"))
    await expect(page.locator("dd").filter(has_text="Oversendt til Ankestyrelsen")).to_be_visible()
    await expect(page.get_by_text("Afgørelsen fastholdes efter genvurdering")).to_be_visible()
    await assert_accessible(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=SCREENSHOTS / "case.png", full_page=True)
    await page.get_by_role("link", name="Min arbejdsliste").click()
    await expect(page.get_by_role("link", name=case_id)).to_be_visible()
    await page.screenshot(path=SCREENSHOTS / "worklist.png", full_page=True)

    phone = await new_context(browser, viewport=PHONE)
    try:
        small = await phone.new_page()
        await small.context.add_cookies(await page.context.cookies())
        await small.goto(f"{base}/")
        await small.screenshot(path=SCREENSHOTS / "worklist-phone.png", full_page=True)
        await small.goto(f"{base}/sager/{case_id}")
        await small.screenshot(path=SCREENSHOTS / "case-phone.png", full_page=True)
    finally:
        await phone.close()

    # The leder sees it and gives it to the other unit, with a reason.
    await page.get_by_role("button", name="Log ud").click()
    await log_in(page, base, "leder")
    await page.get_by_role("link", name="Ledelse").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ledelse")
    await assert_accessible(page)
    await page.get_by_label(f"Vælg {case_id}").check()
    await page.get_by_label("Til enhed").select_option("handicap")
    await page.get_by_label("Begrundelse").fill("Ydelser har ferie")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Fordel de valgte sager").click()
    await expect(page.locator("#resultat")).to_contain_text(f"{case_id}Fordelt")
    await assert_accessible(page)

    # Now the case belongs to handicap: Ydelser's caseworker no longer has access.
    await page.get_by_role("button", name="Log ud").click()
    await log_in(page, base, "sb-ydelse")
    await page.goto(f"{base}/sager/{case_id}")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ingen adgang")
    await assert_accessible(page)


async def test_another_units_caseworker_gets_ingen_adgang(base: str, page: Page, harness: Harness):
    case = await harness.file(unit="ydelse", assignee="sb-ydelse")
    await log_in(page, base, "sb-handicap")
    await page.goto(f"{base}/sager/{case.id}")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ingen adgang")
    await expect(page).to_have_title("Ingen adgang – klagesag")
    await assert_accessible(page)


async def test_filing_and_a_step_with_javascript_off(base: str, browser: Browser, harness: Harness):
    context = await new_context(browser, javascript=False)
    errors: list[str] = []
    try:
        page = await context.new_page()
        watch_console(page, errors)
        await log_in(page, base, "sb-ydelse")
        case_id = await file_complaint(page, base, harness, "AFG-NOJS-1", axe=False)
        await take(page, "Aktindsigt anmodet", "Borgeren bad om akterne")
        await expect(page.locator("dd").filter(has_text="Afventer aktindsigt")).to_be_visible()
        # Offered, but the law refuses it before the final decision: the page says why and keeps the text.
        await take(page, "Eskalér sagen", "Borgeren vil til ombudsmanden", choose=("Til", "ombudsmand"))
        await expect(page.get_by_role("alert")).to_contain_text("Skridtet blev afvist")
        await expect(page.locator("#skridt-escalate textarea")).to_have_value("Borgeren vil til ombudsmanden")
        await expect(page.locator("#skridt-escalate select")).to_have_value("ombudsmand")
        assert case_id in page.url
    finally:
        await context.close()
    assert errors == [], errors


async def test_a_case_turns_yellow_then_red_and_the_leder_finds_it_among_the_overdue(
    base: str, page: Page, harness: Harness, clock: MovableClock
):
    case = await harness.file(unit="ydelse", assignee="sb-ydelse")
    row = page.locator(f'tr[data-case="{case.id}"]')

    async def worklist_after(days: float) -> None:
        # The workflow's own timers fire on the time-skipping server; the app's clock follows it. The
        # session would have expired over the days skipped, so log in again.
        await harness.advance(days)
        await case.settled()
        clock.now = await harness.now()
        await page.context.clear_cookies()
        await log_in(page, base, "sb-ydelse")

    await worklist_after(0)
    await expect(row).to_have_class("row--ok")
    await worklist_after(22)  # genvurdering is due 4 weeks after the complaint: now less than 7 days off
    await expect(row).to_have_class("row--soon")
    await expect(row).to_contain_text("Fristen er tæt på")
    await assert_accessible(page)
    await worklist_after(7)  # the 4 weeks have passed
    await expect(row).to_have_class("row--overdue")
    await expect(row).to_contain_text("Fristen er overskredet")
    await assert_accessible(page)

    await page.context.clear_cookies()
    await log_in(page, base, "leder")
    await page.goto(f"{base}/ledelse")
    overdue = page.get_by_role("table", name="Sager med overskredet frist")
    await expect(overdue.get_by_role("link", name=case.id)).to_be_visible()
    await assert_accessible(page)
