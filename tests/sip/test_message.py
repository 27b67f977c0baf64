from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plateau.services.sip.message import ParseError, SipMessage, parse, response

INVITE = (
    b"INVITE sip:3211@127.0.0.1:5060 SIP/2.0\r\n"
    b"Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-abc\r\n"
    b"f: sipp <sip:sipp@127.0.0.1:5061>;tag=caller\r\n"
    b"To: <sip:3211@127.0.0.1:5060>\r\n"
    b"Call-ID: call-1@127.0.0.1\r\n"
    b"CSeq: 1 INVITE\r\n"
    b"Content-Type: application/sdp\r\n"
    b"Content-Length: 4\r\n\r\nv=0\nJUNK"
)


def test_given_a_valid_invite_then_routing_fields_are_extracted_and_the_body_cut_at_content_length():
    msg = parse(INVITE)
    assert isinstance(msg, SipMessage)
    assert (msg.method, msg.call_id, msg.cseq, msg.branch) == ("INVITE", "call-1@127.0.0.1", 1, "z9hG4bK-abc")
    assert (msg.from_tag, msg.to_tag, msg.body) == ("caller", None, b"v=0\n")
    assert msg.uri == "sip:3211@127.0.0.1:5060"


def test_given_a_request_when_answered_then_the_response_copies_routing_headers_and_adds_our_tag():
    msg = parse(INVITE)
    assert isinstance(msg, SipMessage)
    reply = parse(response(msg, 180, to_tag="gw1"))
    assert isinstance(reply, SipMessage)
    assert (reply.code, reply.to_tag, reply.branch, reply.cseq_method) == (180, "gw1", "z9hG4bK-abc", "INVITE")


def test_given_an_unreadable_from_header_then_the_request_is_answered_with_400():
    result = parse(INVITE.replace(b"Call-ID: call", b"Bad header line\r\nCall-ID: call"))
    assert isinstance(result, ParseError)
    assert result.response is not None
    answer = parse(result.response)
    assert isinstance(answer, SipMessage)
    assert answer.code == 400
    assert answer.call_id == "call-1@127.0.0.1"


def test_given_a_method_mismatch_or_short_body_then_400():
    for broken in (INVITE.replace(b"CSeq: 1 INVITE", b"CSeq: 1 BYE"), INVITE.replace(b"Length: 4", b"Length: 99")):
        result = parse(broken)
        assert isinstance(result, ParseError)
        assert result.response is not None


def test_given_garbage_or_a_broken_response_then_nothing_is_sent_back():
    for data in (
        b"",
        b"\r\n\r\n",
        b"hello",
        b"SIP/2.0 200 OK\r\nVia: x\r\n\r\n",
        INVITE.replace(b"INVITE s", b"ACK s"),
    ):
        result = parse(data)
        assert isinstance(result, ParseError)
        assert result.response is None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_fuzz_given_any_bytes_then_parse_returns_a_message_or_an_error(data):
    result = parse(data)
    assert isinstance(result, SipMessage | ParseError)


@settings(max_examples=400, deadline=None)
@given(st.integers(0, len(INVITE)), st.binary(min_size=1, max_size=12), st.integers(0, 5))
def test_fuzz_given_a_mutated_invite_then_parse_never_raises_and_any_400_is_itself_parsable(pos, noise, cut):
    data = INVITE[:pos] + noise + INVITE[pos + cut :]
    result = parse(data)
    if isinstance(result, ParseError) and result.response is not None:
        answer = parse(result.response)
        if b"\r\nCall-ID: " in result.response and b"\r\nCSeq: " in result.response:
            assert isinstance(answer, SipMessage), result.response
            assert answer.code == 400
        else:  # the request had no Call-ID or CSeq: the 400 lacks them too but is readable and routable
            assert result.response.startswith(b"SIP/2.0 400 "), result.response
            assert b"\r\nVia: SIP/2.0/UDP " in result.response


def test_given_a_request_without_call_id_or_cseq_then_a_400_goes_back_along_its_via():
    for name in (b"Call-ID", b"CSeq"):
        lines = [line for line in INVITE.split(b"\r\n") if not line.startswith(name + b":")]
        result = parse(b"\r\n".join(lines))
        assert isinstance(result, ParseError)
        assert result.response is not None and result.response.startswith(b"SIP/2.0 400 Bad Request\r\n")
        assert b"Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-abc" in result.response
        assert (name + b":") not in result.response
        assert b"missing " + name in result.response
