"""Markdown of the local articles to HTML an advisor's browser may show: Python-Markdown, then nh3 (Ammonia)
keeps only harmless tags and attributes (no script, no event handler, no javascript: link)."""

from __future__ import annotations

import difflib

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code", "pre", "hr",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def render_markdown(body: str) -> SafeString:
    html = markdown.markdown(body, extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(html, tags=TAGS, attributes={"a": {"href", "title"}}, url_schemes={"https", "http", "mailto"})
    return mark_safe(clean)  # noqa: S308 — sanitised by nh3 just above


def diff_lines(before: str, after: str) -> list[tuple[str, str]]:
    """A line diff for the versions page: (kind, line) with kind « + », « - » or « ».."""
    rows: list[tuple[str, str]] = []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("? "):
            continue
        rows.append((line[:1].strip() or "=", line[2:]))
    return rows
