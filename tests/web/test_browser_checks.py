"""The shared browser checks (tests/browser.py) catch what they promise: a console error, an uncaught
exception, a missing same-origin resource, a request leaving the machine and an accessibility violation, on a
page the test only visits."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser import PageChecks, check_page

BROKEN = """<!DOCTYPE html><html lang="fr"><head><title>Page cassée</title></head><body><main>
<h1>Page cassée</h1><img src="/static/absent.png"><img src="http://tiles.example.invalid/1/2/3.png" alt="">
<script>console.error("boom"); null.innerHTML;</script>
</main></body></html>"""


def _wait_for(page: Any, checks: PageChecks, word: str) -> None:
    end = time.monotonic() + 30
    while time.monotonic() < end and not any(word in p for p in checks.problems):
        page.wait_for_timeout(100)  # Playwright delivers the page's reports while the test is in one of its calls


@pytest.mark.browser
@pytest.mark.django_db
def test_given_a_broken_page_when_a_test_visits_it_then_every_problem_is_recorded(
    live_server: Any, page: Any, page_checks: PageChecks
) -> None:
    url = f"{live_server.url}/page-cassee/"
    page.route(url, lambda route: route.fulfill(status=200, content_type="text/html", body=BROKEN))
    page.route("http://tiles.example.invalid/**", lambda route: route.abort())  # never leaves the machine
    page.goto(url)
    _wait_for(page, page_checks, "image-alt")  # axe runs by itself once the document has loaded
    seen = "\n".join(page_checks.problems)
    assert "console error on" in seen and "boom" in seen
    assert "uncaught error" in seen and "innerHTML" in seen
    assert "HTTP 404 for GET" in seen and "absent.png" in seen
    assert "accessibility on" in seen and "image-alt" in seen
    assert "external request on" in seen and "tiles.example.invalid" in seen
    with pytest.raises(AssertionError, match="image-alt"):
        check_page(page)
    page_checks.problems.clear()  # all seen: the fixture's own check at teardown must pass
    page.goto(f"{live_server.url}/connexion/")


@pytest.mark.browser
@pytest.mark.django_db
def test_given_an_allowed_error_when_it_happens_then_the_test_still_passes(
    live_server: Any, page: Any, page_checks: PageChecks
) -> None:
    page_checks.allow(r"404")
    page.goto(f"{live_server.url}/static/absent.css")
    assert page_checks.problems == []
