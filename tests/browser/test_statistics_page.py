"""The Statistik page in real Chromium: reached from the menu, charts with their tables, accessible
(axe-core), and the period form working with JavaScript off."""

from __future__ import annotations

from datetime import date

from playwright.async_api import Browser, Page, expect

from store.register import CaseRegister
from tests.browser.conftest import assert_accessible, log_in, new_context
from tests.statistics_views import Story


async def save_complaints(database_url: str) -> None:
    register = await CaseRegister.connect(database_url, max_size=1)
    try:
        for story in (
            Story("K-1", date(2025, 2, 3)).genvurdering("fastholdt", date(2025, 2, 20)).at_ankestyrelsen(date(2025, 2, 25))
            .ankestyrelsen("hjemvist", date(2025, 6, 1)),
            Story("K-2", date(2025, 3, 3), unit="handicap", kind="formalitet", channel="oral"),
        ):  # fmt: skip
            await register.save_case_view(story.view())
    finally:
        await register.close()


async def test_the_leder_finds_the_statistics_in_the_menu(live_server, page: Page, demo_database_url: str):
    await save_complaints(demo_database_url)
    base = live_server()
    await log_in(page, base, "leder")
    await page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Statistik").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Statistik")
    await page.get_by_label("Fra og med").fill("2025-01-01")
    await page.get_by_label("Til og med").fill("2025-12-31")
    await page.get_by_role("button", name="Vis").click()
    await expect(page.locator("#omgoerelsesprocent")).to_have_text("100,0 %")
    await expect(page.get_by_role("img", name="Klager efter enhed")).to_be_visible()
    await expect(page.get_by_role("table", name="Enhed")).to_contain_text("Handicap og psykiatri")
    await expect(page.get_by_role("link", name="Hent tallene som CSV")).to_have_attribute(
        "href", "/api/v1/statistics?from=2025-01-01&to=2025-12-31&format=csv"
    )
    await assert_accessible(page)


async def test_the_period_form_works_with_javascript_off(live_server, browser: Browser, demo_database_url: str):
    await save_complaints(demo_database_url)
    base = live_server()
    context = await new_context(browser, javascript=False)
    try:
        page = await context.new_page()
        await log_in(page, base, "borgerraadgiver")
        await page.goto(f"{base}/statistik")
        await page.get_by_label("Fra og med").fill("2025-01-01")
        await page.get_by_label("Til og med").fill("2025-12-31")
        await page.get_by_label("Enhed", exact=True).select_option("handicap")
        await page.get_by_role("button", name="Vis").click()
        await expect(page).to_have_url(f"{base}/statistik?fra=2025-01-01&til=2025-12-31&enhed=handicap")
        await expect(page.get_by_role("table", name="Klager modtaget og mål")).to_contain_text("Formalitetsklager")
        await expect(page.locator("#omgoerelsesprocent")).to_have_text("–")  # nothing decided in that unit
    finally:
        await context.close()
