"""JSON API of contacts (thin: parse, check access, call the services). Errors are mapped in plateau.api."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from plateau.apitypes import Id, Slug, Text40, Text64, Text200, Text250, Text5000
from plateau.tenants.access import access_programme_by_slug
from plateau.tenants.models import SUPERVISING_ROLES, Role

from . import services
from .access import access_contact, access_contact_for_change, todays_contacts, wrap_up_counts
from .models import Contact

router = Router(tags=["contacts"])


class ContactIn(Schema):
    channel: Literal["call", "letter", "email", "callback", "web"] = "call"  # models.Channel
    phone: Text40 = ""
    caller_name: Text200 = ""
    correspondent: Text250 = ""


class WrapUpIn(Schema):
    code: Text64
    notes: Text5000 = ""


class ContactOut(Schema):
    id: int
    programme: str
    channel: str
    direction: str
    status: str
    caller_phone_e164: str | None
    caller_kind: str | None
    correspondent: str
    advisor: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    activity: str | None
    commune_insee: str | None
    need_date: dt.date | None
    wrap_up: str | None
    notes: str
    details_given: list[int]


class WrapUpCount(Schema):
    code: str | None
    label: str
    count: int


class TodayOut(Schema):
    day: dt.date
    contacts: list[ContactOut]
    counts: list[WrapUpCount]


def _out(contact: Contact) -> ContactOut:
    return ContactOut(
        id=contact.pk,
        programme=contact.programme.slug,
        channel=contact.channel,
        direction=contact.direction,
        status=contact.status,
        caller_phone_e164=contact.caller.phone_e164 if contact.caller else None,
        caller_kind=contact.caller.kind if contact.caller else None,
        correspondent=contact.correspondent,
        advisor=contact.advisor.username,
        started_at=contact.started_at,
        ended_at=contact.ended_at,
        activity=contact.activity.code if contact.activity else None,
        commune_insee=contact.commune_insee or None,
        need_date=contact.need_date,
        wrap_up=contact.wrap_up.code if contact.wrap_up else None,
        notes=contact.notes,
        details_given=sorted(contact.details_given.values_list("provider_id", flat=True)),
    )


@router.post("/programmes/{slug}", response={201: ContactOut})
def create_contact(request: HttpRequest, slug: Slug, payload: ContactIn) -> tuple[int, ContactOut]:
    """Start a contact handled by the calling advisor (a call needs the caller's phone number)."""
    programme = access_programme_by_slug(request.user, slug, [Role.ADVISOR])
    contact = services.start_contact(
        programme=programme,
        advisor=request.user,  # type: ignore[arg-type]
        channel=payload.channel,
        phone=payload.phone,
        caller_name=payload.caller_name,
        correspondent=payload.correspondent,
    )
    return 201, _out(access_contact(request.user, contact.pk))


@router.get("/{contact_id}", response=ContactOut)
def get_contact(request: HttpRequest, contact_id: Id) -> ContactOut:
    return _out(access_contact(request.user, contact_id))


@router.post("/{contact_id}/wrap-up", response=ContactOut)
def wrap_up_contact(request: HttpRequest, contact_id: Id, payload: WrapUpIn) -> ContactOut:
    contact = access_contact_for_change(request.user, contact_id)
    services.wrap_up(contact, actor=request.user, code=payload.code, notes=payload.notes)  # type: ignore[arg-type]
    return _out(access_contact(request.user, contact_id))


@router.get("/programmes/{slug}/today", response=TodayOut)
def todays(request: HttpRequest, slug: Slug) -> TodayOut:
    """Today's contacts of a programme and counts per wrap-up code (supervisors and programme managers)."""
    programme = access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)
    day = timezone.localdate()
    contacts = [_out(c) for c in todays_contacts(programme, day).prefetch_related("details_given")]
    counts = [
        WrapUpCount(code=code.code if code else None, label=code.label_fr if code else _("En cours"), count=n)
        for code, n in wrap_up_counts(programme, day)
    ]
    return TodayOut(day=day, contacts=contacts, counts=counts)
