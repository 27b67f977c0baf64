"""RFC 4028 arithmetic of plateau.services.sip.session_timer: who refreshes, when, and what a 422 asks."""

from __future__ import annotations

import pytest

from plateau.services.sip import message as sipmsg
from plateau.services.sip import session_timer
from plateau.services.sip.message import SipMessage


def _message(first_line: str, *headers: str) -> SipMessage:
    lines = [first_line, "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-1", "From: <sip:a@127.0.0.1>;tag=a",
             "To: <sip:b@127.0.0.1>;tag=b", "Call-ID: st-1", "CSeq: 1 INVITE", *headers,
             "Content-Length: 0"]  # fmt: skip
    msg = sipmsg.parse(("\r\n".join(lines) + "\r\n\r\n").encode())
    assert isinstance(msg, SipMessage)
    return msg


@pytest.mark.parametrize(
    ("header", "we_refresh"),
    [("1800;refresher=uac", False), ("1800;refresher=uas", True), ("1800", False)],
)
def test_given_a_request_asking_for_a_timer_then_the_refresher_is_the_one_it_names_and_uac_by_default(
    header: str, we_refresh: bool
):
    timer = session_timer.negotiate(_message("INVITE sip:b@127.0.0.1 SIP/2.0", f"Session-Expires: {header}"), 90)
    assert isinstance(timer, session_timer.Agreed)
    assert (timer.expires, timer.we_refresh) == (1800, we_refresh)
    assert (timer.refresh_after, timer.give_up_after) == (900, 1800 - 32)


def test_given_a_request_below_our_min_se_then_422_with_it():
    request = _message("INVITE sip:b@127.0.0.1 SIP/2.0", "x: 30")  # the compact form
    assert session_timer.negotiate(request, 90) == session_timer.TooSmall(90)


@pytest.mark.parametrize(
    ("header", "we_refresh"),
    [("Session-Expires: 600;refresher=uac", True), ("Session-Expires: 600;refresher=uas", False),
     ("Session-Expires: 600", True)],
)  # fmt: skip
def test_given_a_2xx_to_our_invite_then_refresher_uac_is_us_and_uas_the_phone(header: str, we_refresh: bool):
    timer = session_timer.answered(_message("SIP/2.0 200 OK", header))
    assert timer is not None and (timer.expires, timer.we_refresh) == (600, we_refresh)
    assert timer.refresh_header() == "600;refresher=uac"  # our refreshes keep us the refresher


def test_given_a_2xx_without_session_expires_then_no_timer_runs():
    assert session_timer.answered(_message("SIP/2.0 200 OK")) is None


@pytest.mark.parametrize(("header", "min_se"), [("Min-SE: 120", 120), ("Min-SE: 3;x=y", 3), ("Min-SE: soon", None)])
def test_given_a_422_then_its_min_se_is_read(header: str, min_se: int | None):
    assert session_timer.min_se_of(_message("SIP/2.0 422 Session Interval Too Small", header)) == min_se
