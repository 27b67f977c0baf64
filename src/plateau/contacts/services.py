"""Writes of the contacts app, each in one order: lock, check, change, audit, notify.

Views and the API check who may call them through :mod:`plateau.contacts.access`; the services check the
state and the rules (consent, wrap-up code, need captured) and raise errors with stable ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from plateau.directory.models import Activity, ProviderProposal, ProviderSearch
from plateau.directory.services import SearchOutcome, search_providers
from plateau.domain.ids.phone import parse_caller_phone
from plateau.errors import InvalidInput, PermissionDenied
from plateau.events import publish_on_commit
from plateau.geo.models import Commune
from plateau.tenants.access import has_role
from plateau.tenants.models import SUPERVISING_ROLES, Programme, Role, User
from plateau.tenants.services import record_audit

from .errors import (
    ConsentRequired,
    ContactClosed,
    InvalidRadius,
    NeedIncomplete,
    NoProviderSelected,
    NotesTooLong,
    PhoneRequired,
    ProviderNotProposed,
    UnknownWrapUpCode,
    WrapUpCodeRequired,
)
from .events import ContactStarted, ContactWrappedUp
from .models import Caller, Channel, Contact, ContactStatus, DetailsGiven, Direction, WrapUpCode

DEFAULT_RADIUS_KM = 15.0
MAX_RADIUS_KM = 100.0


def default_consent_text() -> str:
    return _(
        "L'appelant accepte que ses besoins soient notés et que les coordonnées de prestataires lui soient données."
    )


def identify_caller(programme: Programme, phone: str, *, name: str = "") -> Caller:
    """The programme's caller with this phone number, created on first contact (numbers are normalised)."""
    number = parse_caller_phone(phone)
    assert number.e164 is not None  # parse_caller_phone refuses numbers without E.164
    caller = Caller.objects.for_programme(programme).filter(phone_e164=number.e164).first()
    if caller is None:
        try:
            with transaction.atomic():
                caller = Caller.objects.create(
                    programme=programme,
                    phone_e164=number.e164,
                    phone_raw=phone.strip()[:40],
                    kind=number.kind.value,
                    name=name.strip(),
                )
        except IntegrityError:  # created by a concurrent contact of the same caller
            caller = Caller.objects.for_programme(programme).get(phone_e164=number.e164)
    if name.strip() and not caller.name:
        caller.name = name.strip()
        caller.save(update_fields=["name"])
    return caller


@transaction.atomic
def start_contact(
    *,
    programme: Programme,
    advisor: User,
    channel: str,
    phone: str = "",
    caller_name: str = "",
    correspondent: str = "",
    direction: str = Direction.INBOUND,
    started_at: dt.datetime | None = None,
) -> Contact:
    """Open a contact handled by ``advisor``; a call (or a callback) needs the caller's phone number.

    The caller is identified by the E.164 form of the number within the programme, so their previous
    contacts (:func:`plateau.contacts.access.previous_contacts`) come with the new one.
    """
    if not has_role(advisor, programme, [Role.ADVISOR]):
        raise PermissionDenied()
    try:
        channel = Channel(channel)
    except ValueError:
        raise InvalidInput(_("Canal inconnu : %(c)s.") % {"c": str(channel)[:20]}, field="channel") from None
    caller = None
    if phone.strip():
        caller = identify_caller(programme, phone, name=caller_name)
    elif channel in (Channel.CALL, Channel.CALLBACK):
        raise PhoneRequired(field="phone")
    contact = Contact.objects.create(
        programme=programme,
        channel=channel,
        direction=Direction(direction),
        caller=caller,
        correspondent=correspondent.strip(),
        advisor=advisor,
        started_at=started_at or timezone.now(),
    )
    record_audit(action="contact.started", actor=advisor, programme=programme, obj=contact, channel=channel.value)
    publish_on_commit(
        ContactStarted(
            programme_id=programme.pk,
            contact_id=contact.pk,
            channel=channel.value,
            advisor_id=advisor.pk,
            caller_id=caller.pk if caller else None,
        )
    )
    return contact


def _locked_open(contact: Contact, actor: User) -> Contact:
    locked: Contact = Contact.objects.select_for_update().select_related("programme").get(pk=contact.pk)
    if locked.advisor_id != actor.pk and not has_role(actor, locked.programme, SUPERVISING_ROLES):
        raise PermissionDenied()
    if locked.status != ContactStatus.OPEN:
        raise ContactClosed()
    return locked


@transaction.atomic
def capture_need(
    contact: Contact, *, actor: User, activity: Activity, commune: Commune, need_date: dt.date | None = None
) -> Contact:
    """Record what the caller needs: an activity, a commune (by INSEE code) and optionally a date."""
    contact = _locked_open(contact, actor)
    contact.activity = activity
    contact.commune = commune
    contact.commune_insee = commune.insee_code
    contact.need_date = need_date
    contact.save(update_fields=["activity", "commune", "commune_insee", "need_date"])
    record_audit(
        action="contact.need_captured",
        actor=actor,
        programme=contact.programme,
        obj=contact,
        activity=activity.code,
        commune=commune.insee_code,
        need_date=need_date.isoformat() if need_date else None,
    )
    return contact


@transaction.atomic
def search_for_contact(contact: Contact, *, actor: User, radius_km: float = DEFAULT_RADIUS_KM) -> SearchOutcome:
    """Search providers for the contact's need and link the search to the contact (for audit and details)."""
    contact = _locked_open(contact, actor)
    if contact.activity is None or contact.commune is None:
        raise NeedIncomplete()
    if not 1 <= radius_km <= MAX_RADIUS_KM:
        raise InvalidRadius(field="radius_km")
    outcome = search_providers(
        programme=contact.programme,
        actor=actor,
        activity=contact.activity,
        commune=contact.commune,
        radius_km=radius_km,
        on_date=contact.need_date or timezone.localdate(),
    )
    contact.searches.add(outcome.search)
    record_audit(
        action="contact.searched",
        actor=actor,
        programme=contact.programme,
        obj=contact,
        search=outcome.search.pk,
        results=len(outcome.matches),
    )
    return outcome


@transaction.atomic
def give_details(
    contact: Contact,
    *,
    actor: User,
    search: ProviderSearch,
    provider_ids: Sequence[int],
    consent: bool,
    consent_text: str = "",
) -> list[DetailsGiven]:
    """Record that the details of the chosen providers of ``search`` were given, with the caller's consent."""
    contact = _locked_open(contact, actor)
    if not consent:
        raise ConsentRequired(field="consent")
    if not provider_ids:
        raise NoProviderSelected(field="providers")
    if not contact.searches.filter(pk=search.pk).exists():
        raise ProviderNotProposed(field="providers")
    proposals = {
        p.provider_id: p
        for p in ProviderProposal.objects.filter(search=search, provider_id__in=list(provider_ids)).select_related(
            "provider"
        )
    }
    if set(provider_ids) - set(proposals):
        raise ProviderNotProposed(field="providers")
    already = set(contact.details_given.values_list("provider_id", flat=True))
    now = timezone.now()
    text = consent_text.strip() or default_consent_text()
    given = [
        DetailsGiven.objects.create(
            contact=contact,
            provider=proposals[pid].provider,
            search=search,
            rank=proposals[pid].rank,
            distance_km=proposals[pid].distance_km,
            consent_given_at=now,
            consent_text=text,
            given_by=actor,
        )
        for pid in sorted(set(provider_ids) - already, key=lambda pid: proposals[pid].rank)
    ]
    record_audit(
        action="contact.details_given",
        actor=actor,
        programme=contact.programme,
        obj=contact,
        providers=[d.provider_id for d in given],
        search=search.pk,
    )
    return given


NOTES_MAX_CHARS = 4000


def active_wrap_up_codes(programme: Programme, on: dt.date | None = None) -> QuerySet[WrapUpCode]:
    """The programme's wrap-up codes in service on ``on`` (today), in display order."""
    on = on or timezone.localdate()
    return (
        WrapUpCode.objects.for_programme(programme)
        .filter(Q(retired_on__isnull=True) | Q(retired_on__gt=on))
        .order_by("position", "code")
    )


@transaction.atomic
def wrap_up(
    contact: Contact, *, actor: User, code: str, notes: str = "", ended_at: dt.datetime | None = None
) -> Contact:
    """Close the contact with a wrap-up code (required) and optional notes (``ended_at``: now by default)."""
    contact = _locked_open(contact, actor)
    if not code.strip():
        raise WrapUpCodeRequired(field="wrap_up")
    if len(notes.strip()) > NOTES_MAX_CHARS:  # a pasted e-mail thread made a contact page take 16 s to show
        raise NotesTooLong(field="notes", length=len(notes.strip()))
    # Only the programme's own codes still in service (the transport line has no "transferred to URSSAF").
    wrap_up_code = active_wrap_up_codes(contact.programme).filter(code=code.strip()).first()
    if wrap_up_code is None:
        raise UnknownWrapUpCode(field="wrap_up", code=code)
    contact.wrap_up = wrap_up_code
    contact.notes = notes.strip()
    contact.status = ContactStatus.CLOSED
    contact.ended_at = ended_at or timezone.now()
    contact.save(update_fields=["wrap_up", "notes", "status", "ended_at"])
    details = contact.details_given.count()
    record_audit(
        action="contact.wrapped_up", actor=actor, programme=contact.programme, obj=contact, code=wrap_up_code.code
    )
    publish_on_commit(
        ContactWrappedUp(
            programme_id=contact.programme_id,
            contact_id=contact.pk,
            wrap_up_code=wrap_up_code.code,
            details_given=details,
            duration_seconds=(contact.ended_at - contact.started_at).total_seconds(),
        )
    )
    return contact
