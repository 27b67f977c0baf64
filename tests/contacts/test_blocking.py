"""Nuisance callers blocked by a supervisor (issue 10 item 5): the service's rules, the audit, the page's access,
and what the SIP gateway is given (``plateau.ivr.lines``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plateau.contacts import blocking, services
from plateau.contacts.errors import (
    BlockAlreadyLifted,
    BlockReasonRequired,
    CallerAlreadyBlocked,
    CallerBlockingNotAllowed,
    InvalidBlockDuration,
)
from plateau.contacts.models import CallerBlock
from plateau.domain.ids.phone import InvalidPhoneNumber
from plateau.errors import PermissionDenied
from plateau.ivr.lines import load_lines
from plateau.tenants.models import AuditEntry, ProgrammeKind, Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_given_a_supervisor_when_blocking_0033_form_then_it_is_stored_in_e164_with_expiry_and_audited() -> None:
    programme = factories.programme()
    supervisor = factories.supervisor(programme)
    before = timezone.now()
    block = blocking.block_caller(actor=supervisor, programme=programme, phone="0033 6 12 34 56 78", days=7,
                                  reason="Insultes répétées")  # fmt: skip
    assert block.phone_e164 == "+33612345678"
    assert before + dt.timedelta(days=7) <= block.expires_at <= timezone.now() + dt.timedelta(days=7)
    rules = load_lines().rules  # what the gateway compares with each call's From user
    for form in ("+33612345678", "0612345678", "0033612345678", "+33 6 12 34 56 78", "0612345678;cpc=ordinary"):
        assert rules.is_blocked(programme.slug, form, timezone.now()), form
    assert not rules.is_blocked(programme.slug, "0612345679", timezone.now())
    assert not rules.is_blocked(programme.slug, "anonymous", timezone.now())
    (entry,) = AuditEntry.objects.filter(action="caller.blocked")
    assert (entry.actor, entry.programme, entry.object_id) == (supervisor, programme, str(block.pk))
    assert entry.data["reason"] == "Insultes répétées" and entry.data["days"] == 7


@pytest.mark.parametrize(
    ("phone", "days", "reason", "error", "words"),
    [
        ("0612345678", 0, "Canular", InvalidBlockDuration, "entre 1 et 30 jours"),
        ("0612345678", 31, "Canular", InvalidBlockDuration, "entre 1 et 30 jours"),
        ("0612345678", 7, "   ", BlockReasonRequired, "motif du blocage"),
        ("0612345678", 7, "x" * 501, BlockReasonRequired, "500 caractères"),
        ("3211", 7, "Canular", InvalidPhoneNumber, "numéro court"),
        ("06 12 34", 7, "Canular", InvalidPhoneNumber, "10 chiffres"),
    ],
)
def test_given_bad_input_when_blocking_then_a_french_reason_and_nothing_written(
    phone: str, days: int, reason: str, error: type[Exception], words: str
) -> None:
    programme = factories.programme()
    with pytest.raises(error) as exc:
        blocking.block_caller(actor=factories.supervisor(programme), programme=programme, phone=phone, days=days,
                              reason=reason)  # fmt: skip
    assert words in str(exc.value)
    assert not CallerBlock.objects.exists() and not AuditEntry.objects.filter(action="caller.blocked").exists()


def test_given_a_telecare_programme_then_nobody_blocks_a_caller_there_whatever_their_role() -> None:
    telecare = factories.programme(kind=ProgrammeKind.TELECARE)
    assert telecare.allows_caller_blocking is False  # the preset's data, not a kind check in the service
    manager = factories.user((telecare, Role.PROGRAMME_MANAGER))
    with pytest.raises(CallerBlockingNotAllowed) as exc:
        blocking.block_caller(actor=manager, programme=telecare, phone="0612345678", days=1, reason="Canular")
    assert "appels de détresse" in str(exc.value)
    assert not CallerBlock.objects.exists()

    # The flag is the rule: a public-information line whose admin turned it off refuses the same way.
    other = factories.programme(kind=ProgrammeKind.PUBLIC_INFORMATION)
    assert other.allows_caller_blocking is True
    other.allows_caller_blocking = False
    other.save(update_fields=["allows_caller_blocking"])
    with pytest.raises(CallerBlockingNotAllowed):
        blocking.block_caller(actor=factories.supervisor(other), programme=other, phone="0612345678", days=1,
                              reason="Canular")  # fmt: skip


def test_given_an_advisor_or_another_programmes_supervisor_then_blocking_is_refused() -> None:
    programme = factories.programme()
    for actor in (factories.advisor(programme), factories.supervisor(factories.programme())):
        with pytest.raises(PermissionDenied):
            blocking.block_caller(actor=actor, programme=programme, phone="0612345678", days=1, reason="Canular")
    assert not CallerBlock.objects.exists()


def test_given_a_block_in_force_when_lifted_early_then_audited_and_the_number_may_be_blocked_again() -> None:
    programme = factories.programme()
    supervisor, manager = factories.supervisor(programme), factories.user((programme, Role.PROGRAMME_MANAGER))
    block = blocking.block_caller(actor=supervisor, programme=programme, phone="0612345678", days=3,
                                  reason="Appels muets")  # fmt: skip
    with pytest.raises(CallerAlreadyBlocked) as exc:
        blocking.block_caller(actor=manager, programme=programme, phone="+33612345678", days=3, reason="Encore")
    assert "déjà bloqué jusqu'au" in str(exc.value)

    lifted = blocking.lift_block(actor=manager, programme=programme, block_id=block.pk, reason="Erreur de numéro")
    assert lifted.lifted_by == manager and lifted.lifted_at is not None and not lifted.is_active()
    (entry,) = AuditEntry.objects.filter(action="caller.block_lifted")
    assert (entry.actor, entry.data["reason"], entry.object_id) == (manager, "Erreur de numéro", str(block.pk))
    with pytest.raises(BlockAlreadyLifted):
        blocking.lift_block(actor=manager, programme=programme, block_id=block.pk)
    assert blocking.active_block_of(programme, "+33612345678") is None
    blocking.block_caller(actor=supervisor, programme=programme, phone="0612345678", days=1, reason="Reprise")
    with pytest.raises(PermissionDenied):
        blocking.lift_block(actor=factories.advisor(programme), programme=programme, block_id=block.pk)


def test_given_marks_then_the_gateway_gets_those_in_force_per_programme_in_e164() -> None:
    programme, other = factories.programme(), factories.programme()
    supervisor = factories.supervisor(programme, other)
    kept = blocking.block_caller(actor=supervisor, programme=programme, phone="06 12 34 56 78", days=2, reason="a")
    lifted = blocking.block_caller(actor=supervisor, programme=programme, phone="0698765432", days=2, reason="b")
    blocking.lift_block(actor=supervisor, programme=programme, block_id=lifted.pk)
    expired = blocking.block_caller(actor=supervisor, programme=other, phone="0611111111", days=1, reason="c")
    CallerBlock.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    rules = load_lines().rules
    assert rules.blocked == {programme.slug: {"+33612345678": kept.expires_at}}
    now = timezone.now()
    assert rules.is_blocked(programme.slug, "0033612345678", now)
    assert not rules.is_blocked(other.slug, "0612345678", now)  # a mark is per programme
    assert not rules.is_blocked(programme.slug, "0612345678", kept.expires_at)  # expired by the clock


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_given_roles_then_only_the_programmes_supervisors_see_and_use_the_page(reference_data: None) -> None:
    programme = factories.programme()
    url = reverse("contacts:caller_blocks", args=[programme.slug])
    data = {"phone": "06 12 34 56 78", "days": "7", "reason": "Canular"}
    for outsider in (factories.advisor(programme), factories.supervisor(factories.programme())):
        assert _client(outsider).get(url).status_code == 404
        assert _client(outsider).post(url, data).status_code == 404
    assert not CallerBlock.objects.exists()

    supervisor = factories.supervisor(programme)
    response = _client(supervisor).post(url, {**data, "days": "45"})
    assert response.status_code == 400 and "Sélectionnez un choix valide" in response.content.decode()
    response = _client(supervisor).post(url, data)
    assert response.status_code == 302
    block = CallerBlock.objects.get()
    page = _client(supervisor).get(url).content.decode()
    assert 'data-e164="+33612345678" data-active="1"' in page and "Canular" in page
    lift = reverse("contacts:lift_caller_block", args=[programme.slug, block.pk])
    assert _client(factories.advisor(programme)).post(lift).status_code == 404
    assert _client(supervisor).post(lift, {"lift_reason": "Fausse alerte"}).status_code == 302
    block.refresh_from_db()
    assert block.lift_reason == "Fausse alerte"
    assert 'data-active="0"' in _client(supervisor).get(url).content.decode()

    telecare = factories.programme(kind=ProgrammeKind.TELECARE)
    tele_url = reverse("contacts:caller_blocks", args=[telecare.slug])
    response = _client(factories.supervisor(telecare)).post(tele_url, data)
    assert response.status_code == 400 and "appels de détresse" in response.content.decode()
    assert 'id="block-form"' not in response.content.decode()


def test_given_a_nuisance_history_then_supervisors_get_the_block_action_on_the_contact_and_advisors_do_not(
    reference_data: None,
) -> None:
    programme = factories.programme(kind=ProgrammeKind.ELIGIBILITY)
    advisor, supervisor = factories.advisor(programme), factories.supervisor(programme)
    first = services.start_contact(programme=programme, advisor=advisor, channel="call", phone="0612345678")
    services.wrap_up(first, actor=advisor, code="silent_call")
    again = services.start_contact(programme=programme, advisor=advisor, channel="call", phone="0612345678")
    contact_url = reverse("web:contact", args=[programme.slug, again.pk])

    assert 'id="block-caller-link"' not in _client(advisor).get(contact_url).content.decode()
    page = _client(supervisor).get(contact_url).content.decode()
    assert f"appelants-bloques/?contact={again.pk}" in page
    form = _client(supervisor).get(reverse("contacts:caller_blocks", args=[programme.slug]), {"contact": again.pk})
    assert 'value="+33612345678"' in form.content.decode()

    blocking.block_caller(actor=supervisor, programme=programme, phone="0612345678", days=3, reason="Muet",
                          contact=again)  # fmt: skip
    assert 'id="caller-blocked"' in _client(advisor).get(contact_url).content.decode()  # everyone knows


def test_given_marks_then_the_person_sees_them_in_an_export_and_erasure_and_retention_blank_ended_ones() -> None:
    from plateau.contacts import privacy

    programme = factories.programme()
    supervisor = factories.supervisor(programme)
    ended = blocking.block_caller(actor=supervisor, programme=programme, phone="0612345678", days=1, reason="a")
    blocking.lift_block(actor=supervisor, programme=programme, block_id=ended.pk)
    current = blocking.block_caller(actor=supervisor, programme=programme, phone="0612345678", days=2, reason="b")
    old = blocking.block_caller(actor=supervisor, programme=programme, phone="0698765432", days=1, reason="c")
    CallerBlock.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(days=91))

    exported = privacy.export_caller(programme, "+33612345678")["caller_blocks"]
    assert [b["reason"] for b in exported] == ["a", "b"] and exported[0]["lifted_at"] is not None
    from plateau.leads.privacy import export_person, export_rows

    manager = factories.user((programme, Role.PROGRAMME_MANAGER))
    rows = export_rows(export_person(programme, "06 12 34 56 78", actor=manager))
    assert [r[3] for r in rows if r[0] == "blocage" and r[2] == "reason"] == ["a", "b"]

    privacy.erase_caller(programme, "+33612345678")
    ended.refresh_from_db()
    current.refresh_from_db()
    assert ended.phone_e164 == "" and ended.reason == "a"  # who, when and why stay
    assert current.phone_e164 == "+33612345678"  # in force until it expires (30 days at most)

    privacy.apply_retention(timezone.now())
    old.refresh_from_db()
    current.refresh_from_db()
    assert old.phone_e164 == "" and current.phone_e164 == "+33612345678"
