"""Every page that draws SVG writes numbers a browser can read: each <svg> parses as XML and every numeric
attribute is a plain number (a French decimal comma, cx="124,7", makes the browser drop the shape)."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from plateau.leads import services
from plateau.leads.sla import sweep_deadlines
from tests.contacts import builders as contact_builders
from tests.leads import builders
from tests.leads.builders import T0
from tests.wfm.test_pages import TEXTBOOK

pytestmark = pytest.mark.usefixtures("reference_data", "communes")


@pytest.fixture
def communes(db: None) -> None:
    contact_builders.demo_communes()


NUMBER = r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"
NUMERIC = {"cx", "cy", "r", "x", "y", "x1", "x2", "y1", "y2", "width", "height", "stroke-width", "font-size"}
LISTS = {"viewBox", "points"}


def svg_elements(html: str) -> list[ET.Element]:
    """Each <svg>…</svg> of ``html`` parsed as XML (fails the test on a syntax error)."""
    found = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    return [ET.fromstring(s.replace("&nbsp;", "\u00a0")) for s in found]  # noqa: S314 - our own output


def assert_numbers_readable(svg: ET.Element) -> int:
    """Check every numeric attribute of ``svg`` and its children; returns how many were checked."""
    checked = 0
    for el in svg.iter():
        for name, value in el.attrib.items():
            if name in NUMERIC and not value.endswith("%"):
                assert re.fullmatch(NUMBER + r"(px|pt)?", value.strip()), f"{el.tag} {name}={value!r}"
                checked += 1
            elif name in LISTS and value.strip():
                for part in re.split(r"[\s,]+", value.strip()):
                    assert re.fullmatch(NUMBER, part), f"{el.tag} {name}={value!r}"
                checked += 1
    return checked


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_given_unmet_needs_then_the_map_and_the_trend_chart_have_plain_numbers_and_names_beside_codes() -> None:
    net = builders.network(providers=3)
    lead = services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=T0)
    for k in range(1, 4):
        sweep_deadlines(T0 + dt.timedelta(hours=48 * k))
    lead.refresh_from_db()
    assert lead.state == "closed"
    html = _client(net.supervisor).get(
        reverse("leads:coverage", args=[net.programme.slug]), {"du": "2026-01-01", "au": "2026-12-31"}
    )
    text = html.content.decode()
    svgs = {s.get("id"): s for s in svg_elements(text)}
    assert set(svgs) == {"gap-map", "trend-chart"}
    circles = list(svgs["gap-map"].iter("{http://www.w3.org/2000/svg}circle")) or list(svgs["gap-map"].iter("circle"))
    assert len(circles) == 1 and "." in circles[0].get("cx", "") + circles[0].get("cy", "")
    bars = [r for r in svgs["trend-chart"].iter() if r.tag.endswith("rect")]
    assert len(bars) == 1 and float(bars[0].get("height", "0")) > 0
    assert all(assert_numbers_readable(s) for s in svgs.values())
    assert "92 — Hauts-de-Seine" in text and "SAP06 — Entretien de la maison" in text


@pytest.mark.parametrize(
    ("name", "params"),
    [("web:wallboard", {}), ("web:report", {}), ("wfm:staffing", TEXTBOOK), ("wfm:whatif", {})],
)
def test_given_a_supervisor_when_opening_a_page_with_charts_then_every_svg_parses_with_plain_numbers(
    name: str, params: dict[str, str]
) -> None:
    net = builders.network(providers=1)
    response = _client(net.supervisor).get(reverse(name, args=[net.programme.slug]), params)
    assert response.status_code == 200
    for svg in svg_elements(response.content.decode()):
        assert_numbers_readable(svg)


MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def test_given_unmet_needs_then_their_months_are_written_in_words_not_as_codes() -> None:
    net = builders.network(providers=3)
    services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=T0)
    for k in range(1, 4):
        sweep_deadlines(T0 + dt.timedelta(hours=48 * k))
    html = _client(net.supervisor).get(
        reverse("leads:coverage", args=[net.programme.slug]), {"du": "2026-01-01", "au": "2026-12-31"}
    )
    text = html.content.decode()
    month = T0.strftime("%Y-%m")
    words = f"{MONTHS_FR[T0.month - 1]} {T0.year}"
    assert f"<td>{words}</td>" in text and f"<li>{words} : 1</li>" in text
    assert f">{month}<" not in text  # neither the table, the list nor the chart's axis shows the month's code
