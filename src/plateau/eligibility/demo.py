"""Demo data of the eligibility line: a few applications in each state, one right whose renewal reminder is
due (the supervisors' « Échéances » page is not empty). Decided with the rules as the fake API would answer;
no call is made while loading."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from plateau.domain.eligibility import rules
from plateau.geo.models import Commune
from plateau.tenants.models import Programme, User

from .models import Applicant, Application, ApplicationEvent, Channel, Status
from .services import _next_number

# (birth name, first names, birth date, sex, birth commune, home commune, facts, days since the right began)
PEOPLE: list[tuple[str, str, dt.date, str, str, str, dict[str, bool | None], int | None]] = [
    ("MARTIN", "SAMUEL", dt.date(1982, 3, 9), "M", "75107", "93049",
     {rules.RSA: True, rules.UNDER_CEILING: True, rules.CSS_FREE: True}, 80),
    ("ROUSSEAU", "CLAIRE", dt.date(1975, 11, 2), "F", "92051", "92051",
     {rules.RSA: False, rules.UNDER_CEILING: False, rules.CSS_FREE: True}, 20),
    ("LAGAFFE", "GASTON", dt.date(1957, 2, 28), "M", "75111", "75111",
     {rules.RSA: False, rules.UNDER_CEILING: False, rules.CSS_FREE: False}, None),
]  # fmt: skip
STATUS_OF = {
    rules.GRANTED: Status.GRANTED,
    rules.REFUSED: Status.REFUSED,
    rules.INCOMPLETE: Status.INCOMPLETE,
    rules.TO_RECHECK: Status.TO_RECHECK,
}


def load_eligibility_demo(programme: Programme, advisor: User) -> int:
    """Create the demo applications once (a programme that has some is left as it is); returns how many."""
    if Application.objects.for_programme(programme).exists():
        return 0
    today = timezone.localdate()
    version = rules.rule_in_force(today)
    created = 0
    with transaction.atomic():
        for name, first, born, sex, birthplace, home_code, facts, days in PEOPLE:
            home = Commune.objects.filter(insee_code=home_code).first()
            if home is None:
                continue
            person = Applicant.objects.create(
                programme=programme, birth_name=name, first_names=first, birth_date=born, sex=sex,
                birth_commune_insee=birthplace, address_line="1 rue de la Démonstration",
                postal_code=next(iter(home.postal_codes.values_list("code", flat=True)), ""),
                commune=home, commune_insee=home.insee_code, created_by=advisor,
            )  # fmt: skip
            decision = rules.decide({**facts, rules.ASS: False, rules.AME: False}, version)
            fields: dict[str, Any] = {}
            if decision.outcome == rules.GRANTED and days is not None:
                start, end = rules.right_period(today - dt.timedelta(days=days), decision)
                fields = {"right_start": start, "right_end": end, "reminder_due_on": rules.reminder_day(end)}
            application = Application.objects.create(
                programme=programme, number=_next_number(today), applicant=person, channel=Channel.PHONE,
                created_by=advisor, ass_declared=False, ame_declared=False, rule_version=decision.rule_version,
                tier=decision.tier, percent=decision.percent, duration_months=decision.duration_months,
                reasons=list(decision.reasons), decided_at=timezone.now(),
                status=STATUS_OF[decision.outcome] if not fields else Status.GRANTED, **fields,
            )  # fmt: skip
            ApplicationEvent.objects.create(
                programme=programme, application=application, actor=advisor, to_status=application.status,
                note="Données de démonstration",
            )  # fmt: skip
            created += 1
    return created
