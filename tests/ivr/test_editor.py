"""The voice-menu editor over HTTP: live validation (htmx), save, publish, recorded prompts; only platform
admins and the programme's managers reach it, another programme's manager gets 404 and changes nothing."""

from __future__ import annotations

import html
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from plateau.ivr import services
from plateau.ivr.models import FlowStatus, IvrFlow, RecordedPrompt
from plateau.tenants.models import AuditEntry, Role
from tests import factories

from . import builders
from .builders import flow

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, slug: str) -> str:
    return reverse(f"ivr:{name}", args=[slug])


def test_given_a_manager_when_typing_then_the_check_shows_every_reason_or_the_tree_and_holidays():
    line = builders.line()
    client = client_for(line.manager)
    bad = client.post(url("validate", line.programme.slug), {"flow": '{"start": "a", '})
    assert bad.status_code == 200 and "JSON illisible ligne 1" in bad.content.decode()
    assert "un nom entre guillemets droits" in bad.content.decode() and "Expecting" not in bad.content.decode()
    for text, words in (('{"start": "a" "x": 1}', "virgule « , » attendue"), ('{"a": 1,}', "guillemets droits")):
        page = client.post(url("validate", line.programme.slug), {"flow": text}).content.decode()
        assert words in page and "Expecting" not in page, text
    unknown = flow({"file": {"type": "queue", "queue": "inconnue"}})
    page = client.post(url("validate", line.programme.slug), {"flow": json.dumps(unknown)}).content.decode()
    assert "file « inconnue » absente de la configuration de routage" in page and 'id="flow-errors"' in page
    page = client.post(url("validate", line.programme.slug), {"flow": json.dumps(flow())}).content.decode()
    assert 'id="flow-ok"' in page
    for node in builders.FLOW["nodes"]:
        assert f'data-node="{node}"' in page
    assert "Vendredi saint" in page and "Saint-Étienne" in page  # the hours step uses the Alsace-Moselle calendar
    never_open = flow({"horaires": {**builders.FLOW["nodes"]["horaires"], "weekly": {}}})
    page = client.post(url("validate", line.programme.slug), {"flow": json.dumps(never_open)}).content.decode()
    assert "Fermé en ce moment" in page and "Ouvert en ce moment" not in page
    assert not IvrFlow.objects.exists()  # checking saves nothing


def test_given_a_manager_when_saving_then_publishing_then_the_draft_goes_online():
    line = builders.line()
    client = client_for(line.manager)
    page = client.get(url("editor", line.programme.slug))
    assert page.status_code == 200 and "aucune version publiée" in page.content.decode()
    orphan = flow({"orphelin": {"type": "hangup"}})
    refused = client.post(url("editor", line.programme.slug), {"flow": json.dumps(orphan)})
    assert refused.status_code == 400 and "orphelin: étape jamais atteinte" in refused.content.decode()
    assert not IvrFlow.objects.exists()
    saved = client.post(url("editor", line.programme.slug), {"flow": json.dumps(flow())}, follow=True)
    assert "Brouillon enregistré (version 1)" in saved.content.decode()
    published = client.post(url("publish", line.programme.slug), follow=True).content.decode()
    assert "Version 1 publiée" in published
    row = IvrFlow.objects.get()
    assert (row.status, row.data, row.published_by) == (FlowStatus.PUBLISHED, flow(), line.manager)
    again = client.post(url("publish", line.programme.slug), follow=True).content.decode()
    assert "Aucun brouillon à publier" in again


def test_given_a_manager_when_uploading_a_recording_then_it_is_listed_and_a_bad_file_is_refused(tmp_path):
    line = builders.line()
    client = client_for(line.manager)
    audio = SimpleUploadedFile("accueil.wav", builders.wav(tmp_path / "a.wav", 1.0), content_type="audio/wav")
    page = client.post(url("record_prompt", line.programme.slug), {"name": "welcome", "audio": audio}, follow=True)
    assert "Message « welcome » enregistré (1.0 s)" in page.content.decode() or "(1,0 s)" in page.content.decode()
    assert "accueil.wav" in page.content.decode()
    text = SimpleUploadedFile("notes.wav", b"not audio", content_type="audio/wav")
    refused = client.post(url("record_prompt", line.programme.slug), {"name": "goodbye", "audio": text})
    assert refused.status_code == 400 and "format WAV" in refused.content.decode()
    assert list(RecordedPrompt.objects.values_list("name", flat=True)) == ["welcome"]


def test_given_a_platform_admin_without_membership_then_they_edit_any_programme_and_see_it_listed():
    line = builders.line()
    admin = factories.user(platform_admin=True)
    client = client_for(admin)
    assert client.get(url("editor", line.programme.slug)).status_code == 200
    assert line.programme.name in client.get(reverse("ivr:index")).content.decode()
    assert 'id="ivr-link"' in client.get(reverse("web:home")).content.decode()
    client.post(url("editor", line.programme.slug), {"flow": json.dumps(flow())})
    client.post(url("publish", line.programme.slug))
    assert IvrFlow.objects.get().published_by == admin


def _attempts(slug: str, tmp_path) -> list[tuple[str, str, dict]]:
    wav = builders.wav(tmp_path / "x.wav", 1.0)
    return [
        ("get", url("editor", slug), {}),
        ("post", url("editor", slug), {"flow": json.dumps(flow())}),
        ("post", url("validate", slug), {"flow": json.dumps(flow())}),
        ("post", url("publish", slug), {}),
        ("post", url("record_prompt", slug), {"name": "welcome", "audio": SimpleUploadedFile("x.wav", wav)}),
    ]


@pytest.mark.parametrize("role", ["other manager", "advisor", "supervisor", "anonymous"])
def test_given_someone_not_managing_the_programme_then_every_editor_endpoint_is_404_and_nothing_changes(role, tmp_path):
    a, b = builders.line(), builders.line()
    services.save_flow_draft(actor=b.manager, programme=b.programme, data=flow())
    before = (list(IvrFlow.objects.values_list("pk", "status", "version")), AuditEntry.objects.count())
    user = {"other manager": a.manager, "advisor": b.advisor, "supervisor": b.supervisor, "anonymous": None}[role]
    client = client_for(user) if user else Client()
    for method, path, data in _attempts(b.programme.slug, tmp_path):
        response = getattr(client, method)(path, data)
        if user is None:
            assert response.status_code == 302 and "/connexion/" in response["Location"], path
        else:
            assert response.status_code == 404, (method, path)
    assert (list(IvrFlow.objects.values_list("pk", "status", "version")), AuditEntry.objects.count()) == before
    assert not RecordedPrompt.objects.exists()
    if user is not None:
        main = client.get(reverse("ivr:index")).content.decode().split("<main", 1)[1]  # the header names their own
        assert b.programme.name not in main


def test_given_the_add_step_form_then_a_template_of_the_type_is_inserted_and_checked_without_saving():
    line = builders.line()
    client = client_for(line.manager)
    add = url("add_step", line.programme.slug)
    htmx = {"HTTP_HX_REQUEST": "true"}
    page = client.post(add, {"flow": json.dumps(flow()), "kind": "hours", "step_name": "horaires-ete"}, **htmx)
    body = page.content.decode()
    assert page.status_code == 200 and 'id="flow-editor"' in body and "<html" not in body
    text = body.split('name="flow"')[1].split(">", 1)[1].split("</textarea>")[0]
    added = json.loads(html.unescape(text))["nodes"]["horaires-ete"]
    assert added["weekly"]["mon"] == [["08:30", "18:00"]] and added["weekly"]["sat"] == [["09:00", "12:00"]]
    assert "horaires-ete: « open » doit être un texte non vide" in body  # the live check runs on the new text
    queue = client.post(
        add, {"flow": json.dumps({"start": "", "nodes": {}}), "kind": "queue", "step_name": "q"}, **htmx
    )
    assert "&quot;start&quot;: &quot;q&quot;" in queue.content.decode()  # the first step becomes the start
    assert "&quot;queue&quot;: &quot;appels&quot;" in queue.content.decode()  # the programme's first call queue
    for data, kind, name, reason in [
        (json.dumps(flow()), "hangup", "accueil", "l'étape « accueil » existe déjà"),
        (json.dumps(flow()), "hangup", "Mauvais nom", "nom d'étape « Mauvais nom » invalide"),
        (json.dumps(flow()), "dance", "x", "type d'étape « dance » inconnu"),
        ("{", "hangup", "x", "corrigez d'abord le JSON"),
    ]:
        refused = client.post(add, {"flow": data, "kind": kind, "step_name": name}, **htmx).content.decode()
        assert 'id="step-error"' in refused and html.escape(reason) in refused, reason
    assert not IvrFlow.objects.exists()


def test_given_a_recorded_prompt_then_its_manager_listens_to_the_stored_bytes_and_others_get_404(tmp_path):
    a, b = builders.line(), builders.line()
    stored = services.record_prompt(actor=b.manager, programme=b.programme, name="welcome",
                                    content=builders.wav(tmp_path / "w.wav", 0.5))  # fmt: skip
    path = reverse("ivr:listen_prompt", args=[b.programme.slug, "welcome"])
    response = client_for(b.manager).get(path)
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
    wav = response.content
    assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE" and wav[20:22] == b"\x06\x00"  # format 6: A-law
    assert wav.endswith(bytes(stored.alaw)) and len(wav) == 44 + len(stored.alaw)
    assert client_for(a.manager).get(path).status_code == 404
    assert client_for(b.advisor).get(path).status_code == 404
    missing = reverse("ivr:listen_prompt", args=[b.programme.slug, "goodbye"])
    assert client_for(b.manager).get(missing).status_code == 404


def test_given_the_django_admin_then_flows_and_recordings_are_listed_but_cannot_be_changed_there():
    line = builders.line()
    services.save_flow_draft(actor=line.manager, programme=line.programme, data=flow())
    admin = factories.user(platform_admin=True)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = client_for(admin)
    listing = client.get("/admin/ivr/ivrflow/")
    assert listing.status_code == 200 and line.programme.name in listing.content.decode()
    assert client.get("/admin/ivr/recordedprompt/").status_code == 200
    assert client.get("/admin/ivr/ivrflow/add/").status_code == 403
    draft = IvrFlow.objects.get()
    assert client.post(f"/admin/ivr/ivrflow/{draft.pk}/delete/", {"post": "yes"}).status_code == 403
    assert IvrFlow.objects.filter(pk=draft.pk).exists()


def test_given_two_managers_with_the_editor_open_when_both_save_then_the_second_is_told_and_nothing_is_lost():
    line = builders.line()
    other = factories.user((line.programme, Role.PROGRAMME_MANAGER))
    first, second = client_for(line.manager), client_for(other)
    tokens = []
    for client in (first, second):
        page = client.get(url("editor", line.programme.slug)).content.decode()
        tokens.append(page.split('name="based_on" value="')[1].split('"')[0])
    assert tokens == ["none", "none"]
    saved = first.post(url("editor", line.programme.slug), {"flow": json.dumps(flow()), "based_on": tokens[0]})
    assert saved.status_code == 302
    mine = flow({"file": {"type": "queue", "queue": "appels", "announce_every_s": 90}})
    refused = second.post(url("editor", line.programme.slug), {"flow": json.dumps(mine), "based_on": tokens[1]})
    body = refused.content.decode()
    assert refused.status_code == 409 and 'id="draft-changed"' in body
    assert "&quot;announce_every_s&quot;: 90" in body  # the text typed is kept on the page, not lost
    assert IvrFlow.objects.get().data == flow()


def test_given_the_reviewers_timezones_and_nesting_then_the_check_and_the_save_refuse_them_cleanly():
    line = builders.line()
    client = client_for(line.manager)
    for zone in ("Invalid/Zone", "../../etc/passwd"):
        hours = {**builders.FLOW["nodes"]["horaires"], "timezone": zone}
        text = json.dumps(flow({"horaires": hours}))
        page = client.post(url("validate", line.programme.slug), {"flow": text})
        assert page.status_code == 200 and f"fuseau horaire « {zone} » inconnu" in html.unescape(page.content.decode())
        saved = client.post(url("editor", line.programme.slug), {"flow": text})
        assert saved.status_code == 400 and f"fuseau horaire « {zone} » inconnu" in html.unescape(
            saved.content.decode()
        )
    nested = "[" * 100_000
    for name in ("validate", "editor", "add_step"):
        page = client.post(url(name, line.programme.slug), {"flow": nested, "kind": "hangup", "step_name": "fin"})
        assert page.status_code in (200, 400), name
        assert "niveaux de crochets" in html.unescape(page.content.decode()), name
    huge = json.dumps(flow({"au-revoir": {"type": "hangup", "prompt": "goodbye", "note": "x" * 300_000}}))
    page = client.post(url("validate", line.programme.slug), {"flow": huge})
    assert page.status_code == 200 and "Le parcours dépasse 256 Ko." in html.unescape(page.content.decode())
    assert not IvrFlow.objects.exists()


def test_given_a_stored_flow_the_rules_now_refuse_then_the_editor_opens_it_with_the_reason():
    """A flow published before its timezone was checked (written straight to the table, as an old version)."""
    line = builders.line()
    broken = flow({"horaires": {**builders.FLOW["nodes"]["horaires"], "timezone": "Invalid/Zone"}})
    IvrFlow.objects.create(programme=line.programme, version=1, status=FlowStatus.PUBLISHED, data=broken)
    page = client_for(line.manager).get(url("editor", line.programme.slug))
    assert page.status_code == 200
    assert "fuseau horaire « Invalid/Zone » inconnu" in html.unescape(page.content.decode())
