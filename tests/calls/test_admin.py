"""Admins give each advisor a SIP phone and each programme a recording retention, through the Django admin."""

from __future__ import annotations

import pytest

from plateau.calls import services
from plateau.calls.models import AdvisorPhone, RecordingPolicy
from plateau.tenants.models import Programme, User
from tests.routing.builders import demo_programmes

pytestmark = pytest.mark.django_db


def test_given_the_admin_when_an_advisor_phone_is_added_then_the_router_port_finds_it(client):
    demo_programmes()
    client.force_login(User.objects.get(username="admin"))
    advisor = User.objects.get(username="conseiller2.sap")
    response = client.post("/admin/calls/advisorphone/add/", {"user": advisor.pk, "sip": "sip:poste12@10.0.0.12:5060"})
    assert response.status_code == 302
    assert services.phone_of("conseiller2.sap") == "sip:poste12@10.0.0.12:5060"
    assert services.phone_of("conseiller1.sap") is None
    assert AdvisorPhone.objects.get(user=advisor).sip == "sip:poste12@10.0.0.12:5060"


def test_given_the_admin_when_a_retention_beyond_a_year_is_entered_then_the_form_refuses_it(client):
    demo_programmes()
    client.force_login(User.objects.get(username="admin"))
    programme = Programme.objects.get(slug="sap-national")
    refused = client.post("/admin/calls/recordingpolicy/add/", {"programme": programme.pk, "retention_days": 400})
    assert refused.status_code == 200 and not RecordingPolicy.objects.exists()
    accepted = client.post("/admin/calls/recordingpolicy/add/", {"programme": programme.pk, "retention_days": 7})
    assert accepted.status_code == 302
    assert services.retention_days(programme) == 7
