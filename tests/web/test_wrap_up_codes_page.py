"""The programme manager's wrap-up codes page: add, retire (past counts stay), restore; supervisors read."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from plateau.contacts import services
from plateau.contacts.access import wrap_up_counts
from plateau.contacts.models import WrapUpCode
from plateau.contacts.services import active_wrap_up_codes
from plateau.contacts.wrap_up_services import set_wrap_up_code_active
from plateau.errors import PermissionDenied
from plateau.tenants.models import AuditEntry, ProgrammeKind, Role
from tests import factories

pytestmark = pytest.mark.usefixtures("reference_data")


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_given_a_retired_code_then_it_leaves_the_desk_but_keeps_its_past_counts() -> None:
    programme = factories.programme(kind=ProgrammeKind.ELIGIBILITY)
    advisor = factories.advisor(programme)
    contact = services.start_contact(programme=programme, advisor=advisor, channel="call", phone="0612345678")
    services.wrap_up(contact, actor=advisor, code="renewal")
    with pytest.raises(PermissionDenied):
        set_wrap_up_code_active(programme, actor=advisor, code="renewal", active=False)
    client = _client(factories.user((programme, Role.PROGRAMME_MANAGER)))
    url = reverse("contacts:wrap_up_codes", args=[programme.slug])
    assert client.post(url, {"retire": "renewal"}).status_code == 302
    assert not active_wrap_up_codes(programme).filter(code="renewal").exists()
    assert {code.code: n for code, n in wrap_up_counts(programme) if code} == {"renewal": 1}
    assert AuditEntry.objects.filter(action="wrap_up_code.retired", programme=programme).count() == 1
    assert 'data-code="renewal" data-active="0"' in client.get(url).content.decode()
    assert client.post(url, {"restore": "renewal"}).status_code == 302
    assert active_wrap_up_codes(programme).filter(code="renewal").exists()


def test_given_a_manager_when_adding_a_code_then_it_is_offered_and_bad_input_gets_a_french_error() -> None:
    programme = factories.programme(kind=ProgrammeKind.ELIGIBILITY)
    client = _client(factories.user((programme, Role.PROGRAMME_MANAGER)))
    url = reverse("contacts:wrap_up_codes", args=[programme.slug])
    ok = client.post(url, {"code": "oriente_caf", "label": "Orienté vers la CAF", "category": "oriented"})
    assert ok.status_code == 302
    assert active_wrap_up_codes(programme).filter(code="oriente_caf").exists()
    bad = client.post(url, {"code": "Oriente CAF!", "label": "x", "category": "oriented"})
    assert bad.status_code == 200 and "Identifiant invalide" in bad.content.decode()
    dup = client.post(url, {"code": "oriente_caf", "label": "x", "category": "oriented"})
    assert "déjà un code" in dup.content.decode()
    assert WrapUpCode.objects.for_programme(programme).filter(code="oriente_caf").count() == 1


def test_given_roles_then_supervisors_read_the_codes_and_advisors_do_not_see_them() -> None:
    programme = factories.programme(kind=ProgrammeKind.ELIGIBILITY)
    supervisor = factories.supervisor(programme)
    url = reverse("contacts:wrap_up_codes", args=[programme.slug])
    page = _client(supervisor).get(url).content.decode()
    assert 'id="programme-wrap-up-codes"' in page and 'id="new-code-form"' not in page
    assert _client(supervisor).post(url, {"retire": "renewal"}).status_code == 200
    assert active_wrap_up_codes(programme).filter(code="renewal").exists()
    assert _client(factories.advisor(programme)).get(url).status_code == 404
