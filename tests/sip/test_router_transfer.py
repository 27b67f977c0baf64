"""Orientation to level 2 from the desk, end to end through real SIP: the advisor's « Transférer l'appel »
(the orientation view) → the router's bus (TransferRequested) → the gateway's port → a REFER to the caller's
sipp phone whose Refer-To is the destination's SIP address; the caller accepts (NOTIFY 200), both legs end,
the CDR keeps the target and the orientation is recorded on the contact."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from plateau.calls import services as call_services
from plateau.orientation.models import Orientation, Theme
from plateau.orientation.services import DestinationInput, save_destination_as_admin
from plateau.routing import services as routing_services
from plateau.tenants.models import AuditEntry, Programme, User

from . import harness
from .harness import sipp
from .test_router_port import PROGRAMME, cdr_of, db, experts, plant, run, set_phone
from .test_router_port import router as router

pytestmark = [
    pytest.mark.skipif(harness.SIPP is None or shutil.which("sox") is None, reason="make test-system-deps"),
    pytest.mark.django_db(transaction=True),
]
TARGET = "sip:cesu@127.0.0.1:5999"


@pytest.fixture(scope="module")
def voice(tmp_path_factory) -> str:
    return harness.voice_wav(tmp_path_factory.mktemp("media") / "voice.wav")


def destination(target: str = TARGET) -> int:
    """The national line's Cesu centre, open around the clock, reached at ``target``."""
    programme = Programme.objects.get(slug=PROGRAMME)
    Theme.objects.create(programme=programme, code="cesu", label="Cesu")
    given = DestinationInput(name="Centre national Cesu", phone="0806 802 378", sip_uri=target, always_open=True,
                             theme_codes=["cesu"], briefing="Numéro Cesu de l'employeur.")  # fmt: skip
    return save_destination_as_admin(programme, given, actor=None).pk


def open_contact(username: str, call_id: str) -> int:
    """What the desk does when the advisor takes the call: a contact opened for the routed call, its CDR linked."""
    advisor = User.objects.get(username=username)
    programme = Programme.objects.get(slug=PROGRAMME)
    contact = routing_services.open_routed_contact(programme=programme, advisor=advisor, routing_id=call_id,
                                                   channel="call", phone="0612345678")  # fmt: skip
    call_services.link_contact(contact, call_id)
    return contact.pk


def transfer(username: str, contact_id: int, destination_id: int) -> tuple[int, str]:
    """The panel's « Transférer l'appel » button, as the browser posts it."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    url = reverse("orientation:orient", args=[PROGRAMME, contact_id])
    response = client.post(url, {"destination": destination_id, "theme": "cesu", "mode": "transfer"})
    return response.status_code, response.get("Location", "")


def refer_to(tmp: Path) -> list[str]:
    """The Refer-To headers the caller's sipp received (its -trace_msg log)."""
    logs = list(tmp.glob("caller_queue_referred*_messages.log"))
    return [line.split(":", 1)[1].strip() for log in logs for line in log.read_text().splitlines()
            if line.lower().startswith("refer-to:")]  # fmt: skip


def test_given_a_bridged_call_when_the_advisor_transfers_it_to_a_destination_then_the_caller_is_referred_there(
    router, tmp_path, voice
):
    first = experts()[0]

    async def scenario():
        async with plant(router, tmp_path) as p:
            target_id = await db(destination)
            await p.login(first)
            phone = await sipp("advisor_answer.xml", None, replace={"RINGMS": "100", "VOICE_WAV": voice}, tmp=tmp_path)
            await db(set_phone, first, f"sip:{first}@127.0.0.1:{phone.port}")
            caller = await sipp("caller_queue_referred.xml", p.gateway.port, tmp=tmp_path, replace={"VOICE_WAV": voice})
            bridged = await p.wait(lambda: p.message("CallBridged"))
            call_id = bridged.data["call_id"]
            contact_id = await db(open_contact, first, call_id)
            status, location = await db(transfer, first, contact_id, target_id)
            assert (status, location) == (302, reverse("web:contact", args=[PROGRAMME, contact_id]) + "?theme=cesu")
            done = await p.wait(lambda: p.message("CallTransferred", call_id=call_id))
            assert (done.data["target"], done.data["method"], done.data["outcome"]) == (TARGET, "refer", "accepted")
            for peer in (caller, phone):
                code, out = await peer.result()
                assert code == 0, (peer.name, out)  # the caller got REFER then BYE; the advisor's phone got BYE
            return call_id, contact_id, await p.wait_db(cdr_of, call_id)

    call_id, contact_id, cdr = run(scenario())
    assert refer_to(tmp_path) == [f"<{TARGET}>"]
    assert (cdr.cause, cdr.transfer_target, cdr.contact_id) == ("transferred", TARGET, contact_id)
    orientation = Orientation.objects.get(contact_id=contact_id)
    assert (orientation.mode, orientation.target, orientation.routing_contact_id) == ("transfer", TARGET, call_id)
    assert AuditEntry.objects.filter(action="orientation.transferred", data__routing_contact_id=call_id).exists()


def test_given_a_call_of_another_advisor_when_a_transfer_is_requested_on_the_bus_then_nothing_is_transferred(
    router, tmp_path, voice
):
    from plateau.services.router.bus import RoutingMessage
    from plateau.services.sip.events import TRANSFER_REQUESTED

    first, other = experts()[:2]

    async def scenario():
        async with plant(router, tmp_path) as p:
            await p.login(first)
            phone = await sipp("advisor_answer.xml", None, replace={"RINGMS": "100", "VOICE_WAV": voice}, tmp=tmp_path)
            await db(set_phone, first, f"sip:{first}@127.0.0.1:{phone.port}")
            caller = await sipp("caller_queue.xml", p.gateway.port, tmp=tmp_path,
                                replace={"TALKMS": "2500", "VOICE_WAV": voice})  # fmt: skip
            bridged = await p.wait(lambda: p.message("CallBridged"))
            forged = RoutingMessage(TRANSFER_REQUESTED, {"contact_id": bridged.data["call_id"], "target": TARGET},
                                    (PROGRAMME,), other)  # fmt: skip
            p.bus.publish([forged])
            for peer in (caller, phone):
                code, out = await peer.result()
                assert code == 0, (peer.name, out)  # the call went on to its normal end: no REFER reached the caller
            assert p.message("CallTransferred") is None

    run(scenario())


def test_given_a_caller_phone_refusing_refer_when_the_advisor_transfers_then_a_new_leg_replaces_the_advisor(
    router, tmp_path, voice
):
    first = experts()[0]

    async def scenario():
        async with plant(router, tmp_path) as p:
            external = await sipp("advisor_answer.xml", None, replace={"RINGMS": "100", "VOICE_WAV": voice},
                                  tmp=tmp_path)  # fmt: skip
            target = f"sip:cesu@127.0.0.1:{external.port}"
            target_id = await db(destination, target)
            await p.login(first)
            phone = await sipp("advisor_answer.xml", None, replace={"RINGMS": "100", "VOICE_WAV": voice}, tmp=tmp_path)
            await db(set_phone, first, f"sip:{first}@127.0.0.1:{phone.port}")
            caller = await sipp("caller_queue_refer_refused.xml", p.gateway.port, tmp=tmp_path,
                                replace={"TALKMS": "1500", "VOICE_WAV": voice})  # fmt: skip
            bridged = await p.wait(lambda: p.message("CallBridged"))
            call_id = bridged.data["call_id"]
            contact_id = await db(open_contact, first, call_id)
            assert (await db(transfer, first, contact_id, target_id))[0] == 302
            done = await p.wait(lambda: p.message("CallTransferred", call_id=call_id))
            assert (done.data["target"], done.data["method"], done.data["outcome"]) == (target, "bridge", "accepted")
            assert p.gateway.busy == set()  # the advisor's leg was hung up when the new leg replaced it
            for peer in (phone, caller, external):
                code, out = await peer.result()
                assert code == 0, (peer.name, out)  # the advisor's phone got BYE; caller and target talked, then BYE
            return await p.wait_db(cdr_of, call_id)

    cdr = run(scenario())
    assert cdr.transfer_target.startswith("sip:cesu@127.0.0.1:") and cdr.ended_by == "caller"
