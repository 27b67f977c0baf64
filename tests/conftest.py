from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.browser import PageChecks, check_page, page_checks_of, watch

# Playwright's sync API runs an event loop in this thread; Django's async-safety check would refuse ORM
# calls from the test body while it runs. The tests never touch the ORM from inside that loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Tests build many users; the production hasher would spend most of the suite's time hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # pytest-django's live server is WSGI: an SSE stream whose browser is gone is only noticed at its next
    # write, so bound the streams or the process waits for them at exit.
    settings.PLATEAU_SSE_MAX_SECONDS = 30


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make test-system-deps`")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--lang=fr-FR",  # date inputs as a French user sees them (jj/mm/aaaa)
            ],
        )
        yield b
        b.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[[], Any]]:
    """Open French pages, each in its own context, watched by tests/browser.py: the test fails on any console
    error, uncaught exception, failed same-origin request or WCAG 2.1 A/AA violation (axe-core) of a page it
    visits. For tests that need several users at once (a supervisor and an advisor)."""
    opened: list[tuple[Any, PageChecks]] = []

    def _open() -> Any:
        context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
        context.set_default_timeout(10_000)
        pg = context.new_page()
        opened.append((pg, watch(pg)))
        return pg

    yield _open
    try:
        for pg, checks in opened:
            if not pg.is_closed() and pg.url.startswith("http"):
                check_page(pg, checks)
            checks.assert_clean()
    finally:
        for pg, _ in opened:
            pg.context.close()


@pytest.fixture
def page(open_page: Callable[[], Any]) -> Any:
    """One watched French page (see ``open_page``)."""
    return open_page()


@pytest.fixture
def page_checks(page: Any) -> PageChecks:
    """The checks of the ``page`` fixture: ``page_checks.allow(r"regex")`` accepts an error provoked on purpose."""
    return page_checks_of(page)
