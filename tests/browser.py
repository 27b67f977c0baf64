"""What every browser test checks on every page it visits: no console error, no uncaught exception, no failed
request to our own server, no request elsewhere, and no WCAG 2.1 A/AA violation found by axe-core.

The ``page`` fixture of tests/conftest.py attaches a :class:`PageChecks` to each Playwright page, so a test
gets these checks without asking:

- console messages of type ``error``, uncaught page errors, same-origin requests that fail or answer >= 400
  and any request leaving the machine (the platform works offline: no CDN, no map tiles) are recorded as they
  happen;
- axe-core (from ``node_modules``, installed by ``make test-js-deps``) is injected into every document and
  runs when the document has loaded; its violations are reported back to the test process;
- at teardown axe runs once more on the page as the test left it, and the test fails listing everything
  recorded.

A test that changes a page after load (htmx swaps, server-sent events, a dialog) calls ``check_page(page)``
at the moment worth checking. A test that provokes an error on purpose (a 404 page) declares it with
``page_checks.allow(r"regex")`` — the ``page_checks`` fixture is the PageChecks of the ``page`` fixture.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
AXE_SCRIPT = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
_REPORT_BINDING = "__plateauAxeReport"
_RUN_AXE = "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"


def _axe_source() -> str:
    if not AXE_SCRIPT.exists():
        raise AssertionError(f"{AXE_SCRIPT} is missing: run `make test-js-deps` (npm ci)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def _init_script() -> str:
    # Only the top document is audited; frames (none today) would be audited by axe from their parent.
    return (
        _axe_source()
        + f"""
;(() => {{
  if (window.top !== window) return;
  window.addEventListener("load", () => {{
    axe.run(document, {{runOnly: {{type: "tag", values: {json.dumps(list(AXE_TAGS))}}}, resultTypes: ["violations"]}})
      .then((r) => window.{_REPORT_BINDING}(location.href, JSON.stringify(r.violations)))
      .catch(() => {{}});  // the document was left before axe finished: the next one is audited
  }});
}})();
"""
    )


def _describe(violations: list[dict[str, Any]]) -> list[str]:
    out = []
    for v in violations:
        targets = ", ".join(" ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])[:5])
        out.append(f"{v['id']} ({v.get('impact')}): {v.get('help')} — {targets}")
    return out


@dataclass
class PageChecks:
    """Problems seen on one Playwright page; :meth:`assert_clean` fails the test with all of them."""

    problems: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Accept problems matching ``pattern`` (a test that provokes an error on purpose)."""
        self.allowed.append(re.compile(pattern))

    def record(self, problem: str) -> None:
        if not any(p.search(problem) for p in self.allowed):
            self.problems.append(problem)

    def record_axe(self, url: str, violations: list[dict[str, Any]]) -> None:
        for line in _describe(violations):
            self.record(f"accessibility on {url}: {line}")

    def attach(self, page: Any) -> None:
        page.expose_binding(_REPORT_BINDING, lambda _source, url, payload: self.record_axe(url, json.loads(payload)))
        page.add_init_script(script=_init_script())
        page.on("console", lambda msg: self._on_console(page, msg))
        page.on("pageerror", lambda exc: self.record(f"uncaught error on {page.url}: {exc}"))
        page.on("requestfailed", lambda req: self._on_request_failed(page, req))
        page.on("response", lambda resp: self._on_response(page, resp))
        page.on("request", lambda req: self._on_request(page, req))

    def _on_console(self, page: Any, msg: Any) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            self.record(f"console error on {page.url}: {msg.text} ({loc.get('url', '')}:{loc.get('lineNumber', '')})")

    def _on_request_failed(self, page: Any, request: Any) -> None:
        failure = request.failure or ""
        # Leaving a page aborts its pending requests (a server-sent events stream): not a fault of the page.
        if "ERR_ABORTED" in failure or not _same_origin(page.url, request.url):
            return
        self.record(f"request failed on {page.url}: {request.method} {request.url} {failure}")

    def _on_request(self, page: Any, request: Any) -> None:
        # The platform must work offline (an advisor's network may reach nothing else): no CDN, no map tiles.
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https") and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            self.record(f"external request on {page.url}: {request.method} {request.url}")

    def _on_response(self, page: Any, response: Any) -> None:
        if response.status >= 400 and _same_origin(page.url or response.url, response.url):
            self.record(f"HTTP {response.status} for {response.request.method} {response.url}")

    def assert_clean(self) -> None:
        if self.problems:
            raise AssertionError("the browser saw problems:\n  " + "\n  ".join(self.problems))


def _same_origin(a: str, b: str) -> bool:
    x, y = urlsplit(a), urlsplit(b)
    return (x.scheme, x.netloc) == (y.scheme, y.netloc) or not x.netloc


def check_page(page: Any, checks: PageChecks | None = None) -> None:
    """Run axe-core on the page as it is now and fail at once on a violation or anything recorded so far.

    Call it after an interaction that changes the page without loading a new document."""
    checks = checks or page_checks_of(page)
    page.wait_for_load_state("load")
    try:
        violations = page.evaluate(_RUN_AXE, list(AXE_TAGS))["violations"]
    except Exception as exc:  # a document without the init script (about:blank): inject axe, then run it
        if "axe is not defined" not in str(exc):
            raise
        page.add_script_tag(content=_axe_source())
        violations = page.evaluate(_RUN_AXE, list(AXE_TAGS))["violations"]
    checks.record_axe(page.url, violations)
    checks.assert_clean()


_CHECKS_ATTR = "_plateau_page_checks"


def watch(page: Any) -> PageChecks:
    """Attach the checks to ``page`` (done by the ``page`` fixture; call it for a page a test opens itself)."""
    checks = PageChecks()
    checks.attach(page)
    setattr(page, _CHECKS_ATTR, checks)
    return checks


def page_checks_of(page: Any) -> PageChecks:
    checks = getattr(page, _CHECKS_ATTR, None)
    if checks is None:
        raise AssertionError("this page is not watched: open it with the `page` fixture or tests.browser.watch()")
    return checks
