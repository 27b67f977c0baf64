"""The orientation pages through HTTP: the desk panel (suggestions, commune, orient), the manager's page,
the KPI line on the supervision page and the day report, the link on the capabilities page."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from plateau.orientation.models import Destination, Orientation, Theme
from plateau.tenants.models import AuditEntry, User
from plateau.tenants.services import set_capabilities

from . import builders

pytestmark = pytest.mark.usefixtures("reference_data")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def test_given_a_theme_and_a_commune_typed_when_the_advisor_looks_then_destinations_most_specific_first() -> None:
    line = builders.line()
    contact = builders.call(line)
    client = _client(line.advisor)
    url = reverse("web:contact", args=[line.programme.slug, contact.pk])
    page = _text(client.get(url))
    assert 'id="orientation-form"' in page and "Alt+O orienter" in page and 'id="orientation-suggestions"' not in page
    page = _text(client.get(url, {"theme": "titres", "commune": "Neuilly-Plaisance"}))
    order = [page.index(f'data-destination="{d.pk}"') for d in (line.mairie, line.prefecture, line.ants)]
    assert order == sorted(order)
    assert "Commune de l'appelant : Neuilly-Plaisance (93)" in " ".join(page.split()).replace("<strong>", "").replace(
        "</strong>", ""
    )
    assert "Numéro de la demande." in page and 'id="orientation-no-call"' in page
    assert 'value="transfer"' not in page  # no call in progress: the number only
    assert page.count('value="number_given"') == 2  # the préfecture has no phone number


def test_given_an_ambiguous_commune_then_candidates_by_code_and_nothing_guessed() -> None:
    line = builders.line()
    contact = builders.call(line)
    url = reverse("web:contact", args=[line.programme.slug, contact.pk])
    page = _text(_client(line.advisor).get(url, {"theme": "titres", "commune": "Saint-Denis"}))
    assert "Plusieurs communes correspondent" in page and "insee=93066" in page and "insee=97411" in page
    assert "compétence locale : vérifiez la commune" in page  # nothing resolved: local ones flagged
    page = _text(_client(line.advisor).get(url, {"theme": "titres", "insee": "93066"}))
    assert "Saint-Denis (93)" in page and "compétente pour le département" in page


def test_given_the_number_given_when_posting_then_recorded_shown_and_the_wrap_up_preselected() -> None:
    line = builders.line()
    contact = builders.call(line)
    client = _client(line.advisor)
    post = reverse("orientation:orient", args=[line.programme.slug, contact.pk])
    response = client.post(post, {"destination": line.mairie.pk, "theme": "titres", "insee": "93049",
                                  "mode": "number_given"}, follow=True)  # fmt: skip
    page = _text(response)
    assert "Numéro de « Mairie de Neuilly-Plaisance » donné : 01 99 00 93 49." in page
    assert 'id="orientation-done"' in page and "Numéro donné · Mairie de Neuilly-Plaisance" in page
    assert '<option value="oriented" selected>' in page
    orientation = Orientation.objects.get()
    assert (orientation.commune_insee, orientation.by) == ("93049", line.advisor)

    later = builders.call(line)  # the same caller again: the history shows it
    page = _text(client.get(reverse("web:contact", args=[line.programme.slug, later.pk])))
    assert 'id="orientation-history"' in page and "Mairie de Neuilly-Plaisance (Carte d'identité, passeport)" in page


def test_given_no_call_when_a_transfer_is_posted_then_refused_in_french_and_nothing_recorded() -> None:
    line = builders.line()
    contact = builders.call(line)
    post = reverse("orientation:orient", args=[line.programme.slug, contact.pk])
    page = _text(_client(line.advisor).post(post, {"destination": line.prefecture.pk, "theme": "titres",
                                                   "mode": "transfer"}, follow=True))  # fmt: skip
    assert "Aucun appel en cours sur ce contact : donnez le numéro à l'appelant." in page
    assert not Orientation.objects.exists()


def test_given_a_colleague_or_a_programme_without_orientation_then_no_panel_and_posts_refused() -> None:
    line = builders.line()
    contact = builders.call(line)
    colleague = _client(builders.factories.advisor(line.programme))
    post = reverse("orientation:orient", args=[line.programme.slug, contact.pk])
    assert (
        colleague.post(post, {"destination": line.ants.pk, "theme": "titres", "mode": "number_given"}).status_code
        == 403
    )
    set_capabilities(line.programme, [])
    client = _client(line.advisor)
    page = _text(client.get(reverse("web:contact", args=[line.programme.slug, contact.pk])))
    assert 'id="orientation-panel"' not in page
    refused = _text(client.post(post, {"destination": line.ants.pk, "theme": "titres", "mode": "number_given"},
                                follow=True))  # fmt: skip
    assert "Ce programme n'utilise pas cette fonction du poste." in refused
    assert not Orientation.objects.exists()
    assert _client(line.manager).get(reverse("orientation:destinations", args=[line.programme.slug])).status_code == 404


def test_given_the_manager_when_adding_a_theme_and_a_destination_then_listed_and_audited() -> None:
    line = builders.line()
    client = _client(line.manager)
    url = reverse("orientation:destinations", args=[line.programme.slug])
    page = _text(client.get(url))
    assert 'id="destination-form"' in page and "Horaires du lundi" in page
    client.post(url, {"form": "theme", "theme-code": "etat-civil", "theme-label": "État civil"})
    assert Theme.objects.filter(programme=line.programme, code="etat-civil").exists()
    data = {"form": "destination", "name": "Mairie de Montreuil", "phone": "01 99 00 93 48", "sip_uri": "",
            "themes": ["etat-civil"], "communes": "93200", "departments": "", "briefing": "Acte demandé.",
            "is_active": "on", "hours_mon": "8h30-12h00, 13:30-17:00", "hours_tue": "09:00-12:00"}  # fmt: skip
    refused = _text(client.post(url, data))
    assert "Code INSEE inconnu : 93200 (le code officiel géographique, pas le code postal)." in refused
    assert 'value="Mairie de Montreuil"' in refused  # nothing lost
    bad_hours = _text(client.post(url, {**data, "hours_wed": "le matin"}))
    assert "Plages illisibles" in bad_hours
    assert client.post(url, {**data, "communes": "93048"}).status_code == 302
    created = Destination.objects.get(name="Mairie de Montreuil")
    assert created.opening_hours == {"mon": [["08:30", "12:00"], ["13:30", "17:00"]], "tue": [["09:00", "12:00"]]}
    assert AuditEntry.objects.filter(action="orientation.theme_added", actor=line.manager).exists()
    page = _text(client.get(url))
    assert f'data-destination="{created.pk}"' in page and "communes 93048" in page

    edit = reverse("orientation:destination", args=[line.programme.slug, created.pk])
    form = _text(client.get(edit))
    assert 'value="08:30-12:00, 13:30-17:00"' in form
    assert client.post(edit, {**data, "communes": "93048", "is_active": ""}).status_code == 302
    created.refresh_from_db()
    assert not created.is_active
    assert AuditEntry.objects.get(action="orientation.destination_changed").data["changed"]["is_active"] == {
        "before": True,
        "after": False,
    }


def test_given_a_supervisor_then_reads_destinations_and_an_advisor_is_not_shown_the_page() -> None:
    line = builders.line()
    url = reverse("orientation:destinations", args=[line.programme.slug])
    supervisor = _client(line.supervisor)
    page = _text(supervisor.get(url))
    assert f'data-destination="{line.ants.pk}"' in page and 'id="destination-form"' not in page
    assert supervisor.post(url, {"form": "theme", "theme-code": "x", "theme-label": "X"}).status_code == 403
    edit = reverse("orientation:destination", args=[line.programme.slug, line.ants.pk])
    assert supervisor.get(edit).status_code == 403
    assert _client(line.advisor).get(url).status_code == 404
    other = builders.line()
    assert _client(other.manager).get(edit.replace(line.programme.slug, other.programme.slug)).status_code == 404


def test_given_orientations_today_then_the_supervision_page_and_the_report_show_the_transfer_rate() -> None:
    line = builders.line()
    contact = builders.call(line)
    advisor = _client(line.advisor)
    advisor.post(reverse("orientation:orient", args=[line.programme.slug, contact.pk]),
                 {"destination": line.ants.pk, "theme": "titres", "mode": "number_given"})  # fmt: skip
    advisor.post(reverse("web:wrap_up", args=[line.programme.slug, contact.pk]), {"code": "oriented", "notes": ""})
    supervisor = _client(line.supervisor)
    for name in ("web:supervision", "web:report"):
        page = _text(supervisor.get(reverse(name, args=[line.programme.slug])))
        row = page.split('data-kpi="transfer_rate"')[1].split("</tr>")[0]
        assert "Taux de transfert vers le niveau 2" in row and "100 %" in row
        assert "1 contact(s) orienté(s) vers le niveau 2 sur 1 traité(s)" in row and "1 numéro(s) donné(s)" in row


def test_given_the_capabilities_page_then_a_link_to_the_orientation_settings() -> None:
    line = builders.line()
    page = _text(_client(line.manager).get(reverse("tenants:capabilities", args=[line.programme.slug])))
    assert reverse("orientation:destinations", args=[line.programme.slug]) in page
    assert "Paramétrer : Orientation vers le niveau 2" in page


def test_given_a_platform_admin_when_adding_a_destination_in_the_admin_then_same_checks_and_audited() -> None:
    line = builders.line()
    admin = builders.factories.user(platform_admin=True)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = _client(admin)
    url = reverse("admin:orientation_destination_add")
    caf = Theme.objects.get(programme=line.programme, code="caf")
    data = {"programme": line.programme.pk, "name": "CAF 93", "phone": "32 30", "sip_uri": "",
            "opening_hours": '{"mon": [["09:00", "17:00"]]}', "themes": [caf.pk], "communes": '["93200"]',
            "departments": "[]", "briefing": "", "is_active": "on"}  # fmt: skip
    refused = _text(client.post(url, data))
    assert "Code INSEE inconnu : 93200" in refused
    assert client.post(url, {**data, "communes": '["93048"]'}).status_code == 302
    created = Destination.objects.get(name="CAF 93")
    assert (created.phone, created.communes) == ("3230", ["93048"])
    entry = AuditEntry.objects.get(action="orientation.destination_added", object_id=str(created.pk))
    assert entry.actor == admin and entry.data["via"] == "admin" and entry.data["after"]["themes"] == ["caf"]
