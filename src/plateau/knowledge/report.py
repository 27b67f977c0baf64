"""The answer-time report of a programme with the knowledge base: per day, the share of contacts answered or
oriented within the target, the median time to the first answer, the top themes, the top « pas trouvé »
questions, the transfer rate. Time to answer = first sheet recorded on the contact minus start of the contact."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass

from django.db.models import Min
from django.utils import timezone

from plateau.contacts.models import Contact
from plateau.tenants.models import Programme

from .models import AnswerGiven, AnswerTarget, KnowledgeGap

ORIENTED, TRANSFERRED = "oriented", "transferred"


@dataclass(frozen=True)
class DayReport:
    day: dt.date
    contacts: int
    answered: int
    within_target: int
    oriented: int
    transferred: int
    median_seconds: float | None
    top_themes: list[tuple[str, int]]
    top_gaps: list[tuple[str, int]]

    @property
    def within_share(self) -> float | None:
        """Answered (a sheet recorded within the target) or oriented, over the closed contacts."""
        return (self.within_target + self.oriented) / self.contacts if self.contacts else None

    @property
    def transfer_rate(self) -> float | None:
        return self.transferred / self.contacts if self.contacts else None


def target_seconds(programme: Programme) -> int | None:
    target = AnswerTarget.objects.for_programme(programme).first()
    return target.seconds if target else None


def day_report(programme: Programme, day: dt.date) -> DayReport:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = start + dt.timedelta(days=1)
    contacts = list(
        Contact.objects.for_programme(programme)
        .filter(started_at__gte=start, started_at__lt=end, wrap_up__isnull=False)
        .select_related("wrap_up")
        .annotate(first_answer=Min("answers_given__at"))
    )
    target = target_seconds(programme) or 180
    delays = [(c.first_answer - c.started_at).total_seconds() for c in contacts if c.first_answer is not None]
    answers = AnswerGiven.objects.for_programme(programme).filter(contact__in=[c.pk for c in contacts])
    themes = Counter(answers.values_list("sheet__subject", flat=True))
    gaps = Counter(
        KnowledgeGap.objects.for_programme(programme).filter(at__gte=start, at__lt=end).values_list("query", flat=True)
    )
    return DayReport(
        day=day,
        contacts=len(contacts),
        answered=len(delays),
        within_target=sum(1 for d in delays if d <= target),
        oriented=sum(1 for c in contacts if c.wrap_up.category == ORIENTED and c.first_answer is None),
        transferred=sum(1 for c in contacts if c.wrap_up.category == TRANSFERRED),
        median_seconds=statistics.median(delays) if delays else None,
        top_themes=themes.most_common(5),
        top_gaps=gaps.most_common(5),
    )


def period_report(programme: Programme, last_day: dt.date, days: int = 7) -> list[DayReport]:
    return [day_report(programme, last_day - dt.timedelta(days=n)) for n in range(days)]
