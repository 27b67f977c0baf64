"""Voice-menu flows through the services: validation at save time (every reason, in French), draft and
published versions with audit and event, recorded prompts converted by sox, and what the gateway loads."""

from __future__ import annotations

from typing import Any

import pytest

from plateau.domain.ivr import FlowInvalid
from plateau.events import subscribe
from plateau.ivr import services
from plateau.ivr.access import draft_token
from plateau.ivr.errors import DraftChanged, NoDraft, PromptRefused
from plateau.ivr.events import IvrFlowPublished
from plateau.ivr.lines import fingerprint, load_lines
from plateau.ivr.models import FlowStatus, IvrFlow, RecordedPrompt
from plateau.routing.models import Queue
from plateau.services.sip.prompts import encode_recording
from plateau.tenants.models import AuditEntry, Role
from tests import factories

from . import builders
from .builders import flow

pytestmark = pytest.mark.django_db

MENU, HOURS = builders.FLOW["nodes"]["accueil"], builders.FLOW["nodes"]["horaires"]

REFUSED: list[tuple[str, Any, str]] = [
    ("unknown node type", flow({"ferme": {"type": "dance"}}), "ferme: type d'étape « dance » inconnu"),
    ("digit to a missing step", flow({"accueil": {**MENU, "options": {"1": "nulle-part"}}}),
     "accueil: mène à « nulle-part » qui n'existe pas"),
    ("unreachable step", flow({"orphelin": {"type": "hangup"}}), "orphelin: étape jamais atteinte"),
    ("bad digit", flow({"accueil": {**MENU, "options": {"x": "file"}}}), "touche « x » invalide"),
    ("queue of another channel", flow({"file": {"type": "queue", "queue": "courriels"}}),
     "file: file « courriels » absente de la configuration de routage du programme (files d'appels : appels)"),
    ("unknown queue", flow({"file": {"type": "queue", "queue": "inconnue"}}), "file « inconnue » absente"),
    ("unknown prompt", flow({"au-revoir": {"type": "hangup", "prompt": "bonjour"}}),
     "au-revoir: message « bonjour » inconnu"),
    ("unknown music", flow({"file": {"type": "queue", "queue": "appels", "music": "jazz"}}),
     "message « jazz » inconnu"),
    ("bad transfer target", flow({"urssaf": {"type": "transfer", "target": "urssaf"}}), "destination « urssaf »"),
    ("missing start", {**flow(), "start": "debut"}, "l'étape de départ « debut » n'existe pas"),
    ("hours range reversed", flow({"horaires": {**HOURS, "weekly": {"mon": [["18:00", "08:00"]]}}}),
     "une plage de « mon » finit avant de commencer"),
    ("unknown calendar", flow({"horaires": {**HOURS, "calendar": "alsace"}}),
     "calendrier « alsace » inconnu"),
    ("not an object", ["start"], "le parcours doit être un objet JSON"),
    ("no steps", {"start": "a", "nodes": {}}, "le parcours n'a aucune étape"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "data", "reason"), REFUSED, ids=[c[0] for c in REFUSED])
def test_given_a_bad_flow_when_saved_then_it_is_refused_with_the_reason_and_nothing_is_written(case, data, reason):
    line = builders.line()
    with pytest.raises(FlowInvalid) as refused:
        services.save_flow_draft(actor=line.manager, programme=line.programme, data=data)
    assert any(reason in r for r in refused.value.reasons), refused.value.reasons
    assert refused.value.error_id == "ivr_flow_invalid"
    assert not IvrFlow.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="ivr.").exists()


def test_given_several_problems_then_every_reason_is_listed_at_once():
    line = builders.line()
    data = flow({"file": {"type": "queue", "queue": "inconnue"}, "au-revoir": {"type": "hangup", "prompt": "x"},
                 "orphelin": {"type": "hangup"}})  # fmt: skip
    with pytest.raises(FlowInvalid) as refused:
        services.save_flow_draft(actor=line.manager, programme=line.programme, data=data)
    assert len(refused.value.reasons) == 3
    assert "Le parcours vocal est invalide" in refused.value.message


def test_given_drafts_and_publications_then_versions_statuses_audit_and_events_follow(
    django_capture_on_commit_callbacks,
):
    line = builders.line()
    published: list[Any] = []
    unsubscribe = subscribe(lambda e: published.append(e) if isinstance(e, IvrFlowPublished) else None)
    try:
        with pytest.raises(NoDraft):
            services.publish_flow(actor=line.manager, programme=line.programme)
        v1 = services.save_flow_draft(actor=line.manager, programme=line.programme, data=flow())
        with django_capture_on_commit_callbacks(execute=True):
            services.publish_flow(actor=line.manager, programme=line.programme)
        assert len(published) == 1
        v2 = services.save_flow_draft(actor=line.manager, programme=line.programme, data=flow())
        again = services.save_flow_draft(
            actor=line.manager, programme=line.programme, data=flow({"file": {"type": "queue", "queue": "appels",
                                                                              "announce_every_s": 45}})
        )  # fmt: skip
        assert (v1.version, v2.version, again.pk) == (1, 2, v2.pk)  # one draft per programme, edited in place
        assert IvrFlow.objects.get(pk=v1.pk).status == FlowStatus.PUBLISHED
        with django_capture_on_commit_callbacks(execute=True):
            services.publish_flow(actor=line.manager, programme=line.programme)
    finally:
        unsubscribe()
    rows = {f.version: f for f in IvrFlow.objects.for_programme(line.programme)}
    assert (rows[1].status, rows[2].status) == (FlowStatus.ARCHIVED, FlowStatus.PUBLISHED)
    assert rows[2].data["nodes"]["file"]["announce_every_s"] == 45
    assert (rows[2].published_by, rows[2].published_at is not None) == (line.manager, True)
    audit = AuditEntry.objects.filter(programme=line.programme).order_by("at", "pk")
    actions = list(audit.values_list("action", "data"))
    assert [a for a, _ in actions] == ["ivr.flow_saved", "ivr.flow_published", "ivr.flow_saved", "ivr.flow_saved",
                                       "ivr.flow_published"]  # fmt: skip
    assert actions[-1][1] == {"version": 2, "replaced": 1}
    assert [(e.programme_id, e.version) for e in published] == [(line.programme.pk, 1), (line.programme.pk, 2)]


def test_given_a_queue_renamed_after_the_draft_was_saved_then_publishing_is_refused():
    line = builders.line()
    services.save_flow_draft(actor=line.manager, programme=line.programme, data=flow())
    Queue.objects.filter(programme=line.programme, code="appels").update(code="telephone")
    with pytest.raises(FlowInvalid) as refused:
        services.publish_flow(actor=line.manager, programme=line.programme)
    assert "file « appels » absente" in refused.value.message
    assert not IvrFlow.objects.filter(status=FlowStatus.PUBLISHED).exists()


def test_given_a_recorded_wav_then_it_is_stored_in_both_codecs_at_8khz_and_its_name_becomes_a_valid_prompt(tmp_path):
    line = builders.line()
    content = builders.wav(tmp_path / "bonjour.wav", 1.5)
    data = flow({"au-revoir": {"type": "hangup", "prompt": "bonjour"}})
    with pytest.raises(FlowInvalid):
        services.save_flow_draft(actor=line.manager, programme=line.programme, data=data)
    prompt = services.record_prompt(actor=line.manager, programme=line.programme, name="bonjour", content=content,
                                    filename="bonjour.wav")  # fmt: skip
    assert abs(prompt.duration_ms - 1500) <= 10
    assert abs(len(prompt.alaw) - 12_000) <= 80 and len(prompt.ulaw) == len(prompt.alaw)  # 8,000 bytes per second
    assert bytes(prompt.alaw) == encode_recording(tmp_path / "bonjour.wav")["PCMA"]
    services.save_flow_draft(actor=line.manager, programme=line.programme, data=data)
    again = services.record_prompt(actor=line.manager, programme=line.programme, name="bonjour",
                                   content=builders.wav(tmp_path / "b2.wav", 2.0))  # fmt: skip
    assert again.pk == prompt.pk and abs(again.duration_ms - 2000) <= 10
    audit = AuditEntry.objects.filter(action="ivr.prompt_recorded").order_by("at", "pk")
    assert [a.data["replaced"] for a in audit] == [False, True]


BAD_FILES: list[tuple[str, Any, str]] = [
    ("not a wav", lambda tmp: b"ID3\x03 not a wav at all", "format WAV"),
    ("too short", lambda tmp: builders.wav(tmp / "s.wav", 0.1), "hors limites"),
    ("too long", lambda tmp: builders.wav(tmp / "l.wav", 121, rate=8000, channels=1), "hors limites"),
    ("broken wav", lambda tmp: b"RIFF\x10\x00\x00\x00WAVEfmt garbage", "illisible"),
]


@pytest.mark.parametrize(("case", "make", "reason"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_given_a_bad_recording_then_it_is_refused_with_the_reason(tmp_path, case, make, reason):
    line = builders.line()
    with pytest.raises(PromptRefused) as refused:
        services.record_prompt(actor=line.manager, programme=line.programme, name="welcome", content=make(tmp_path))
    assert reason in str(refused.value.message)
    assert not RecordedPrompt.objects.exists()


def test_given_a_bad_prompt_name_then_it_is_refused():
    line = builders.line()
    with pytest.raises(PromptRefused) as refused:
        services.record_prompt(actor=line.manager, programme=line.programme, name="Bonjour !", content=b"RIFF")
    assert refused.value.details == {"field": "name"}


def test_given_published_flows_then_the_gateway_lines_map_every_dialled_form_and_use_recorded_prompts(tmp_path):
    a, b = builders.line("32 11"), builders.line("0800 40 50 60")
    before = fingerprint()
    services.record_prompt(actor=a.manager, programme=a.programme, name="welcome",
                           content=builders.wav(tmp_path / "w.wav", 1.0))  # fmt: skip
    for ln in (a, b):
        services.save_flow_draft(actor=ln.manager, programme=ln.programme, data=flow())
    services.publish_flow(actor=a.manager, programme=a.programme)
    assert fingerprint() != before
    lines = load_lines()
    assert set(lines.programmes) == {"3211", "+33173603211", "33173603211"}  # b has only a draft
    slug, parsed = lines.programmes["3211"]
    assert slug == a.programme.slug
    assert parsed.nodes["accueil"].prompt == f"{a.programme.slug}/welcome"  # type: ignore[union-attr]
    assert parsed.nodes["au-revoir"].prompt == "goodbye"  # type: ignore[union-attr]
    stored = RecordedPrompt.objects.get(programme=a.programme)
    assert lines.audio[(f"{a.programme.slug}/welcome", "PCMU")] == bytes(stored.ulaw)
    services.publish_flow(actor=b.manager, programme=b.programme)
    assert load_lines().programmes["0800405060"][0] == b.programme.slug


def test_given_two_editors_on_the_same_draft_then_the_second_save_is_refused_instead_of_overwriting():
    line = builders.line()
    other = factories.user((line.programme, Role.PROGRAMME_MANAGER))
    first = services.save_flow_draft(actor=line.manager, programme=line.programme, data=flow(), based_on="none")
    opened = draft_token(first)  # both editors open the page now
    changed = flow({"file": {"type": "queue", "queue": "appels", "announce_every_s": 60}})
    services.save_flow_draft(actor=other, programme=line.programme, data=changed, based_on=opened)
    with pytest.raises(DraftChanged) as refused:
        services.save_flow_draft(actor=line.manager, programme=line.programme, data=flow(), based_on=opened)
    assert refused.value.status == 409 and refused.value.details == {"by": str(other)}
    with pytest.raises(DraftChanged):  # "no draft when I opened it", but there is one now
        services.save_flow_draft(actor=line.manager, programme=line.programme, data=flow(), based_on="none")
    assert IvrFlow.objects.get().data == changed
