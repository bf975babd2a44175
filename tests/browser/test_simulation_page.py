"""The Simulering page in real Chromium: reached from the menu, accessible (axe-core), and a bad parameter
refused on the form with the field marked, so no run starts."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.browser.conftest import assert_accessible, log_in


async def test_the_leder_finds_the_simulation_page_and_a_bad_parameter_is_refused_on_the_form(live_server, page: Page):
    base = live_server()
    await log_in(page, base, "leder")
    await page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Simulering").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Simulering")
    await expect(page.get_by_role("table", name="Parametre med standardværdi")).to_contain_text("sagsbehandlere")
    await assert_accessible(page)

    await page.get_by_label("Ændrede parametre (valgfri)").fill("sagsbehandlerne=13")
    await page.get_by_role("button", name="Start simulering").click()
    await expect(page.get_by_role("alert")).to_contain_text("Simuleringen blev ikke startet")
    await expect(page.get_by_label("Ændrede parametre (valgfri)")).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_text("Kommunen har ikke kørt nogen simuleringer endnu.")).to_be_visible()
    await assert_accessible(page)
