"""One person's call data — call detail records, recordings on disk, the routing journal — in the programme
manager's export and erasure (HTTP) and in the 3-year retention run by the scheduler on a controllable clock;
another programme's data with the same number is never shown nor touched."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from plateau.calls import privacy as call_privacy
from plateau.calls import services as call_services
from plateau.calls.models import CallDetailRecord, CallRecording, RecordingPolicy
from plateau.domain.routing import events as ev
from plateau.domain.routing.snapshot import restore_snapshot, take_snapshot
from plateau.leads import integrations, privacy, services
from plateau.leads.models import WebhookDelivery
from plateau.routing import services as routing_services
from plateau.services import scheduler
from plateau.services.router.runtime import open_journal
from plateau.services.sip.events import CallRecord
from plateau.services.sip.recording import voicemail_name, write_stereo_wav
from plateau.tenants.models import AuditEntry, Programme
from tests.domain.routing import builders as routing_builders
from tests.leads import builders
from tests.leads.builders import T0

pytestmark = pytest.mark.usefixtures("reference_data", "empty_routing_journal")
PHONE = "06 12 34 56 78"
E164 = "+33612345678"


def _id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


@dataclass
class Call:
    call_id: str
    recording: CallRecording | None


def _call(
    programme: Programme, folder: Path, *, caller: str, at: dt.datetime, digits: str = "", record: bool = False
) -> Call:
    """A call as the SIP gateway stores it: its CDR, optionally a recording (a real WAV file)."""
    call_id = _id("call")
    start = at.timestamp()
    call_services.store_call_record(
        CallRecord(call_id, programme.slug, caller, start, queued_at=start + 5, bridged_at=start + 20,
                   ended_at=start + 200, advisor="anne", digits=digits, path=("accueil",)),
        number="0800000000", queue="accueil", routing_contact_id=call_id,
    )  # fmt: skip
    rec = None
    if record:
        path = folder / programme.slug / f"{call_id}.wav"
        seconds = write_stereo_wav(path, b"\xd5" * 800, b"\x55" * 800, "PCMA")
        rec = call_services.store_recording(programme_slug=programme.slug, call_id=call_id, advisor="anne",
                                            path=path, started_at=start + 30, seconds=seconds)  # fmt: skip
    return Call(call_id, rec)


def _journal(*events: ev.RoutingEvent) -> None:
    journal: Any = open_journal()
    try:
        journal.append(list(events))
    finally:
        journal.close()


def _journal_bodies(contact_ids: set[str]) -> dict[tuple[str, str], Any]:
    """The journal's events of these contacts, by (type, contact id)."""
    journal: Any = open_journal()
    try:
        events = [e for _, e in journal.read() if getattr(e, "contact_id", "") in contact_ids]
    finally:
        journal.close()
    return {(type(e).__name__, e.contact_id): e for e in events}


def _manager(net: builders.Network) -> tuple[Client, str]:
    c = Client()
    c.force_login(net.manager)
    return c, reverse("leads:privacy", args=[net.programme.slug])


def test_given_calls_and_a_recording_when_the_manager_exports_the_person_then_json_and_csv_hold_them_and_not_b(
    tmp_path: Path,
) -> None:
    a, b = builders.network(providers=1), builders.network(providers=1)
    at = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    answered = _call(a.programme, tmp_path, caller="0612345678", at=at, digits="1", record=True)
    desk = routing_services.open_routed_contact(
        programme=a.programme, advisor=a.advisor, routing_id=answered.call_id, channel="call", phone=PHONE
    )
    call_services.link_contact(desk, answered.call_id)
    _call(a.programme, tmp_path, caller=E164, at=at + dt.timedelta(hours=1))  # hung up in the IVR: no contact
    _call(a.programme, tmp_path, caller="0699999999", at=at)  # someone else
    _call(b.programme, tmp_path, caller="0612345678", at=at, record=True)  # the same person, another programme

    c, page = _manager(a)
    found = c.post(page, {"phone": PHONE, "action": "find"}).content.decode()
    assert "2 appel(s), 1 enregistrement(s)" in found

    data = json.loads(c.post(page, {"phone": PHONE, "action": "json"}).content)
    assert sorted(x["caller"] for x in data["calls"]) == sorted(["0612345678", E164])
    assert {x["call_id"] for x in data["calls"]} <= set(
        CallDetailRecord.objects.filter(programme=a.programme).values_list("call_id", flat=True)
    )
    assert [x["contact"] for x in data["calls"] if x["call_id"] == answered.call_id] == [desk.pk]
    assert answered.recording is not None
    rec = answered.recording
    assert data["recordings"] == [
        {"id": rec.pk, "call_id": answered.call_id, "started_at": rec.started_at.isoformat(),
         "seconds": rec.seconds, "file": Path(rec.path).name}
    ]  # fmt: skip

    table = c.post(page, {"phone": PHONE, "action": "csv"}).content.decode()
    rows = list(csv.reader(io.StringIO(table.lstrip("\ufeff")), delimiter=";"))
    cdr = CallDetailRecord.objects.get(programme=a.programme, call_id=answered.call_id)
    assert ["appel", str(cdr.pk), "caller", "0612345678"] in rows
    assert ["enregistrement", str(answered.recording.pk), "call_id", answered.call_id] in rows
    audit = AuditEntry.objects.filter(action="person.exported", programme=a.programme).latest("pk")
    assert audit.data["recordings"] == [answered.recording.pk] and len(audit.data["calls"]) == 2


def test_given_erasure_confirmed_then_numbers_recordings_and_journal_entries_go_in_this_programme_only(
    tmp_path: Path,
) -> None:
    a, b = builders.network(providers=1), builders.network(providers=1)
    at = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    mine = _call(a.programme, tmp_path, caller="0612345678", at=at, digits="75001", record=True)
    theirs = _call(b.programme, tmp_path, caller="0612345678", at=at, digits="2", record=True)
    letter = _id("c")  # a letter routed to an advisor, opened on the desk for this caller
    routing_services.open_routed_contact(
        programme=a.programme, advisor=a.advisor, routing_id=letter, channel="letter", phone=PHONE,
        correspondent="Mme Durand, 1 rue Haute",
    )  # fmt: skip
    t = at.timestamp()
    _journal(
        ev.ContactArrived(_id("e"), t, mine.call_id, f"{a.programme.slug}.accueil", (), 0.0, "0612345678"),
        ev.CallbackRequested(_id("e"), t + 9, mine.call_id, "0687654321", t + 60, t + 3600),
        ev.ContactArrived(_id("e"), t, letter, f"{a.programme.slug}.courrier", (), 0.0, "", "",
                          (("correspondent", "Mme Durand, 1 rue Haute"), ("langue", "fr"))),
        ev.ContactArrived(_id("e"), t, theirs.call_id, f"{b.programme.slug}.accueil", (), 0.0, "0612345678"),
    )  # fmt: skip

    c, page = _manager(a)
    done = c.post(page, {"phone": PHONE, "action": "erase", "confirm": "0612345678"}, follow=True).content.decode()
    assert "1 appel(s) rendu(s) anonyme(s), 1 enregistrement(s) supprimé(s), 3 événement(s)" in done

    erased = CallDetailRecord.objects.get(programme=a.programme, call_id=mine.call_id)
    assert (erased.caller, erased.digits) == ("", "") and erased.talk_seconds == 180.0  # timings stay
    kept = CallDetailRecord.objects.get(programme=b.programme, call_id=theirs.call_id)
    assert (kept.caller, kept.digits) == ("0612345678", "2")
    assert mine.recording is not None and theirs.recording is not None
    assert not Path(mine.recording.path).exists() and not CallRecording.objects.filter(pk=mine.recording.pk).exists()
    assert Path(theirs.recording.path).exists() and CallRecording.objects.filter(pk=theirs.recording.pk).exists()

    journal = _journal_bodies({mine.call_id, letter, theirs.call_id})
    arrived = journal[("ContactArrived", mine.call_id)]
    assert isinstance(arrived, ev.ContactArrived) and arrived.caller == ""
    assert arrived.queue_id == f"{a.programme.slug}.accueil" and arrived.at == t  # the arrival stays for forecasts
    callback = journal[("CallbackRequested", mine.call_id)]
    assert isinstance(callback, ev.CallbackRequested) and callback.number == ""
    routed_letter = journal[("ContactArrived", letter)]
    assert isinstance(routed_letter, ev.ContactArrived) and routed_letter.attributes == (("langue", "fr"),)
    other = journal[("ContactArrived", theirs.call_id)]
    assert isinstance(other, ev.ContactArrived) and other.caller == "0612345678"

    entry = AuditEntry.objects.get(action="person.erased", programme=a.programme)
    assert (entry.actor, entry.data["calls"], entry.data["recordings"], entry.data["journal_events"]) == (
        a.manager, 1, 1, 3
    )  # fmt: skip


def test_given_calls_older_than_three_years_when_the_scheduler_ticks_then_only_numbers_silent_since_are_blanked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scheduler, "_last_retention", [])  # a fresh process: the first tick runs the retention
    net = builders.network(providers=1)
    old_at = dt.datetime(2020, 3, 2, 9, 0, tzinfo=dt.UTC)
    silent = _call(net.programme, tmp_path, caller="0611111111", at=old_at, digits="3")
    returning_old = _call(net.programme, tmp_path, caller="0622222222", at=old_at)
    returning_new = _call(net.programme, tmp_path, caller="0622222222", at=old_at + dt.timedelta(days=800))
    old_event, new_event = _id("c"), _id("c")
    queue = f"{net.programme.slug}.accueil"
    _journal(
        ev.ContactArrived(_id("e"), old_at.timestamp(), old_event, queue, (), 0.0, "0611111111"),
        ev.ContactArrived(_id("e"), (old_at + dt.timedelta(days=800)).timestamp(), new_event, queue, (), 0.0,
                          "0622222222"),
    )  # fmt: skip

    before = scheduler.sweep_once(old_at + dt.timedelta(days=3 * 365 - 1))
    assert before.retention is not None and before.retention.calls == 0
    later = old_at + dt.timedelta(days=3 * 365 + 1)
    tick = scheduler.sweep_once(later)
    assert tick.retention is not None and tick.retention.calls == 1 and tick.retention.journal_events >= 1

    def caller(call: Call) -> str:
        return CallDetailRecord.objects.get(programme=net.programme, call_id=call.call_id).caller

    assert caller(silent) == "" and caller(returning_old) == caller(returning_new) == "0622222222"
    journal = _journal_bodies({old_event, new_event})
    assert [journal[("ContactArrived", x)].caller for x in (old_event, new_event)] == ["", "0622222222"]
    again = scheduler.sweep_once(later + dt.timedelta(hours=1))
    assert again.retention is not None and (again.retention.calls, again.retention.journal_events) == (0, 0)
    entry = AuditEntry.objects.filter(action="person.retention").latest("pk")
    assert entry.data["calls"] == 1 and entry.data["journal_events"] == tick.retention.journal_events


def _voicemail(programme: Programme, call_id: str, at: dt.datetime) -> Path:
    """A voicemail as the SIP gateway leaves it under ``<var>/voicemail/<programme>/``."""
    folder = call_privacy.voicemail_folder(programme)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / voicemail_name(call_id, at.timestamp(), "PCMA")
    path.write_bytes(b"\xd5" * 1600)
    return path


def test_given_voicemails_then_the_caller_s_are_exported_and_erased_and_old_ones_purged_after_retention(
    tmp_path: Path, settings: Any
) -> None:
    settings.VAR_DIR = tmp_path
    a, b = builders.network(providers=1), builders.network(providers=1)
    RecordingPolicy.objects.create(programme=a.programme, retention_days=7)
    now = dt.datetime.now(dt.UTC)
    mine, other = (_call(a.programme, tmp_path, caller=n, at=now) for n in ("0612345678", "0699999999"))
    theirs = _call(b.programme, tmp_path, caller="0612345678", at=now)
    my_message, other_message = _voicemail(a.programme, mine.call_id, now), _voicemail(a.programme, other.call_id, now)
    their_message = _voicemail(b.programme, theirs.call_id, now)

    c, page = _manager(a)
    data = json.loads(c.post(page, {"phone": PHONE, "action": "json"}).content)
    assert data["voicemails"] == [{"file": my_message.name, "bytes": 1600}]
    c.post(page, {"phone": PHONE, "action": "erase", "confirm": PHONE})
    assert not my_message.exists() and other_message.exists() and their_message.exists()

    assert call_services.purge_recordings(now + dt.timedelta(days=6)) == 0
    assert call_services.purge_recordings(now + dt.timedelta(days=8)) == 1  # A keeps 7 days; B the default 30
    assert not other_message.exists() and their_message.exists()
    assert AuditEntry.objects.get(action="call.voicemails_purged").programme == a.programme


@pytest.mark.usefixtures("local_webhooks")
def test_given_a_lead_sent_to_a_provider_system_when_the_person_is_erased_then_the_copies_are_blanked() -> None:
    net = builders.network(providers=1)
    provider, provider_user = net.providers[0], net.provider_users[0]
    integrations.register_webhook(provider, actor=provider_user, url="http://127.0.0.1:9/x", events=[])
    token = integrations.create_api_token(provider, actor=provider_user, name="Logiciel").secret
    lead = services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=T0)
    portal = Client(headers={"Authorization": f"Bearer {token}"})
    acked = portal.post(f"/api/leads/provider/leads/{lead.pk}/acknowledge", headers={"Idempotency-Key": "k1"})
    assert acked.status_code == 200 and acked.json()["client_phone"] == E164
    delivery = WebhookDelivery.objects.get(payload__lead__id=lead.pk, event="lead.sent")
    assert delivery.payload["lead"]["client_phone"] == E164

    privacy.erase_person(net.programme, PHONE, actor=net.manager)

    delivery.refresh_from_db()
    assert (delivery.payload["lead"]["client_phone"], delivery.payload["lead"]["client_name"]) == ("", privacy.ERASED)
    assert delivery.payload["lead"]["activity"] == "SAP06"  # the facts stay
    replayed = portal.post(f"/api/leads/provider/leads/{lead.pk}/acknowledge", headers={"Idempotency-Key": "k1"})
    assert replayed.status_code == 200 and replayed.json()["client_phone"] == ""
    assert replayed.json()["client_name"] == privacy.ERASED


def test_given_a_caller_still_waiting_in_the_router_snapshot_when_erased_then_the_snapshot_forgets_their_numbers(
    tmp_path: Path,
) -> None:
    a, b = builders.network(providers=1), builders.network(providers=1)
    qa, qb = f"{a.programme.slug}.accueil", f"{b.programme.slug}.accueil"
    queues = (routing_builders.queue(qa, a.programme.slug), routing_builders.queue(qb, b.programme.slug))
    router = routing_builders.Scenario(routing_builders.config(*queues))
    t = dt.datetime.now(dt.UTC).timestamp()
    waiting, theirs = _id("call"), _id("call")
    router.feed(ev.ContactArrived(router.eid(), t, waiting, qa, (), 0.0, "+33612345678"))
    router.feed(ev.CallbackRequested(router.eid(), t + 5, waiting, "0687654321", t + 60, t + 3600))
    router.feed(ev.ContactArrived(router.eid(), t, theirs, qb, (), 0.0, "0612345678"))
    journal: Any = open_journal()
    try:
        journal.save_snapshot(1, take_snapshot(router.engine))
    finally:
        journal.close()

    privacy.erase_person(a.programme, PHONE, actor=a.manager)

    journal = open_journal()
    try:
        latest = journal.latest_snapshot()
    finally:
        journal.close()
    assert latest is not None
    restored = restore_snapshot(latest[1]).contacts  # the router recovers from it as before, minus the numbers
    assert (restored[waiting].caller, restored[waiting].callback) == ("", ("", t + 60, t + 3600))
    assert restored[waiting].queue_id == qa and restored[theirs].caller == "0612345678"
