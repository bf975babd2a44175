"""Fixtures for tests in a real browser: Debian's Chromium driven by Playwright, klagesag served by
uvicorn in a thread against a migrated test database holding the demo users.

Playwright's async API, because pytest-asyncio runs one event loop for the session: the sync API would
mark a loop of its own as running in the main thread and break every async fixture after it.

Reuse for new pages:

    async def test_my_page(live_server, page):
        base = live_server()                      # the app on a free port (OIDC off)
        await log_in(page, base, "sb-ydelse")     # a demo user, through the login form
        await page.goto(f"{base}/sager/…")
        await assert_accessible(page)             # axe-core: no serious or critical violation
        # the `page` fixture fails the test afterwards on any console error (a CSP violation included)

Nothing is downloaded: Playwright gets the path of the machine's Chromium (`apt-get install chromium`);
`playwright install` is never run.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
    async_playwright,
)

from store.accounts import AccountStore, demo_seed_path, demo_users
from tests.live_server import serving
from tests.web.helpers import FAST_ARGON2
from web.app import create_app
from web.settings import WebSettings
from workers.settings import Settings

CHROMIUM = Path(os.environ.get("KLAGESAG_CHROMIUM", "/usr/lib/chromium/chromium"))
# Headless, and quiet: no update checks, sync, first-run UI or GPU (see shared/temporal-offline.md).
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PASSWORDS = {u.username: u.password for u in demo_users()}
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
async def playwright() -> AsyncIterator[Playwright]:
    async with async_playwright() as p:
        yield p


@pytest.fixture(scope="session")
async def browser(playwright: Playwright) -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y --no-install-recommends chromium")
    args = list(CHROMIUM_ARGS)
    if os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium's sandbox refuses to run as root
    browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
    yield browser
    await browser.close()


@pytest.fixture
async def demo_database_url(database_url: str) -> str:
    """A migrated database of its own with the demo units and users."""
    store = await AccountStore.connect(database_url, hasher=FAST_ARGON2, max_size=1)
    try:
        await store.seed_from_file(demo_seed_path())
    finally:
        await store.close()
    return database_url


@pytest.fixture
def live_server(demo_database_url: str) -> Iterator[Callable[..., str]]:
    """`live_server(**web_settings)` serves a new app on a free port and returns its base URL; every
    server started is stopped after the test."""
    with contextlib.ExitStack() as stack:

        def start(*, core: Settings | None = None, temporal_client_factory=None, clock=None, **overrides) -> str:
            # `core`, a Temporal client factory and a clock let a test serve the app against the workflow
            # harness; the factory runs on the server's own event loop.
            settings = WebSettings(core=core or Settings(database_url=demo_database_url), environment="test", **overrides)
            app = create_app(settings, temporal_client_factory=temporal_client_factory, clock=clock)
            return stack.enter_context(serving(app))

        yield start


async def new_context(browser: Browser, *, viewport: dict[str, int] = DESKTOP, javascript: bool = True) -> BrowserContext:
    return await browser.new_context(viewport=viewport, locale="da-DK", java_script_enabled=javascript)


@pytest.fixture
def console_errors() -> list[str]:
    return []


@pytest.fixture
async def page(browser: Browser, console_errors: list[str]) -> AsyncIterator[Page]:
    """A desktop-sized page in a fresh context (no cookies). Console errors, CSP violations among them,
    fail the test."""
    context = await new_context(browser)
    page = await context.new_page()
    watch_console(page, console_errors)
    yield page
    await context.close()
    assert console_errors == [], console_errors


def watch_console(page: Page, errors: list[str]) -> None:
    """Collect what would go wrong unseen: console errors (a CSP violation is one), script errors, and
    stylesheets, scripts or images that fail to load. A page answered with 4xx on purpose (a wrong
    password gives 401) is no error: the tests check those statuses themselves."""

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(f"{message.text} ({message.location.get('url', '')})")

    def on_response(response: Response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            errors.append(f"{response.status} for {response.request.resource_type} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", on_response)


async def log_in(page: Page, base_url: str | None, username: str, password: str | None = None) -> None:
    """Log in through the login form, as a person does; ends on the page the login leads to. With
    `base_url` None, the form already on the page is used (after a redirect to the login page)."""
    if base_url is not None:
        await page.goto(f"{base_url}/log-ind")
    await page.get_by_label("Brugernavn").fill(username)
    await page.get_by_label("Adgangskode").fill(PASSWORDS[username] if password is None else password)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Log ind").click()


async def assert_accessible(page: Page, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core (WCAG 2.x A and AA rules, plus best practices) on the page as it is now; fail on any
    violation of the given impacts. Returns all violations, for a test that wants to look further."""
    # Evaluated through the DevTools protocol, which the page's CSP does not govern; a <script> tag
    # would be refused by it, as it should be.
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = await page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
                resultTypes: ['violations'],
            });
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           targets: v.nodes.map(n => n.target.join(' '))}));
        }"""
    )
    bad = [v for v in result if v["impact"] in impacts]
    assert not bad, "accessibility violations:\n" + json.dumps(bad, indent=2, ensure_ascii=False)
    return result
