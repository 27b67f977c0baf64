"""Reads of the follow-up capability: figures per provider and per month, comments for supervisors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import formats, timezone

from plateau.domain.followup import results
from plateau.tenants.models import Programme

from .models import FollowUp, Status

SENT_STATES = (Status.SENT, Status.ANSWERED, Status.EXPIRED)


def _sent(programme: Programme, since: dt.datetime | None) -> QuerySet[FollowUp]:
    qs = FollowUp.objects.for_programme(programme).filter(status__in=SENT_STATES, sent_at__isnull=False)
    return qs.filter(sent_at__gte=since) if since else qs


def _rows(qs: QuerySet[FollowUp]) -> list[results.Sent]:
    facts = list(qs.values("id", "sent_at", "status", "came", "came_provider_id", "satisfaction"))
    providers: dict[int, list[int]] = {}
    through = FollowUp.providers.through.objects.filter(followup_id__in=[f["id"] for f in facts])
    for fid, pid in through.values_list("followup_id", "provider_id"):
        providers.setdefault(fid, []).append(pid)
    return [
        results.Sent(
            month=timezone.localtime(f["sent_at"]).strftime("%Y-%m"),
            providers=tuple(sorted(providers.get(f["id"], []))),
            answered=f["status"] == Status.ANSWERED,
            came=f["came"] or None,
            came_provider=f["came_provider_id"],
            satisfaction=f["satisfaction"],
        )
        for f in facts
    ]


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)} %"


def mean(value: float | None) -> str:
    return "—" if value is None else formats.number_format(round(value, 1), 1) + " / 5"


@dataclass(frozen=True)
class Shown:
    """Figures as a page shows them (French formats, « — » when there is nothing to divide)."""

    sent: int
    answered: int
    response_rate: str
    came_share: str
    satisfaction: str

    @classmethod
    def of(cls, f: results.Figures) -> Shown:
        return cls(f.sent, f.answered, percent(f.response_rate), percent(f.came_share), mean(f.satisfaction))


def provider_figures(programme: Programme, provider_id: int) -> Shown | None:
    """The follow-up figures of one provider of the programme (None: no follow-up named it yet)."""
    qs = _sent(programme, None).filter(providers__id=provider_id)
    figures = results.by_provider(_rows(qs)).get(provider_id)
    return Shown.of(figures) if figures else None


def month_label(month: str) -> str:
    year, number = (int(x) for x in month.split("-"))
    return formats.date_format(dt.date(year, number, 1), "F Y")


def programme_results(programme: Programme, *, months: int = 12, now: dt.datetime | None = None) -> dict[str, Any]:
    """What the supervisor report shows: counts per month of sending, figures per provider (most asked
    first), and the numbers of follow-ups consented and waiting."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=31 * months)
    rows = _rows(_sent(programme, since))
    per_provider = results.by_provider(rows)
    # The provider model through the relation: this capability does not import the directory's code.
    provider_model: Any = FollowUp._meta.get_field("providers").related_model
    names = {p.pk: p for p in provider_model.objects.filter(programme=programme, pk__in=list(per_provider))}
    providers = sorted(
        ((names[pid], Shown.of(f)) for pid, f in per_provider.items() if pid in names),
        key=lambda item: (-item[1].sent, str(item[0])),
    )
    return {
        "months": [
            {
                "label": month_label(m.month),
                "shown": Shown.of(m),
                "came": m.came,
                "not_came": m.not_came,
                "not_yet": m.not_yet,
            }
            for m in results.by_month(rows)
        ],
        "providers": providers,
        "waiting": FollowUp.objects.for_programme(programme).filter(status=Status.SCHEDULED).count(),
    }


def recent_comments(programme: Programme, *, limit: int = 20) -> list[FollowUp]:
    """The latest free-text answers (for the programme's supervisors only: the caller wrote them for them)."""
    return list(
        FollowUp.objects.for_programme(programme)
        .filter(status=Status.ANSWERED)
        .exclude(comment="")
        .select_related("came_provider")
        .order_by("-answered_at")[:limit]
    )
