"""The six reference programmes, their numbers, hours, tariffs and staff."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from plateau.contacts.wrap_up_codes import seed_programme_codes
from plateau.tenants.models import (
    CallerCost,
    Membership,
    NumberTariff,
    Organisation,
    Programme,
    ProgrammeKind,
    ProgrammeNumber,
    Role,
    User,
)
from plateau.tenants.services import apply_capability_preset

# Documented in the README: every demo account uses this password.
DEMO_PASSWORD = "plateau"  # noqa: S105 - public demo credentials, documented

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def _hours(days: tuple[str, ...], start: str, end: str) -> dict[str, list[list[str]]]:
    return {d: ([[start, end]] if d in days else []) for d in (*WEEKDAYS, "sat", "sun")}


@dataclass(frozen=True)
class NumberSpec:
    number: str
    e164: str
    label: str
    tariffs: tuple[tuple[str, Decimal | None, dt.date, dt.date | None], ...]


@dataclass(frozen=True)
class ProgrammeSpec:
    slug: str
    name: str
    client: str
    kind: str
    hours: dict[str, list[list[str]]]
    numbers: tuple[NumberSpec, ...]
    advisors: int
    extra: dict[str, object] = field(default_factory=dict)


PROGRAMMES: tuple[ProgrammeSpec, ...] = (
    ProgrammeSpec(
        slug="sap-national",
        name="Services à la personne — numéro national",
        client="Ministère de l'Économie (DGE)",
        kind=ProgrammeKind.DIRECTORY,
        hours=_hours((*WEEKDAYS, "sat"), "08:00", "20:00"),
        numbers=(
            NumberSpec(
                "3211",
                "+33173603211",
                "Numéro court national",
                (
                    # Priced like a local call, then free from a given date (programmes.md §1).
                    (CallerCost.LOCAL_RATE, Decimal("0.0780"), dt.date(2024, 1, 1), dt.date(2025, 12, 31)),
                    (CallerCost.FREE, None, dt.date(2026, 1, 1), None),
                ),
            ),
        ),
        advisors=30,
    ),
    ProgrammeSpec(
        slug="reseaux-prestataires",
        name="Plateforme des réseaux de prestataires",
        client="Six réseaux de services à domicile",
        kind=ProgrammeKind.LEAD_DISPATCH,
        hours=_hours((*WEEKDAYS, "sat"), "08:00", "20:00"),
        numbers=(
            NumberSpec(
                "0800 40 50 60",
                "+33800405060",
                "Numéro vert",
                ((CallerCost.FREE, None, dt.date(2024, 1, 1), None),),
            ),
        ),
        advisors=6,
    ),
    ProgrammeSpec(
        slug="allo-service-public",
        name="Allô Service Public",
        client="Direction de l'information légale et administrative",
        kind=ProgrammeKind.PUBLIC_INFORMATION,
        hours=_hours(WEEKDAYS, "08:30", "18:00"),
        numbers=(
            NumberSpec(
                "3939",
                "+33173603939",
                "Numéro court (service gratuit + prix d'un appel)",
                ((CallerCost.FREE_SERVICE, None, dt.date(2024, 1, 1), None),),
            ),
        ),
        advisors=60,
    ),
    ProgrammeSpec(
        slug="teleassistance",
        name="Téléassistance des seniors",
        client="Dom'assist",
        kind=ProgrammeKind.TELECARE,
        hours=_hours((*WEEKDAYS, "sat", "sun"), "00:00", "24:00"),
        numbers=(
            NumberSpec(
                "09 70 80 90 10",
                "+33970809010",
                "Ligne des abonnés",
                ((CallerCost.LOCAL_RATE, None, dt.date(2024, 1, 1), None),),
            ),
        ),
        advisors=20,
    ),
    ProgrammeSpec(
        slug="transport-solidarite",
        name="Transport gratuit — éligibilité",
        client="Autorité organisatrice des mobilités d'Île-de-France",
        kind=ProgrammeKind.ELIGIBILITY,
        hours=_hours((*WEEKDAYS, "sat"), "08:00", "19:00"),
        numbers=(
            NumberSpec(
                "0800 94 10 10",
                "+33800941010",
                "Numéro vert",
                ((CallerCost.FREE, None, dt.date(2024, 1, 1), None),),
            ),
        ),
        advisors=80,
    ),
    ProgrammeSpec(
        slug="assistance-informatique",
        name="Assistance informatique à domicile",
        client="Enseigne de distribution",
        kind=ProgrammeKind.IT_ASSISTANCE,
        hours=_hours((*WEEKDAYS, "sat"), "09:00", "19:00"),
        numbers=(
            NumberSpec(
                "09 69 32 10 00",
                "+33969321000",
                "Assistance à domicile",
                ((CallerCost.LOCAL_RATE, None, dt.date(2024, 1, 1), None),),
            ),
            # A majoré number (ARCEP): its voice menu first announces the price in force on the call's date.
            NumberSpec(
                "0892 68 10 00",
                "+33892681000",
                "Dépannage express hors contrat",
                (
                    (CallerCost.SURCHARGED, Decimal("0.50"), dt.date(2024, 1, 1), dt.date(2025, 12, 31)),
                    (CallerCost.SURCHARGED, Decimal("0.80"), dt.date(2026, 1, 1), None),
                ),
            ),
        ),
        advisors=20,
    ),
)

# Demo staff is smaller than the real teams: enough people to log in as and to populate the pages.
DEMO_ADVISORS_PER_PROGRAMME = 4
# Programmes 1 and 2 share a team (programmes.md, "Cross-cutting").
SHARED_TEAM = ("sap-national", "reseaux-prestataires")


def demo_user(username: str, first: str, last: str, *, platform_admin: bool = False) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@plateau.test"}
    )
    if created:
        user.password = _demo_password_hash()
        user.is_platform_admin = platform_admin
        user.is_staff = platform_admin
        user.is_superuser = platform_admin
        user.save()
    return user


@functools.cache
def _demo_password_hash() -> str:
    # Hashed once: PBKDF2 costs about a second per call on a busy 2-core machine, for 33 accounts.
    return make_password(DEMO_PASSWORD)


def demo_member(user: User, programme: Programme, role: str) -> None:
    Membership.objects.get_or_create(user=user, programme=programme, role=role)


FIRST_NAMES = ("Camille", "Nadia", "Thomas", "Léa", "Karim", "Sophie", "Julien", "Fatou", "Hugo", "Inès")
LAST_NAMES = ("Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Garcia", "Roux", "Diallo", "Fournier", "Petit")


def distinct_names() -> Iterator[tuple[str, str]]:
    """First and last names, no pair twice (100 of them): a supervisor must tell two advisors apart."""
    for n in range(len(FIRST_NAMES) * len(LAST_NAMES)):
        q, r = divmod(n, len(FIRST_NAMES))
        yield FIRST_NAMES[r], LAST_NAMES[(q + r) % len(LAST_NAMES)]


@transaction.atomic
def load_programmes() -> dict[str, Programme]:
    """Create the organisation, the six programmes, their numbers/tariffs and staff accounts."""
    org, _ = Organisation.objects.get_or_create(
        slug="plateau-services", defaults={"name": "Plateau Services (centre de contacts)"}
    )
    programmes: dict[str, Programme] = {}
    for spec in PROGRAMMES:
        programme, _ = Programme.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "organisation": org,
                "name": spec.name,
                "client": spec.client,
                "kind": spec.kind,
                "opening_hours": spec.hours,
            },
        )
        programmes[spec.slug] = programme
        if not programme.capabilities.exists():  # a re-load keeps what an admin changed since
            apply_capability_preset(programme)
        seed_programme_codes(programme)
        for n in spec.numbers:
            number, _ = ProgrammeNumber.objects.update_or_create(
                number=n.number, defaults={"programme": programme, "e164": n.e164, "label": n.label}
            )
            for cost, price, start, end in n.tariffs:
                NumberTariff.objects.get_or_create(
                    number=number,
                    valid_from=start,
                    defaults={"caller_cost": cost, "price_per_minute_eur": price, "valid_until": end},
                )

    demo_user("admin", "Alex", "Admin", platform_admin=True)
    names = distinct_names()
    for spec in PROGRAMMES:
        programme = programmes[spec.slug]
        short = spec.slug.split("-")[0]
        sup = demo_user(f"superviseur.{short}", *next(names))
        demo_member(sup, programme, Role.SUPERVISOR)
        manager = demo_user(f"responsable.{short}", *next(names))
        demo_member(manager, programme, Role.PROGRAMME_MANAGER)
        if spec.slug in SHARED_TEAM[1:]:
            continue  # served by the shared team below
        for k in range(1, DEMO_ADVISORS_PER_PROGRAMME + 1):
            adv = demo_user(f"conseiller{k}.{short}", *next(names))
            demo_member(adv, programme, Role.ADVISOR)
            if spec.slug == SHARED_TEAM[0]:
                demo_member(adv, programmes[SHARED_TEAM[1]], Role.ADVISOR)
    return programmes
