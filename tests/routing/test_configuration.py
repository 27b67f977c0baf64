"""Routing configuration per programme: validated at save time with the domain's reasons."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from plateau.routing.configuration import build_config
from plateau.routing.models import AdvisorProfile, Queue, QueueTarget
from tests.routing.builders import demo_programmes

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


def test_given_an_overflow_to_an_unknown_queue_when_saved_then_it_is_refused_with_the_reason():
    demo_programmes()
    queue = Queue.objects.get(programme__slug="sap-national", code="appels")
    queue.overflow_kind, queue.overflow_destination, queue.overflow_after_s = "queue", "nulle-part", 60
    with pytest.raises(ValidationError, match=r"file inconnue « sap-national.nulle-part »"):
        queue.full_clean()


def test_given_a_profile_with_an_out_of_scale_proficiency_when_saved_then_it_is_refused():
    demo_programmes()
    profile = AdvisorProfile.objects.filter(programme__slug="teleassistance").first()
    assert profile is not None
    profile.skills = {"accueil": 9}
    with pytest.raises(ValidationError, match="hors de l'échelle"):
        profile.full_clean()


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
