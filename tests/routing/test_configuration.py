"""Routing configuration per programme: validated at save time with the domain's reasons."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from plateau.routing.configuration import build_config, check_profile, check_queue, check_target
from plateau.routing.models import AdvisorProfile, Queue, QueueTarget, Skill
from plateau.tenants.models import AuditEntry
from tests.routing.builders import demo_programmes, queue_form

pytestmark = pytest.mark.django_db


def test_given_the_demo_when_the_configuration_is_built_then_six_programmes_route_with_shared_advisors():
    demo_programmes()
    config = build_config()
    assert {q.programme for q in config.queues} == {
        "sap-national",
        "reseaux-prestataires",
        "allo-service-public",
        "teleassistance",
        "transport-solidarite",
        "assistance-informatique",
    }
    shared = config.advisor_by_id["conseiller1.sap"]
    assert shared.programmes == ("reseaux-prestataires", "sap-national")


def test_given_a_target_asking_an_unknown_skill_when_saved_then_it_is_refused_with_the_reason():
    demo_programmes()
    queue = Queue.objects.get(programme__slug="sap-national", code="appels")
    target = QueueTarget.objects.get(queue=queue, order=2)
    target.requires = "astrophysique>=2"
    with pytest.raises(ValidationError, match=r"Compétence inconnue « sap-national.astrophysique »"):
        target.full_clean()
        check_target(target)


def test_given_an_overflow_to_an_unknown_queue_when_saved_then_it_is_refused_with_the_reason():
    demo_programmes()
    queue = Queue.objects.get(programme__slug="sap-national", code="appels")
    queue.overflow_kind, queue.overflow_destination, queue.overflow_after_s = "queue", "nulle-part", 60
    with pytest.raises(ValidationError, match=r"file inconnue « sap-national.nulle-part »"):
        queue.full_clean()
        check_queue(queue)


def test_given_a_profile_with_an_out_of_scale_proficiency_when_saved_then_it_is_refused():
    demo_programmes()
    profile = AdvisorProfile.objects.filter(programme__slug="teleassistance").first()
    assert profile is not None
    profile.skills = {"accueil": 9}
    with pytest.raises(ValidationError, match="hors de l'échelle"):
        profile.full_clean()
        check_profile(profile)


def test_given_the_admin_when_a_profile_names_an_unknown_skill_then_the_form_shows_the_reason(client):
    demo_programmes()
    from plateau.tenants.models import User

    client.force_login(User.objects.get(username="admin"))
    profile = AdvisorProfile.objects.filter(programme__slug="teleassistance").first()
    assert profile is not None
    response = client.post(
        f"/admin/routing/advisorprofile/{profile.pk}/change/",
        {
            "programme": profile.programme_id,
            "user": profile.user_id,
            "skills": '{"plongee": 2}',
            "capacity": '{"call": 1}',
        },
    )
    assert response.status_code == 200  # the form again, not a redirect
    assert "Compétence inconnue « teleassistance.plongee »" in response.content.decode()
    profile.refresh_from_db()
    assert "plongee" not in profile.skills


def _admin(client: Any) -> None:
    from plateau.tenants.models import User

    client.force_login(User.objects.get(username="admin"))


def test_given_the_admin_when_a_target_asks_an_unknown_skill_then_the_queue_form_shows_the_reason(client):
    demo_programmes()
    _admin(client)
    queue = Queue.objects.get(programme__slug="sap-national", code="appels")
    form = queue_form(queue, **{"targets-1-requires": "astrophysique>=2"})
    response = client.post(f"/admin/routing/queue/{queue.pk}/change/", form)
    assert response.status_code == 200
    assert "Compétence inconnue « sap-national.astrophysique »" in response.content.decode()
    assert QueueTarget.objects.get(queue=queue, order=2).requires == ""


def test_given_the_admin_when_a_queue_overflows_to_an_unknown_queue_then_the_form_shows_the_reason(client):
    demo_programmes()
    _admin(client)
    queue = Queue.objects.get(programme__slug="sap-national", code="appels")
    form = queue_form(queue, overflow_kind="queue", overflow_destination="nulle-part", overflow_after_s=60)
    response = client.post(f"/admin/routing/queue/{queue.pk}/change/", form)
    assert response.status_code == 200
    assert "file inconnue « sap-national.nulle-part »" in response.content.decode()
    queue.refresh_from_db()
    assert queue.overflow_kind == "callback"


def test_given_the_admin_when_a_skill_still_required_by_a_queue_is_deleted_then_it_is_refused_with_the_reason(client):
    demo_programmes()
    _admin(client)
    skill = Skill.objects.get(programme__slug="sap-national", code="expert")
    response = client.post(f"/admin/routing/skill/{skill.pk}/delete/", {"post": "yes"}, follow=True)
    assert "Compétence inconnue « sap-national.expert »" in response.content.decode()
    assert Skill.objects.filter(pk=skill.pk).exists()
    assert not AuditEntry.objects.filter(action="routing.configuration_changed").exclude(actor=None).exists()
