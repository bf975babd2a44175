"""Logging in and the start page in real Chromium: with and without JavaScript, at desktop and phone
size, checked with axe-core."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, log_in, new_context, watch_console


async def test_a_caseworker_logs_in_and_sees_the_start_page(live_server, page: Page):
    base = live_server()
    await page.goto(f"{base}/")
    await expect(page).to_have_url(f"{base}/log-ind")
    await expect(page).to_have_title("Log ind – klagesag")
    await assert_accessible(page)

    await log_in(page, None, "sb-ydelse")
    await expect(page).to_have_url(f"{base}/")
    await expect(page).to_have_title("Min arbejdsliste – klagesag")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Min arbejdsliste")
    await expect(page.get_by_role("navigation", name="Hovedmenu")).to_be_visible()
    await expect(page.get_by_text("Sagsbehandler Ydelser (demo)")).to_be_visible()
    # htmx loaded from our own file under the CSP (the page fixture fails on any CSP violation).
    assert await page.evaluate("window.htmx && htmx.version") == "2.0.11"
    await assert_accessible(page)

    await page.get_by_role("button", name="Log ud").click()
    await expect(page).to_have_url(f"{base}/log-ind")
    await page.goto(f"{base}/")
    await expect(page).to_have_url(f"{base}/log-ind")


async def test_a_wrong_password_is_explained_and_accessible(live_server, page: Page):
    base = live_server()
    await log_in(page, base, "leder", "forkert")
    await expect(page.get_by_role("alert")).to_have_text("Forkert brugernavn eller adgangskode.")
    await expect(page.get_by_label("Brugernavn")).to_have_value("leder")
    await assert_accessible(page)


async def test_login_and_a_form_work_with_javascript_off(live_server, browser: Browser):
    base = live_server()
    context = await new_context(browser, javascript=False)
    try:
        page = await context.new_page()
        await page.goto(f"{base}/admin/brugere")
        await expect(page).to_have_url(f"{base}/log-ind?next=%2Fadmin%2Fbrugere")
        await log_in(page, None, "admin")
        await expect(page).to_have_url(f"{base}/admin/brugere")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Brugere")
        assert await page.evaluate("typeof window.htmx") == "undefined"  # the page's scripts did not run
        # A plain form post: end the caseworker's sessions.
        await page.get_by_role("button", name="Afslut sessioner for sb-ydelse").click()
        await expect(page.get_by_role("status")).to_have_text("Brugerens sessioner er afsluttet.")
        await page.get_by_role("button", name="Log ud").click()
        await expect(page).to_have_url(f"{base}/log-ind")
    finally:
        await context.close()


async def test_screenshots_and_layout_at_desktop_and_phone_size(live_server, browser: Browser, tmp_path: Path):
    base = live_server()
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = await new_context(browser, viewport=viewport)
        errors: list[str] = []
        try:
            page = await context.new_page()
            watch_console(page, errors)
            await page.goto(f"{base}/log-ind")
            await page.screenshot(path=tmp_path / f"log-ind-{name}.png", full_page=True)
            await assert_accessible(page)
            await log_in(page, None, "leder")
            await expect(page.get_by_role("heading", level=1)).to_have_text("Min arbejdsliste")
            await page.screenshot(path=tmp_path / f"start-{name}.png", full_page=True)
            await assert_accessible(page)
            # Nothing wider than the screen: no sideways scrolling at either size.
            assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
            box = await page.get_by_role("button", name="Log ud").bounding_box()
            assert box is not None and box["x"] + box["width"] <= viewport["width"]
        finally:
            await context.close()
        assert errors == [], errors
    shots = sorted(tmp_path.glob("*.png"))
    assert len(shots) == 4
    for shot in shots:
        assert shot.stat().st_size > 5_000, shot  # a real picture, not an empty page


async def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(live_server, page: Page):
    base = live_server()
    await log_in(page, base, "borgerraadgiver")
    await page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Gå til hovedindhold")
    await expect(skip).to_be_focused()
    await expect(skip).to_be_visible()
    await page.keyboard.press("Enter")
    await expect(page.locator("main#indhold")).to_be_focused()


async def test_the_admin_page_and_the_forbidden_page_are_accessible(live_server, page: Page):
    base = live_server()
    await log_in(page, base, "admin")
    await page.goto(f"{base}/admin/brugere")
    await assert_accessible(page)
    await page.get_by_role("button", name="Log ud").click()
    await log_in(page, base, "sb-handicap")
    response = await page.goto(f"{base}/admin/brugere")
    assert response is not None and response.status == 403
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ingen adgang")
    await assert_accessible(page)


async def test_assert_accessible_catches_a_violation(live_server, page: Page):
    """The axe check can fail: a login form whose fields lost their labels is reported."""
    base = live_server()
    await page.goto(f"{base}/log-ind")
    await page.evaluate("document.querySelectorAll('label').forEach(l => l.remove())")
    with pytest.raises(AssertionError, match='"id": "label"'):
        await assert_accessible(page)
