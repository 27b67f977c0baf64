"""Writes of the orientation capability: lock, check, change, audit (``tenants.services.record_audit``).

The programme manager keeps the programme's themes and level-2 destinations; the advisor records an
orientation on a contact (the live call transferred, or the destination's number given). Publishing the
transfer request to the SIP gateway is the view's last step, after the orientation is committed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plateau.contacts.models import Contact
from plateau.domain.errors import DomainError
from plateau.domain.ids.insee import validate_department_code, validate_insee_code
from plateau.domain.ids.phone import parse_phone
from plateau.domain.orientation import format_weekly, opening_state, parse_weekly, validate_sip_uri
from plateau.errors import PermissionDenied
from plateau.geo.models import Commune, Department
from plateau.tenants.access import has_role
from plateau.tenants.errors import require_capability
from plateau.tenants.models import Programme, Role, User
from plateau.tenants.services import record_audit

from .access import is_holiday, live_call_id
from .capability import ORIENTATION
from .errors import InvalidDestination, InvalidTheme, OrientationRefused, ThemeExists
from .models import Destination, Orientation, OrientationMode, Theme

THEME_CODE = re.compile(r"^[a-z0-9][a-z0-9\-]{0,39}$")


def _check_manager(actor: User, programme: Programme) -> None:
    if not has_role(actor, programme, [Role.PROGRAMME_MANAGER]):
        raise PermissionDenied()


@transaction.atomic
def add_theme(programme: Programme, *, actor: User, code: str, label: str) -> Theme:
    """A theme the programme's destinations are competent for (« cesu », « carte-grise »…)."""
    _check_manager(actor, programme)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    code, label = code.strip(), " ".join(label.split())
    if not THEME_CODE.match(code) or not label:
        raise InvalidTheme(field="code" if not THEME_CODE.match(code) else "label")
    existing = Theme.objects.for_programme(programme)
    if existing.filter(code=code).exists():
        raise ThemeExists(field="code", code=code)
    last = existing.order_by("-position").values_list("position", flat=True).first() or 0
    theme = Theme.objects.create(programme=programme, code=code, label=label[:120], position=last + 10)
    record_audit(action="orientation.theme_added", actor=actor, programme=programme, obj=theme, code=code, label=label)
    return theme


@dataclass
class DestinationInput:
    """What the manager types (already split into lists by the form); validated by :func:`save_destination`."""

    name: str
    phone: str = ""
    sip_uri: str = ""
    opening_hours: Mapping[str, Any] = field(default_factory=dict)
    always_open: bool = False
    theme_codes: Iterable[str] = ()
    communes: Iterable[str] = ()
    departments: Iterable[str] = ()
    briefing: str = ""
    is_active: bool = True


def clean_destination(programme: Programme, data: DestinationInput) -> tuple[dict[str, Any], list[Theme]]:
    """Every check, each refusal on its field in French; a code (commune, département) must exist."""
    name = " ".join(data.name.split())
    if not name:
        raise InvalidDestination(_("Donnez un nom à la destination."), field="name")
    phone = ""
    if data.phone.strip():
        number = parse_phone(data.phone)  # InvalidPhoneNumber (field "phone")
        phone = number.e164 or number.national.replace(" ", "")
    sip_uri = validate_sip_uri(data.sip_uri) if data.sip_uri.strip() else ""
    if not phone and not sip_uri:
        raise InvalidDestination(_("Indiquez un numéro de téléphone ou une adresse SIP (ou les deux)."), field="phone")
    try:
        weekly = parse_weekly(data.opening_hours)
    except DomainError as exc:
        raise InvalidDestination(exc.message, field="opening_hours") from exc
    if not weekly and not data.always_open:
        raise InvalidDestination(
            _("Indiquez des horaires d'ouverture, ou cochez « ouvert 24 h/24, 7 j/7 »."), field="opening_hours"
        )
    communes = sorted({validate_insee_code(c) for c in data.communes if c.strip()})
    known = set(Commune.objects.filter(insee_code__in=communes).values_list("insee_code", flat=True))
    if unknown := [c for c in communes if c not in known]:
        raise InvalidDestination(
            _("Code INSEE inconnu : %(codes)s (le code officiel géographique, pas le code postal).")
            % {"codes": ", ".join(unknown)},
            field="communes",
        )
    try:
        departments = sorted({validate_department_code(d) for d in data.departments if d.strip()})
    except DomainError as exc:
        raise InvalidDestination(exc.message, field="departments") from exc
    known = set(Department.objects.filter(code__in=departments).values_list("code", flat=True))
    if unknown := [d for d in departments if d not in known]:
        raise InvalidDestination(
            _("Département inconnu : %(codes)s.") % {"codes": ", ".join(unknown)}, field="departments"
        )
    codes = list(dict.fromkeys(c.strip() for c in data.theme_codes if c.strip()))
    themes = list(Theme.objects.for_programme(programme).filter(code__in=codes))
    if not codes or len(themes) != len(codes):
        raise InvalidDestination(_("Choisissez au moins un thème du programme."), field="themes")
    values = {
        "name": name[:200],
        "phone": phone,
        "sip_uri": sip_uri,
        "opening_hours": format_weekly(weekly),
        "always_open": data.always_open,
        "communes": communes,
        "departments": departments,
        "briefing": data.briefing.strip()[:4000],
        "is_active": data.is_active,
    }
    return values, themes


def snapshot(destination: Destination) -> dict[str, Any]:
    return {
        "name": destination.name,
        "phone": destination.phone,
        "sip_uri": destination.sip_uri,
        "opening_hours": destination.opening_hours,
        "always_open": destination.always_open,
        "themes": sorted(destination.themes.values_list("code", flat=True)),
        "communes": destination.communes,
        "departments": destination.departments,
        "briefing": destination.briefing,
        "is_active": destination.is_active,
    }


@transaction.atomic
def save_destination(
    programme: Programme, data: DestinationInput, *, actor: User, destination: Destination | None = None
) -> Destination:
    """Add a destination, or change one of the programme's (audited with what changed)."""
    _check_manager(actor, programme)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    values, themes = clean_destination(programme, data)
    return _store_destination(programme, values, themes, actor=actor, destination=destination)


def _store_destination(
    programme: Programme, values: dict[str, Any], themes: list[Theme], *, actor: User | None,
    destination: Destination | None,
) -> Destination:  # fmt: skip
    if destination is None:
        created = Destination.objects.create(programme=programme, **values)
        created.themes.set(themes)
        record_audit(action="orientation.destination_added", actor=actor, programme=programme, obj=created,
                     after=snapshot(created))  # fmt: skip
        return created
    target: Destination | None = (
        Destination.objects.for_programme(programme).select_for_update().filter(pk=destination.pk).first()
    )
    if target is None:
        raise InvalidDestination(field="name")
    before = snapshot(target)
    for key, value in values.items():
        setattr(target, key, value)
    target.save()
    target.themes.set(themes)
    after = snapshot(target)
    changed = {k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]}
    record_audit(action="orientation.destination_changed", actor=actor, programme=programme, obj=target,
                 changed=changed)  # fmt: skip
    return target


def save_destination_as_admin(
    programme: Programme, data: DestinationInput, *, actor: User | None, destination: Destination | None = None
) -> Destination:
    """The same checks and audit for a platform admin (Django admin) or the demo loader (``actor`` None)."""
    with transaction.atomic():
        values, themes = clean_destination(programme, data)
        return _store_destination(programme, values, themes, actor=actor, destination=destination)


@transaction.atomic
def record_orientation(
    contact: Contact,
    *,
    actor: User,
    destination_id: int,
    theme_code: str,
    mode: str,
    commune_insee: str = "",
) -> Orientation:
    """Record that the contact was oriented to a destination: its live call transferred (the destination
    must be open, have a SIP address, and the contact a call in progress) or its number given.

    ``contact`` comes from ``contacts.access.access_contact_for_change`` (the advisor may change it).
    """
    programme = contact.programme
    require_capability(programme, ORIENTATION)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if not contact.is_open:
        raise OrientationRefused(_("Ce contact est clos : il ne peut plus être orienté."))
    destination = Destination.objects.for_programme(programme).filter(pk=destination_id, is_active=True).first()
    theme = Theme.objects.for_programme(programme).filter(code=theme_code).first()
    if destination is None or theme is None or not destination.themes.filter(pk=theme.pk).exists():
        raise OrientationRefused(_("Cette destination n'est pas compétente pour ce thème."))
    commune = ""
    if commune_insee:
        try:
            commune = validate_insee_code(commune_insee)
        except DomainError:
            commune = ""
    routing_id = ""
    if mode == OrientationMode.TRANSFER:
        state = opening_state(parse_weekly(destination.opening_hours), timezone.now(), is_holiday=is_holiday,
                              always_open=destination.always_open)  # fmt: skip
        routing_id = live_call_id(contact) or ""
        if not destination.sip_uri:
            raise OrientationRefused(_("Cette destination n'a pas d'adresse de transfert : donnez son numéro."))
        if not state.is_open:
            raise OrientationRefused(_("Cette destination est fermée : donnez son numéro à l'appelant."))
        if not routing_id:
            raise OrientationRefused(_("Aucun appel en cours sur ce contact : donnez le numéro à l'appelant."))
        already = Orientation.objects.for_programme(programme).filter(
            routing_contact_id=routing_id, mode=OrientationMode.TRANSFER
        )
        if already.exists():  # a second click, a stale page: the call is being transferred once
            raise OrientationRefused(_("Le transfert de cet appel est déjà demandé."))
        target = destination.sip_uri
    elif mode == OrientationMode.NUMBER_GIVEN:
        if not destination.phone:
            raise OrientationRefused(_("Cette destination n'a pas de numéro à donner."))
        target = destination.phone
    else:
        raise OrientationRefused()
    orientation = Orientation.objects.create(
        programme=programme, contact=contact, destination=destination, theme=theme, commune_insee=commune,
        mode=mode, target=target, routing_contact_id=routing_id, by=actor,
    )  # fmt: skip
    record_audit(
        action="orientation.transferred" if mode == OrientationMode.TRANSFER else "orientation.number_given",
        actor=actor, programme=programme, obj=orientation, contact_id=contact.pk, destination=destination.name,
        theme=theme.code, target=target, routing_contact_id=routing_id,
    )  # fmt: skip
    return orientation
