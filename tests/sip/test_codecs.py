import pytest

from plateau.services.sip import digest, rtp, sdp

SIPP_OFFER = (
    b"v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    b"m=audio 6000 RTP/AVP 0 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
)


def test_given_an_offer_with_pcmu_first_then_pcmu_is_chosen_with_telephone_event():
    neg = sdp.negotiate(sdp.parse(SIPP_OFFER))
    assert (neg.codec, neg.payload_type, neg.dtmf_payload_type, neg.remote_port) == ("PCMU", 0, 101, 6000)
    answer = sdp.parse(sdp.answer(neg, "127.0.0.1", 7000, sdp.Session(1)))
    assert answer.payload_types == (0, 101)
    assert answer.port == 7000


def test_given_only_opus_then_there_is_no_common_codec():
    body = SIPP_OFFER.replace(b"0 8 101", b"111").replace(b"a=rtpmap:8 PCMA", b"a=rtpmap:111 opus/48000/2\r\nx")
    with pytest.raises(sdp.SdpError):
        sdp.negotiate(sdp.parse(body))


def test_given_an_offer_restricted_to_the_caller_codec_then_only_that_codec_is_offered():
    offer = sdp.parse(sdp.offer("127.0.0.1", 7002, sdp.Session(5), codec="PCMA"))
    assert offer.payload_types == (8, 101)


def test_rtp_round_trip_and_rfc4733_event():
    data = rtp.pack(101, 65535, 2**32 - 1, 42, bytes([1, 0x80, 0x03, 0x20]), marker=True)
    pkt = rtp.unpack(data)
    assert pkt is not None
    assert (pkt.payload_type, pkt.marker, pkt.sequence, pkt.ssrc) == (101, True, 65535, 42)
    assert rtp.telephone_event(pkt.payload) == rtp.DtmfEvent("1", True, 800)
    assert rtp.unpack(b"\x00" * 20) is None


def test_frames_are_20_ms_and_the_last_is_padded_with_silence():
    out = rtp.frames(b"\x01" * 350, "PCMA")
    assert [len(f) for f in out] == [160, 160, 160]
    assert out[-1][30:] == b"\xd5" * 130


@pytest.mark.parametrize(
    ("ctype", "body", "digit"),
    [
        ("application/dtmf-relay", b"Signal=2\r\nDuration=160\r\n", "2"),
        ("application/dtmf-relay", b"Signal=11\r\n", "#"),
        ("application/dtmf", b"5", "5"),
        ("application/dtmf-relay", b"Duration=160", None),
        ("text/plain", b"5", None),
    ],
)
def test_sip_info_dtmf_bodies(ctype, body, digit):
    assert rtp.info_digit(ctype, body) == digit


def test_given_digest_credentials_then_only_the_right_password_and_fresh_nonce_pass():
    nonces = digest.NonceFactory(lifetime=60)
    nonce = nonces.new()
    store = {"alice": digest.ha1("alice", "plateau", "s3cret")}
    good = digest.authorization("alice", "s3cret", "plateau", nonce, "REGISTER", "sip:127.0.0.1")
    bad = digest.authorization("alice", "wrong", "plateau", nonce, "REGISTER", "sip:127.0.0.1")
    assert digest.verify(good, "REGISTER", "plateau", store, nonces) == "alice"
    assert digest.verify(bad, "REGISTER", "plateau", store, nonces) is None
    assert digest.verify(None, "REGISTER", "plateau", store, nonces) is None
    stale = digest.NonceFactory(lifetime=60, key=b"k")
    assert not stale.fresh(stale.new(now=0), now=61)
    assert stale.fresh(stale.new(now=0), now=59)
