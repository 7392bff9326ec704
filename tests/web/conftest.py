"""A real browser (Debian's chromium, driven by Playwright) on the app served over real HTTP.

The server (`live_server`, in tests/conftest.py) serves the test's own app over real HTTP, so what
a test builds is what the browser sees.
"""

from pathlib import Path

import pytest

from tests import tools

SCREENSHOTS = Path(__file__).resolve().parents[1] / "output" / "screenshots"
BROWSER_PACKAGES = ("playwright", "axe_playwright_python")


@pytest.fixture(scope="session")
def chromium():
    tools.require(tools.CHROMIUM, packages=BROWSER_PACKAGES)
    from playwright.sync_api import sync_playwright  # imported here: without it the browser tests skip, the rest run

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=tools.CHROMIUM, headless=True)
        yield browser
        browser.close()


WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def axe(chromium):
    """axe-core on a page open in the browser: its serious and critical WCAG 2.2 AA findings, as (id, help, where)."""
    from axe_playwright_python.sync_playwright import Axe

    checker = Axe()

    def serious(page) -> list:
        results = checker.run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
        return [
            (v["id"], v["help"], [n["target"] for n in v["nodes"]])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return serious


@pytest.fixture
def desktop(chromium, live_server):
    """Open pages in a fresh browser (JavaScript on, which axe needs) at the app's address; closed after the test."""
    contexts = []

    def open_page(**options):
        contexts.append(chromium.new_context(base_url=live_server, **options))
        return contexts[-1].new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def phone(chromium, live_server):
    """A tenant's phone: a small touch screen with JavaScript off, at the app's address."""
    context = chromium.new_context(
        base_url=live_server,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under tests/output/screenshots/<name>.png; return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
