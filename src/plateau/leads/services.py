"""Writes of the leads app: lock, check, change, audit, notify.

Every transition goes through :func:`_transition`, which applies the pure state machine
(:mod:`plateau.domain.leads.lifecycle`), writes the audit entry and the events in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plateau.contacts.errors import NeedIncomplete, PhoneRequired
from plateau.contacts.models import Contact
from plateau.directory.models import AbsencePeriod, Provider
from plateau.domain.ids.phone import parse_caller_phone
from plateau.domain.leads.lifecycle import (
    Action,
    DeadlineKind,
    IllegalTransition,
    State,
    deadlines_after_send,
    next_state,
)
from plateau.domain.leads.lifecycle import feedback_due as feedback_deadline
from plateau.errors import InvalidInput, PermissionDenied
from plateau.tenants.access import has_role
from plateau.tenants.models import STAFF_ROLES, SUPERVISING_ROLES, AuditEntry, Programme, Role, User
from plateau.tenants.services import record_audit

from . import escalation, notify
from .access import access_lead
from .capability import LEADS
from .dispatching import choose_provider, settings_for, sla_of
from .errors import (
    HealthConsentRequired,
    LeadAlreadyForwarded,
    LeadConsentRequired,
    LeadNotFound,
    LeadStateConflict,
    NotLeadDispatchProgramme,
    NotYourLead,
)
from .models import Lead, LeadDeadline


def default_consent_text() -> str:
    return _(
        "J'accepte que mon nom, mon numéro de téléphone, ma commune et mon besoin soient transmis à un "
        "prestataire du réseau, qui me rappellera sous 48 heures. Je peux retirer mon accord à tout moment."
    )


def default_health_consent_text() -> str:
    return _(
        "J'accepte expressément que les informations sur ma santé ou ma perte d'autonomie que je viens de "
        "donner soient transmises à ce prestataire, uniquement pour organiser la prestation."
    )


def _transition(lead: Lead, action: Action, *, actor: User | None, now: dt.datetime, **data: object) -> None:
    try:
        new = next_state(State(lead.state), action)
    except IllegalTransition as err:
        raise LeadStateConflict(err.message, state=lead.state, action=action.value) from None
    old = lead.state
    lead.state = new.value
    record_audit(
        action=f"lead.{action.value}",
        actor=actor,
        programme=lead.programme,
        obj=lead,
        from_state=old,
        to_state=new.value,
        provider=lead.provider_id,
        attempt=lead.attempt,
        at=now.isoformat(),
        **data,
    )


def _locked_free(lead: Lead) -> Lead:
    found: Lead = Lead.objects.select_related("programme").get(pk=lead.pk)
    return found


def _locked(lead: Lead) -> Lead:
    found: Lead = Lead.objects.select_for_update().select_related("programme", "activity", "commune").get(pk=lead.pk)
    return found


def forwards_of_need(contact: Contact) -> list[int]:
    """The leads already made from ``contact`` for its current need (activity and commune)."""
    if contact.activity_id is None or contact.commune_id is None:
        return []  # no need captured: nothing can have been forwarded for it
    found = Lead.objects.filter(contact=contact, activity_id=contact.activity_id, commune_id=contact.commune_id)
    return list(found.order_by("pk").values_list("pk", flat=True))


def forward_request(
    contact: Contact,
    *,
    actor: User,
    consent: bool,
    consent_text: str = "",
    client_name: str = "",
    client_email: str = "",
    need_summary: str = "",
    health_details: str = "",
    health_consent: bool = False,
    health_consent_text: str = "",
    reforward_reason: str = "",
    now: dt.datetime | None = None,
) -> Lead:
    """« Transmettre la demande »: create a lead from the contact's captured need and send it to a provider.

    Once per contact and need (activity, commune): a second forward of the same need (a double submit, a second
    click) is refused with :class:`LeadAlreadyForwarded` unless ``reforward_reason`` says why (kept in the audit).
    The contact is locked first, so two concurrent submits cannot both pass the check.

    Refused (with the reason, and logged) without the caller's consent; health or dependency details need
    a second, explicit consent. Only the minimal fields are copied (name, phone, commune, activity, date,
    a short summary).
    """
    now = now or timezone.now()
    programme = contact.programme
    if not programme.has_capability(LEADS):
        raise NotLeadDispatchProgramme()
    if not has_role(actor, programme, STAFF_ROLES):
        raise PermissionDenied()
    reason: LeadConsentRequired | HealthConsentRequired | None = None
    if not consent:
        reason = LeadConsentRequired(field="consent")
    elif health_details.strip() and not health_consent:
        reason = HealthConsentRequired(field="health_consent")
    if reason is not None:
        with transaction.atomic():  # the refusal is kept in the audit log, with its reason
            record_audit(
                action="lead.forward_refused", actor=actor, programme=programme, obj=contact, reason=reason.error_id
            )
        raise reason
    with transaction.atomic():
        contact = (
            Contact.objects.select_for_update(of=("self",)).select_related("programme", "caller").get(pk=contact.pk)
        )
        earlier = forwards_of_need(contact)
        if earlier and not reforward_reason.strip():
            raise LeadAlreadyForwarded(field="reforward_reason", leads=list(earlier))
        if earlier:
            record_audit(
                action="lead.reforwarded",
                actor=actor,
                programme=programme,
                obj=contact,
                reason=reforward_reason.strip()[:500],
                earlier=list(earlier),
            )
        return _create_and_send(
            contact,
            actor,
            now,
            consent_text,
            client_name,
            client_email,
            need_summary,
            health_details,
            health_consent,
            health_consent_text,
        )


def _create_and_send(
    contact: Contact,
    actor: User,
    now: dt.datetime,
    consent_text: str,
    client_name: str,
    client_email: str,
    need_summary: str,
    health_details: str,
    health_consent: bool,
    health_consent_text: str,
) -> Lead:
    programme = contact.programme
    if contact.activity_id is None or contact.commune_id is None:
        raise NeedIncomplete()
    phone = contact.caller.phone_e164 if contact.caller else ""
    if not phone:
        raise PhoneRequired()
    parse_caller_phone(phone)
    lead = Lead.objects.create(
        programme=programme,
        contact=contact,
        activity_id=contact.activity_id,
        commune_id=contact.commune_id,
        need_date=contact.need_date or timezone.localdate(now),
        client_name=(client_name or (contact.caller.name if contact.caller else "")).strip()[:200],
        client_phone=phone,
        client_email=client_email.strip(),
        need_summary=need_summary.strip()[:500],
        consent_text=consent_text.strip() or default_consent_text(),
        consent_at=now,
        consent_by=actor,
        health_details=health_details.strip() if health_consent else "",
        health_consent_text=(health_consent_text.strip() or default_health_consent_text()) if health_consent else "",
        health_consent_at=now if health_consent and health_details.strip() else None,
        created_at=now,
        last_contact_at=now,
    )
    record_audit(action="lead.created", actor=actor, programme=programme, obj=lead, contact=contact.pk)
    _dispatch(lead, actor=actor, now=now)
    return lead


def _dispatch(lead: Lead, *, actor: User | None, now: dt.datetime, by_staff: bool = False) -> None:
    """Send ``lead`` (created, expired or no capacity) to the next provider, or close it as unmet.

    ``by_staff``: an advisor re-dispatches by hand (the attempt limit does not apply). Nobody left closes the
    lead and tells the supervisors by mail; a closed lead is never routed as work (see ``escalation``)."""
    s = settings_for(lead.programme)
    allowed = by_staff or lead.attempt < s.max_attempts
    outcome = choose_provider(lead, actor=actor, now=now, settings=s) if allowed else None
    if outcome is None or outcome.provider is None:
        if lead.state == State.CREATED:
            lead.state = State.EXPIRED.value  # nobody at all: give up right away (an unmet need)
        _transition(lead, Action.GIVE_UP, actor=actor, now=now, reason="no_provider_left")
        lead.closed_at = now
        if actor is None:  # found by the system (deadline, provider without capacity): escalated, by mail
            lead.escalated_at = lead.escalated_at or now
        lead.save()
        notify.email_on_commit(
            _("Demande %(id)s : aucun prestataire disponible") % {"id": lead.pk},
            _("Aucun prestataire n'a pu prendre la demande %(id)s : à recontacter.") % {"id": lead.pk},
            notify.supervisor_recipients(lead),
        )
        return
    action = Action.SEND if lead.state == State.CREATED else Action.REDISPATCH
    lead.provider = outcome.provider
    lead.attempt += 1
    lead.sent_at = now
    lead.acknowledged_at = None
    _transition(
        lead,
        action,
        actor=actor,
        now=now,
        candidates=len(outcome.decision.scored),
        chosen_provider=outcome.provider.pk,
    )
    lead.save()
    LeadDeadline.objects.bulk_create(
        LeadDeadline(programme=lead.programme, lead=lead, kind=d.kind.value, attempt=lead.attempt, due_at=d.due_at)
        for d in deadlines_after_send(now, sla_of(s))
    )
    notify.queue_webhooks(lead, "lead.sent", now)
    notify.email_on_commit(
        _("Nouvelle demande à rappeler sous 48 h"),
        _(
            "Une nouvelle demande vous a été transmise (%(activity)s, %(commune)s). Consultez-la et "
            "accusez-en réception dans votre espace prestataire."
        )
        % {"activity": lead.activity.label_fr, "commune": lead.commune.name},
        notify.provider_recipients(outcome.provider),
    )


def _check_provider(lead: Lead, actor: User) -> None:
    """Refuse (and log, in its own committed write) unless ``actor`` is a user of the lead's current provider."""
    allowed = (
        lead.provider_id is not None
        and has_role(actor, lead.programme, [Role.PROVIDER_USER])
        and actor.provider_links.filter(provider_id=lead.provider_id).exists()
    )
    if not allowed:
        with transaction.atomic():
            record_audit(
                action="lead.refused_other_provider",
                actor=actor,
                programme=lead.programme,
                obj=lead,
                lead_provider=lead.provider_id,
                actor_providers=list(actor.provider_links.values_list("provider_id", flat=True)),
            )
        raise NotYourLead()


def access_lead_to_act(user: User, programme: Programme, lead_id: int, *, via: str) -> Lead:
    """The lead a provider user may act on; another provider's (or an unknown) lead is refused as not found,
    and the attempt is logged (``lead.refused_other_provider``) in its own committed write."""
    try:
        return access_lead(user, programme, lead_id)
    except LeadNotFound:
        with transaction.atomic():
            AuditEntry.objects.create(
                action="lead.refused_other_provider",
                actor=user if user.is_authenticated else None,
                programme=programme,
                object_type="Lead",
                object_id=str(lead_id),
                data={"via": via},
            )
        raise


def acknowledge(lead: Lead, *, actor: User, now: dt.datetime | None = None) -> Lead:
    now = now or timezone.now()
    _check_provider(_locked_free(lead), actor)
    with transaction.atomic():
        lead = _locked(lead)
        _transition(lead, Action.ACKNOWLEDGE, actor=actor, now=now)
        lead.acknowledged_at = now
        lead.save()
        notify.queue_webhooks(lead, "lead.acknowledged", now)
    return lead


def record_outcome(
    lead: Lead,
    *,
    actor: User,
    outcome: str,
    service_date: dt.date | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Lead:
    """The provider records the call-back and its result: ``called_back`` (no decision yet), ``agreed``
    (with the service date), ``refused`` (by the client) or ``no_capacity`` (the lead goes to the next
    provider)."""
    now = now or timezone.now()
    _check_provider(_locked_free(lead), actor)
    with transaction.atomic():
        lead = _locked(lead)
        s = settings_for(lead.programme)
        if outcome != "no_capacity" and lead.state in (State.SENT, State.ACKNOWLEDGED):
            _transition(lead, Action.CALL_BACK, actor=actor, now=now)
            lead.called_back_at = now
            lead.last_contact_at = now
        if outcome == "agreed":
            if service_date is None:
                raise InvalidInput(_("Indiquez la date de la prestation."), field="service_date")
            _transition(lead, Action.AGREE, actor=actor, now=now, service_date=service_date.isoformat())
            lead.service_date = service_date
            due = feedback_deadline(service_date, sla_of(s), timezone.get_current_timezone())
            LeadDeadline.objects.create(
                programme=lead.programme,
                lead=lead,
                kind=DeadlineKind.FEEDBACK.value,
                attempt=lead.attempt,
                due_at=due.due_at,
            )
        elif outcome == "refused":
            _transition(lead, Action.REFUSE, actor=actor, now=now)
        elif outcome == "no_capacity":
            _transition(lead, Action.NO_CAPACITY, actor=actor, now=now)
        elif outcome != "called_back":
            raise InvalidInput(_("Résultat inconnu."), field="outcome")
        lead.outcome_at = now
        lead.outcome_note = note.strip()[:500]
        lead.save()
        notify.queue_webhooks(lead, f"lead.{outcome}", now)
        if outcome == "no_capacity":
            _dispatch(lead, actor=None, now=now)
    return lead


@transaction.atomic
def close_lead(lead: Lead, *, actor: User, now: dt.datetime | None = None) -> Lead:
    """A supervisor closes a lead whose outcome is known (service agreed or refused)."""
    now = now or timezone.now()
    lead = _locked(lead)
    if not has_role(actor, lead.programme, SUPERVISING_ROLES):
        raise PermissionDenied()
    _transition(lead, Action.CLOSE, actor=actor, now=now)
    lead.closed_at = now
    lead.save()
    return lead


def expire_and_redispatch(lead: Lead, *, now: dt.datetime) -> None:
    """The call-back deadline passed: expire, escalate to the supervisors, send to the next provider.
    Call inside a transaction with the lead locked."""
    previous = lead.provider
    _transition(lead, Action.EXPIRE, actor=None, now=now, reason="call_back_deadline")
    lead.escalated_at = now
    escalation.queue_work_item(lead, reason="breach")
    lead.save()
    record_audit(action="lead.escalated", actor=None, programme=lead.programme, obj=lead, provider=lead.provider_id)
    notify.email_on_commit(
        _("Demande %(id)s : délai de rappel dépassé") % {"id": lead.pk},
        _("Le prestataire %(p)s n'a pas rappelé le client dans les délais ; la demande est retransmise.")
        % {"p": previous.display_name if previous else "?"},
        notify.supervisor_recipients(lead),
    )
    _dispatch(lead, actor=None, now=now)


@transaction.atomic
def redispatch_by_staff(lead: Lead, *, actor: User, now: dt.datetime | None = None) -> Lead:
    """An advisor or supervisor handling an escalated lead sends it to the next provider now.

    From ``sent``/``acknowledged`` (the current provider has not called back: its attempt expires), from
    ``expired`` or ``no_capacity``. Refused once the client was called back or the lead is closed."""
    now = now or timezone.now()
    lead = _locked(lead)
    if not has_role(actor, lead.programme, STAFF_ROLES):
        raise PermissionDenied()
    if lead.state in (State.SENT, State.ACKNOWLEDGED):
        _transition(lead, Action.EXPIRE, actor=actor, now=now, reason="redispatched_by_staff")
    elif lead.state not in (State.EXPIRED, State.NO_CAPACITY):
        raise LeadStateConflict(
            _("Cette demande ne peut plus être retransmise (état « %(state)s »).")
            % {"state": lead.get_state_display()},
            state=lead.state,
            action=Action.REDISPATCH.value,
        )
    _dispatch(lead, actor=actor, now=now, by_staff=True)
    return lead


@transaction.atomic
def declare_availability(
    provider: Provider,
    *,
    actor: User,
    accepting_new_clients: bool,
    capacity_per_week: int | None,
    absence: tuple[dt.date, dt.date] | None = None,
) -> Provider:
    """A provider user declares its availability, weekly capacity and an absence (read by eligibility)."""
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    if not actor.provider_links.filter(provider=provider).exists():
        raise NotYourLead()
    if absence is not None and absence[1] < absence[0]:
        raise InvalidInput(_("La fin de l'absence précède son début."), field="absence_end")
    provider.accepting_new_clients = accepting_new_clients
    provider.capacity_per_week = capacity_per_week
    provider.save(update_fields=["accepting_new_clients", "capacity_per_week", "updated_at"])
    if absence is not None:
        AbsencePeriod.objects.create(
            provider=provider, start=absence[0], end=absence[1], reason=_("Déclarée par le prestataire")
        )
    record_audit(
        action="provider.availability",
        actor=actor,
        programme=provider.programme,
        obj=provider,
        accepting_new_clients=accepting_new_clients,
        capacity_per_week=capacity_per_week,
        absence=[absence[0].isoformat(), absence[1].isoformat()] if absence else None,
    )
    return provider
