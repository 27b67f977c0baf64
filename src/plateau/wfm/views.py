"""WFM pages of a programme, for its supervisors and programme managers (GET forms, CSV export of tables)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from plateau import csvexport
from plateau.domain.errors import DomainError
from plateau.domain.wfm.errors import InvalidParameter
from plateau.domain.wfm.shrinkage import Shrinkage
from plateau.tenants.access import access_programme_by_slug
from plateau.tenants.models import SUPERVISING_ROLES, Programme
from plateau.wfm.forms import (
    ForecastForm,
    MultiSkillForm,
    ScheduleForm,
    SimulationForm,
    StaffingForm,
    TrafficForm,
    WhatIfForm,
)

if TYPE_CHECKING:
    from plateau.wfm import reports

MAX_SIMULATED_CALLS = 500_000
CACHE_SECONDS = 600
AnyForm = TrafficForm | WhatIfForm | ForecastForm | MultiSkillForm
Compute = Callable[[AnyForm, Programme], "reports.Table"]

PAGES = (
    ("forecast", "Prévision des appels"),
    ("staffing", "Besoins en conseillers"),
    ("whatif", "Comparaison de scénarios"),
    ("multiskill", "Multi-compétences"),
    ("simulation", "Simulation"),
    ("schedule", "Planning des vacations"),
)


def _traffic(form: TrafficForm, programme: Programme) -> tuple[reports.Traffic, list[str]]:
    from plateau.wfm import reports
    from plateau.wfm.access import forecast_programme

    data = form.cleaned_data
    minutes: int = data["interval_minutes"]
    opening: dt.time = data["opening"]
    volumes: list[float] = data["volumes"]
    notes: list[str] = []
    day: dt.date | None = data.get("forecast_date")
    if day is not None:
        made = forecast_programme(programme, [day], interval_minutes=minutes)
        curve, check = made.forecast[day], made.backtest
        first = (opening.hour * 60 + opening.minute) // minutes
        nonzero = np.flatnonzero(curve[first:])
        last = first + (int(nonzero[-1]) + 1 if len(nonzero) else 1)
        volumes = [float(v) for v in curve[first:last]]
        notes.append(
            _("Volumes prévus pour le %(day)s à partir de l'historique du programme (%(total).0f appels).")
            % {"day": day.strftime("%d/%m/%Y"), "total": sum(volumes)}
        )
        if check is not None:
            notes.append(
                _("Erreur de prévision sur la dernière semaine (WAPE) : %(w).1f %%.") % {"w": 100 * check.wape}
            )
    traffic = reports.Traffic(
        volumes,
        opening,
        minutes,
        data["aht"],
        data["service_level"] / 100.0,
        data["answer_time"],
        data["patience"],
        Shrinkage(*((data.get(f"shrink_{k}") or 0.0) / 100.0 for k in ("breaks", "absence", "training"))),
    )
    return traffic, notes


def _with_notes(table: reports.Table, notes: list[str]) -> reports.Table:
    table.notes[:0] = notes
    return table


def _staffing(form: AnyForm, programme: Programme) -> reports.Table:
    from plateau.wfm import reports  # numpy, scipy, matplotlib: loaded on first use, not with the URLs

    assert isinstance(form, StaffingForm)
    traffic, notes = _traffic(form, programme)
    data = form.cleaned_data
    ivr_s = data.get("ivr_s") or 0.0
    blocking = (data.get("blocking") or 1.0) / 100.0
    return _with_notes(reports.staffing(traffic, ivr_s=ivr_s, blocking=blocking), notes)


def _simulation(form: AnyForm, programme: Programme) -> reports.Table:
    from plateau.wfm import reports

    assert isinstance(form, SimulationForm)
    traffic, notes = _traffic(form, programme)
    data = form.cleaned_data
    if sum(traffic.volumes) * data["replications"] > MAX_SIMULATED_CALLS:
        # Runs in the request (about 40 µs a call): keep the page under half a minute.
        raise InvalidParameter(
            _("Trop d'appels à simuler ici (%(n)d au plus, journées comprises) : réduisez les journées simulées.")
            % {"n": MAX_SIMULATED_CALLS}
        )
    return _with_notes(reports.simulation(traffic, data.get("advisors"), data["replications"]), notes)


def _schedule(form: AnyForm, programme: Programme) -> reports.Table:
    from plateau.wfm import reports

    assert isinstance(form, ScheduleForm)
    traffic, notes = _traffic(form, programme)
    return _with_notes(reports.schedule(traffic, form.cleaned_data.get("advisors")), notes)


def _what_if(form: AnyForm, programme: Programme) -> reports.Table:
    from plateau.wfm import reports

    d = form.cleaned_data
    scenario = reports.Scenario(
        d["calls"], d["hours"], d["advisors"], d["aht"], d["patience"], d["answer_time"], d["max_lost"] / 100
    )
    return reports.what_if(scenario, simulate_days=3 if d.get("simulate") else 0)


def _forecast(form: AnyForm, programme: Programme) -> reports.Table:
    from plateau.wfm import reports
    from plateau.wfm.access import forecast_programme

    d = form.cleaned_data
    made = forecast_programme(
        programme,
        [d["day"]],
        interval_minutes=d["interval_minutes"],
        weeks=d["weeks"],
        source=d["source"],
        queue=d.get("queue") or None,
        calendar=d["calendar"],
        backtest_weeks=d["backtest_weeks"],
    )
    return reports.forecast(made, d["day"], d["interval_minutes"])


def _multiskill(form: AnyForm, programme: Programme) -> reports.Table:
    from plateau.domain.wfm.multiskill import QueueTarget, SkillGroup, SkillQueue, search_team
    from plateau.wfm import reports

    d = form.cleaned_data
    queues = [SkillQueue(*row) for row in d["queues"]]
    groups = [SkillGroup(*row) for row in d["groups"]]
    if sum(q.calls for q in queues) * 4 * d["replications"] > 20_000:
        raise InvalidParameter(_("Trop d'appels à simuler ici : utilisez plateau wfm multiskill en ligne de commande."))
    target = QueueTarget(d["service_level"] / 100, d["answer_time"], (d.get("max_lost") or 0) / 100 or None)
    result = search_team(queues, groups, target, interval_s=60 * d["interval_minutes"], replications=d["replications"])
    return reports.multiskill(result, queues)


def _csv(table: reports.Table, name: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csvexport.Writer(response, delimiter=",")
    writer.writerow([key for key, _label in table.columns])
    for row in table.rows:
        writer.writerow([row.get(key, "") for key, _label in table.columns])
    return response


def _cache_key(page: str, programme: Programme, params: QueryDict) -> str:
    query = "&".join(f"{k}={v}" for k, values in sorted(params.lists()) for v in values)
    digest = hashlib.sha256(f"{page}|{programme.pk}|{get_language()}|{query}".encode()).hexdigest()
    return f"wfm:{digest}"


def _page(request: HttpRequest, slug: str, page: str, form_class: type[AnyForm], compute: Compute) -> HttpResponse:
    programme = access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)
    params = request.GET.copy()
    export = params.pop("format", None) == ["csv"]
    form = form_class(params or None)
    table = None
    if form.is_bound and form.is_valid():
        # The same question asked again (the CSV export of a table just shown, a reload, a colleague) is answered
        # from the cache when the answer depends on the inputs only (a scenario simulated over 3 days takes
        # seconds); what reads the programme's history (forecasts) is computed afresh, never stale.
        pure = page != "forecast" and not params.get("forecast_date")
        key = _cache_key(page, programme, params)
        table = cache.get(key) if pure else None
        if table is None:
            try:
                table = compute(form, programme)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                if pure:
                    cache.set(key, table, CACHE_SECONDS)
    if export and table is not None:
        return _csv(table, f"{programme.slug}-{page}")
    titles = dict(PAGES)
    return render(
        request,
        "wfm/page.html",
        {
            "programme": programme,
            "page": page,
            "pages": [(key, _(label)) for key, label in PAGES],
            "form": form,
            "table": table,
            "query": params.urlencode(),
            "title": f"{_(titles[page])} — {programme.name}",
            "heading": _(titles[page]),
        },
    )


@login_required
def staffing(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, slug, "staffing", StaffingForm, _staffing)


@login_required
def simulation(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, slug, "simulation", SimulationForm, _simulation)


@login_required
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, slug, "schedule", ScheduleForm, _schedule)


@login_required
def what_if(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, slug, "whatif", WhatIfForm, _what_if)


@login_required
def forecast(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, slug, "forecast", ForecastForm, _forecast)


@login_required
def multiskill(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, slug, "multiskill", MultiSkillForm, _multiskill)
