"""The calculations behind each WFM page, as tables (rows of plain values) and inline SVG charts.

Django-free apart from translations: the views bind forms, call these and render (or export CSV).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from django.utils.translation import gettext as _

from plateau.domain.wfm.erlang_a import erlang_a
from plateau.domain.wfm.erlang_bc import erlang_c
from plateau.domain.wfm.shrinkage import Shrinkage
from plateau.domain.wfm.simulation import Distribution, SimulationSpec, Stream, single_queue_config
from plateau.domain.wfm.staffing import Target, staff_erlang_a, staff_erlang_c
from plateau.domain.wfm.trunks import channel_load, lines_for_blocking, max_load
from plateau.services.wfm_simulation import simulate
from plateau.wfm import plots

if TYPE_CHECKING:
    from plateau.domain.wfm.multiskill import MultiSkillResult, SkillQueue
    from plateau.wfm.access import ProgrammeForecast


@dataclass
class Table:
    """A result table: ``columns`` are (key, French label); rows map keys to numbers or text."""

    columns: list[tuple[str, str]]
    rows: list[dict[str, object]] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def cells(self) -> list[list[object]]:
        """The rows as a French reader reads them: decimal commas, shares of calls or time as percentages."""
        return [[_cell(r.get(k), percent=_is_share(k)) for k, _label in self.columns] for r in self.rows]


# Columns holding a share (0..1) of calls or time: service levels, abandons, occupancy, waiting, day profile.
_SHARE_PREFIXES = ("sl", "abandon", "occupancy", "p_wait", "share")


def _is_share(key: str) -> bool:
    return key.startswith(_SHARE_PREFIXES)


def _cell(value: object, *, percent: bool = False) -> object:
    if isinstance(value, float):
        if math.isnan(value):
            return "\u2013"
        if percent:
            return f"{value * 100:.1f}".replace(".", ",") + "\u00a0%"
        text = f"{value:.3f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:.0f}"
        return text.replace(".", ",")
    return "\u2013" if value is None else value


@dataclass(frozen=True)
class Traffic:
    volumes: list[float]
    opening: dt.time
    interval_minutes: int
    aht: float
    service_level: float  # fraction
    answer_time: float
    patience: float
    shrinkage: Shrinkage = field(default_factory=Shrinkage)

    @property
    def rate(self) -> np.typing.NDArray[np.float64]:
        return np.asarray(self.volumes, dtype=float) / (60.0 * self.interval_minutes)

    def labels(self) -> list[str]:
        start = self.opening.hour * 60 + self.opening.minute
        return [
            f"{(start + i * self.interval_minutes) // 60 % 24:02d}:{(start + i * self.interval_minutes) % 60:02d}"
            for i in range(len(self.volumes))
        ]

    def erlang_a_staffing(self) -> np.typing.NDArray[np.int64]:
        target = Target(service_level=self.service_level, answer_time=self.answer_time)
        return np.asarray(staff_erlang_a(self.rate, self.aht, self.patience, target), dtype=np.int64).reshape(-1)


def staffing(t: Traffic, *, ivr_s: float = 0.0, blocking: float = 0.01) -> Table:
    """Advisors needed per interval, Erlang C (nobody hangs up) and Erlang A (patience) side by side, and the
    SIP lines (trunk channels) the calls hold: in the voice menu (``ivr_s``), in the queue (Erlang A's mean wait
    of all calls, with the Erlang A staffing) and with an advisor (the AHT: the page has no separate wrap-up,
    so this errs on the safe side), for ``blocking`` (Erlang B, see ``plateau.domain.wfm.trunks``)."""
    target = Target(service_level=t.service_level, answer_time=t.answer_time)
    rate = t.rate
    n_c = np.asarray(staff_erlang_c(rate, t.aht, target)).reshape(-1)
    n_a = t.erlang_a_staffing()
    ec = erlang_c(n_c, rate, t.aht, t.answer_time, strict=False)
    ea = erlang_a(n_a, rate, t.aht, t.patience, t.answer_time)
    table = Table(
        [
            ("time", _("Heure")),
            ("calls", _("Appels")),
            ("load", _("Charge (erlangs)")),
            ("agents_c", _("Conseillers Erlang C")),
            ("sl_c", _("Service Erlang C")),
            ("asa_c", _("Attente moy. C (s)")),
            ("agents_a", _("Conseillers Erlang A")),
            ("sl_a", _("Service Erlang A")),
            ("abandon_a", _("Abandons Erlang A")),
            ("asa_a", _("Attente moy. A (s)")),
            ("occupancy_a", _("Occupation A")),
            ("heads_a", _("À planifier (A, pertes comprises)")),
            ("trunk_load", _("Charge des lignes (erlangs)")),
            ("lines", _("Lignes SIP (menu + file + conversation)")),
        ]
    )
    heads = t.shrinkage.heads(n_a)
    mean_wait = np.nan_to_num(np.asarray(ea.mean_wait, dtype=float).reshape(-1))
    trunk_load = [
        channel_load(float(r), t.aht, ivr_s=ivr_s, wait_s=float(w)) for r, w in zip(rate, mean_wait, strict=True)
    ]
    lines = [lines_for_blocking(a, blocking) for a in trunk_load]
    for i, label in enumerate(t.labels()):
        table.rows.append(
            {
                "time": label,
                "calls": float(t.volumes[i]),
                "load": float(ec.load[i]) if np.ndim(ec.load) else float(ec.load),
                "agents_c": int(n_c[i]),
                "sl_c": float(ec.service_level[i]),
                "asa_c": float(ec.asa[i]),
                "agents_a": int(n_a[i]),
                "sl_a": float(ea.sl_offered[i]),
                "abandon_a": float(ea.p_abandon[i]),
                "asa_a": float(ea.asa[i]),
                "occupancy_a": float(ea.occupancy[i]),
                "heads_a": int(heads[i]),
                "trunk_load": trunk_load[i],
                "lines": lines[i],
            }
        )
    curves = {_("Erlang C"): n_c.tolist(), _("Erlang A"): n_a.tolist()}
    if t.shrinkage.total > 0:
        curves[_("À planifier (Erlang A + pertes)")] = heads.tolist()
        table.notes.append(
            _(
                "Pertes : pauses %(b)g %%, absences %(a)g %%, formation %(f)g %% ; à planifier = ⌈ besoin / "
                "(1 - %(t)g %%) ⌉ : %(h)d intervalles-conseillers (pic %(p)d)."
            )
            % {
                "b": 100 * t.shrinkage.breaks,
                "a": 100 * t.shrinkage.absence,
                "f": 100 * t.shrinkage.training,
                "t": 100 * t.shrinkage.total,
                "h": int(heads.sum()),
                "p": int(heads.max(initial=0)),
            }
        )
    if lines:
        peak = int(np.argmax(trunk_load))
        table.notes.append(
            _(
                "Lignes SIP à prévoir : %(n)d (pointe de %(time)s : %(load).1f erlangs, soit les appels par seconde "
                "multipliés par (menu vocal %(ivr)g s + attente moyenne Erlang A %(wait).0f s + traitement %(aht)g s), "
                "au plus %(b)g %% d'appels refusés faute de ligne, Erlang B). %(n)d lignes écoulent au plus "
                "%(max).1f erlangs."
            )
            % {
                "n": lines[peak],
                "time": t.labels()[peak],
                "load": trunk_load[peak],
                "ivr": ivr_s,
                "wait": float(mean_wait[peak]),
                "aht": t.aht,
                "b": 100 * blocking,
                "max": max_load(lines[peak], blocking),
            }
        )
    table.charts.append(
        plots.curves(
            t.labels(),
            curves,
            title=_("Conseillers nécessaires par intervalle"),
            ylabel=_("conseillers"),
        )
    )
    table.notes.append(
        _("Total : %(c)d intervalles-conseillers avec Erlang C, %(a)d avec Erlang A ; pic %(pc)d / %(pa)d.")
        % {"c": int(n_c.sum()), "a": int(n_a.sum()), "pc": int(n_c.max(initial=0)), "pa": int(n_a.max(initial=0))}
    )
    return table


def simulation(t: Traffic, advisors: int | None, replications: int, workers: int = 1) -> Table:
    """Replications through the routing engine, per interval: means with 95 % CIs next to Erlang A."""
    plan = [advisors] * len(t.volumes) if advisors else [int(n) for n in t.erlang_a_staffing()]
    stream = Stream(
        "file",
        tuple(float(v) for v in t.volumes),
        Distribution("exponential", t.aht),
        Distribution("exponential", t.patience),
    )
    spec = SimulationSpec(
        single_queue_config(max(max(plan), 1), service_level_s=t.answer_time),
        (stream,),
        interval_s=60.0 * t.interval_minutes,
        staffing=tuple(plan),
        answer_time_s=t.answer_time,
    )
    summary = simulate(spec, replications, seed=0, workers=workers)
    ea = erlang_a(np.asarray(plan), t.rate, t.aht, t.patience, t.answer_time)
    table = Table(
        [
            ("time", _("Heure")),
            ("calls", _("Appels prévus")),
            ("agents", _("Conseillers")),
            ("sl", _("Service simulé")),
            ("sl_ci", _("± IC 95 %")),
            ("sl_erlang", _("Service Erlang A")),
            ("abandon", _("Abandons simulés")),
            ("abandon_ci", _("± IC 95 % ")),
            ("abandon_erlang", _("Abandons Erlang A")),
            ("asa", _("Attente moy. simulée (s)")),
            ("asa_erlang", _("Attente moy. Erlang A (s)")),
            ("p_wait", _("Appels en attente (> 0 s) simulés")),
            ("p_wait_erlang", _("Appels en attente Erlang A")),
            ("occupancy", _("Occupation simulée")),
        ]
    )
    for i, label in enumerate(t.labels()):
        e = summary.per_interval[i]
        table.rows.append(
            {
                "time": label,
                "calls": float(t.volumes[i]),
                "agents": plan[i],
                "sl": e["sl_offered"].mean,
                "sl_ci": e["sl_offered"].half_width,
                "sl_erlang": float(ea.sl_offered[i]),
                "abandon": e["abandon_rate"].mean,
                "abandon_ci": e["abandon_rate"].half_width,
                "abandon_erlang": float(ea.p_abandon[i]),
                "asa": e["asa"].mean,
                "asa_erlang": float(ea.asa[i]),
                "p_wait": e["p_wait"].mean,
                "p_wait_erlang": float(ea.p_wait[i]),
                "occupancy": e["occupancy"].mean,
            }
        )
    sl = [e["sl_offered"] for e in summary.per_interval]
    table.charts.append(
        plots.curves(
            t.labels(),
            {_("Service simulé (IC 95 %)"): [e.mean for e in sl], _("Service Erlang A"): ea.sl_offered.tolist()},
            bands={_("Service simulé (IC 95 %)"): ([e.low for e in sl], [e.high for e in sl])},
            title=_("Niveau de service par intervalle : simulation et Erlang A"),
            ylabel=_("appels décrochés à temps"),
        )
    )
    day = summary.day
    table.notes.append(
        _(
            "Journée (%(n)d journées simulées avec les règles du moteur de routage réel — file unique : calcul "
            "rapide aux résultats identiques —, %(events)d événements) : "
            "service %(sl)s, abandons %(ab)s, attente moyenne %(asa)s s, occupation %(occ)s ; "
            "appels ayant attendu : %(pw)s de tous, %(pwa)s des appels décrochés."
        )
        % {
            "n": summary.replications,
            "events": summary.events,
            "sl": _interval(day["sl_offered"].mean, day["sl_offered"].low, day["sl_offered"].high),
            "ab": _interval(day["abandon_rate"].mean, day["abandon_rate"].low, day["abandon_rate"].high),
            "asa": _interval(day["asa"].mean, day["asa"].low, day["asa"].high, digits=1),
            "occ": _interval(day["occupancy"].mean, day["occupancy"].low, day["occupancy"].high),
            "pw": _interval(day["p_wait"].mean, day["p_wait"].low, day["p_wait"].high),
            "pwa": _interval(day["p_wait_answered"].mean, day["p_wait_answered"].low, day["p_wait_answered"].high),
        }
    )
    return table


def _interval(mean: float, low: float, high: float, digits: int = 3) -> str:
    return f"{mean:.{digits}f} [{low:.{digits}f} ; {high:.{digits}f}]"


def schedule(t: Traffic, advisors: int | None, time_limit_s: float = 5.0) -> Table:
    """A one-day CP-SAT shift schedule covering the Erlang A curve, with residual under/over-staffing."""
    from plateau.domain.wfm.schedule import default_patterns, schedule_shifts  # OR-Tools: slow import

    # Breaks are placed by the shift patterns: only absence and training enlarge the need here.
    need = t.shrinkage.without_breaks().heads(t.erlang_a_staffing())
    per_day = 1440 // t.interval_minutes
    first = (t.opening.hour * 60 + t.opening.minute) // t.interval_minutes
    required = np.zeros(per_day)
    count = min(len(need), per_day - first)
    required[first : first + count] = need[:count]
    opens, closes = first * t.interval_minutes, (first + count) * t.interval_minutes
    patterns = default_patterns(t.interval_minutes, opens, closes)
    team = advisors or max(1, math.ceil(1.2 * int(need.max(initial=0))))
    result = schedule_shifts(required, t.interval_minutes, patterns, team, time_limit_s=time_limit_s)
    table = Table(
        [
            ("time", _("Heure")),
            ("required", _("Besoin (Erlang A + absences et formation)")),
            ("scheduled", _("Planifiés")),
            ("under", _("Manque")),
            ("over", _("Surplus")),
        ]
    )
    labels = t.labels()[:count]
    for i, label in enumerate(labels):
        k = first + i
        table.rows.append(
            {
                "time": label,
                "required": int(result.required[k]),
                "scheduled": int(result.coverage[k]),
                "under": int(result.under[k]),
                "over": int(result.over[k]),
            }
        )
    window = slice(first, first + count)
    table.charts.append(
        plots.bars_and_line(
            labels,
            result.coverage[window].tolist(),
            result.required[window].tolist(),
            title=_("Planning : conseillers planifiés et besoin par intervalle"),
            bar_label=_("planifiés"),
            line_label=_("besoin"),
        )
    )
    shifts: dict[str, int] = {}
    for a in result.assignments:
        shifts[a.pattern] = shifts.get(a.pattern, 0) + 1
    table.notes.append(
        _("%(n)d vacations pour %(team)d conseillers disponibles (%(state)s) : %(detail)s.")
        % {
            "n": len(result.assignments),
            "team": team,
            "state": _("optimal") if result.optimal else _("meilleure solution trouvée dans le temps imparti"),
            "detail": ", ".join(f"{name} \u00d7 {n}" for name, n in sorted(shifts.items())) or "\u2013",
        }
    )
    table.notes.append(
        _("Manque total : %(u)d intervalles-conseillers ; surplus total : %(o)d.")
        % {"u": int(result.under[window].sum()), "o": int(result.over[window].sum())}
    )
    return table


@dataclass(frozen=True)
class Scenario:
    calls: float
    hours: float
    advisors: int
    aht: float
    patience: float
    answer_time: float
    max_lost: float  # fraction

    @property
    def rate(self) -> float:
        return self.calls / (self.hours * 3600.0)


def what_if(s: Scenario, *, simulate_days: int = 0, workers: int = 1) -> Table:
    """The team as typed against the pooled team needed for the lost-call target and for 80 % in T (C and A)."""
    rate = s.rate
    load = rate * s.aht
    pooled = int(np.asarray(staff_erlang_a(rate, s.aht, s.patience, Target(max_abandon=s.max_lost))).reshape(-1)[0])
    sl80 = Target(service_level=0.8, answer_time=s.answer_time)
    n_a80 = int(np.asarray(staff_erlang_a(rate, s.aht, s.patience, sl80)).reshape(-1)[0])
    n_c80 = int(np.asarray(staff_erlang_c(rate, s.aht, sl80)).reshape(-1)[0])
    table = Table(
        [
            ("scenario", _("Scénario")),
            ("advisors", _("Conseillers")),
            ("sl_c", _("Service Erlang C")),
            ("sl_a", _("Service Erlang A")),
            ("abandon", _("Appels perdus (part)")),
            ("lost", _("Appels perdus (nombre)")),
            ("asa", _("Attente moy. (s)")),
            ("occupancy", _("Occupation")),
        ]
    )
    rows = [
        (_("Équipe saisie"), s.advisors),
        (_("Équipe mutualisée : moins de %(p)s %% perdus") % {"p": f"{100 * s.max_lost:g}"}, pooled),
        (_("80 %% en %(t)g s (Erlang A)") % {"t": s.answer_time}, n_a80),
        (_("80 %% en %(t)g s (Erlang C, sans abandon)") % {"t": s.answer_time}, n_c80),
    ]
    for name, n in rows:
        ea = erlang_a(n, rate, s.aht, s.patience, s.answer_time)
        ec = erlang_c(n, rate, s.aht, s.answer_time, strict=False)
        p_ab = float(ea.p_abandon)
        table.rows.append(
            {
                "scenario": name,
                "advisors": n,
                "sl_c": float(ec.service_level) if bool(ec.stable) else _("instable (N ≤ A)"),
                "sl_a": float(ea.sl_offered),
                "abandon": p_ab,
                "lost": round(s.calls * p_ab),
                "asa": float(ea.asa),
                "occupancy": float(ea.occupancy),
            }
        )
    if simulate_days:
        intervals = max(1, round(s.hours * 2))
        stream = Stream(
            "file",
            (s.calls / intervals,) * intervals,
            Distribution("exponential", s.aht),
            Distribution("exponential", s.patience),
        )
        spec = SimulationSpec(
            single_queue_config(s.advisors, service_level_s=s.answer_time),
            (stream,),
            interval_s=s.hours * 3600.0 / intervals,
            answer_time_s=s.answer_time,
        )
        day = simulate(spec, simulate_days, seed=0, workers=workers).day
        table.rows.append(
            {
                "scenario": _("Équipe saisie, simulée (%(n)d journées, IC 95 %%)") % {"n": simulate_days},
                "advisors": s.advisors,
                "sl_c": None,
                "sl_a": _interval(day["sl_offered"].mean, day["sl_offered"].low, day["sl_offered"].high),
                "abandon": _interval(day["abandon_rate"].mean, day["abandon_rate"].low, day["abandon_rate"].high),
                "lost": round(s.calls * day["abandon_rate"].mean),
                "asa": _interval(day["asa"].mean, day["asa"].low, day["asa"].high, digits=1),
                "occupancy": day["occupancy"].mean,
            }
        )
    table.notes.append(
        _("Charge offerte : %(a).1f erlangs (%(r).2f appels par seconde pendant %(h)g h).")
        % {"a": load, "r": rate, "h": s.hours}
    )
    return table


WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def forecast(made: ProgrammeForecast, day: dt.date, interval_minutes: int) -> Table:
    """The forecast of ``day`` per interval (with the weekday's intraday share), the weekly profile, the WAPE."""
    from plateau.domain.wfm.forecast import profiles

    curve = made.forecast[day]
    shape = profiles(made.history, special_days=made.special_days)
    share = shape.intraday[day.weekday()]
    table = Table([("time", _("Heure")), ("calls", _("Appels prévus")), ("share", _("Part de la journée (profil)"))])
    labels: list[str] = []
    values: list[float] = []
    for i, value in enumerate(curve):
        minute = i * interval_minutes
        label = f"{minute // 60:02d}:{minute % 60:02d}"
        if value > 0 or share[i] > 0:
            labels.append(label)
            values.append(float(value))
            table.rows.append({"time": label, "calls": float(value), "share": float(share[i])})
    if labels:
        table.charts.append(
            plots.curves(
                labels,
                {_("Appels prévus"): values},
                title=_("Prévision du %(day)s par intervalle") % {"day": day.strftime("%d/%m/%Y")},
                ylabel=_("appels"),
            )
        )
    sources = {"journal": _("journal de routage"), "contacts": _("contacts enregistrés")}
    special = made.special_days.get(day)
    table.notes.append(
        _(
            "%(total).0f appels prévus le %(weekday)s %(day)s%(special)s, "
            "à partir de %(days)d jours d'historique (%(src)s)."
        )
        % {
            "total": float(curve.sum()),
            "weekday": _(WEEKDAYS[day.weekday()]),
            "day": day.strftime("%d/%m/%Y"),
            "special": f" ({special})" if special else "",
            "days": len(made.history),
            "src": sources.get(made.source, made.source),
        }
    )
    week = [
        f"{_(name)} {shape.weekly[k]:.0f} ({100 * shape.weekly_share[k]:.0f} %)"
        for k, name in enumerate(WEEKDAYS)
        if not np.isnan(shape.weekly[k])
    ]
    table.notes.append(_("Profil hebdomadaire (appels moyens par jour) : %(week)s.") % {"week": ", ".join(week)})
    if made.backtest is not None:
        table.notes.append(
            _("Erreur de prévision (WAPE) sur les %(n)d dernières semaines, chacune prévue sans la voir : %(w).1f %%.")
            % {"n": len(made.backtest.weekly_wape), "w": 100 * made.backtest.wape}
        )
    else:
        table.notes.append(_("Historique trop court pour mesurer l'erreur de prévision (WAPE)."))
    return table


def multiskill(result: MultiSkillResult, queues: list[SkillQueue]) -> Table:
    """Single-skill Erlang A per queue against the smallest pooled team found by simulation."""
    table = Table(
        [
            ("queue", _("File")),
            ("calls", _("Appels par intervalle")),
            ("alone", _("Conseillers Erlang A (file seule)")),
            ("sl_start", _("Service simulé, équipes séparées")),
            ("sl_best", _("Service simulé, équipe mutualisée")),
            ("abandon_best", _("Abandons, équipe mutualisée")),
            ("asa_best", _("Attente moy., équipe mutualisée (s)")),
        ]
    )
    for q in queues:
        best, start = result.best.kpis[q.queue_id], result.start.kpis[q.queue_id]
        table.rows.append(
            {
                "queue": q.queue_id,
                "calls": q.calls,
                "alone": result.single_skill[q.queue_id],
                "sl_start": start["sl_offered"],
                "sl_best": best["sl_offered"],
                "abandon_best": best["abandon_rate"],
                "asa_best": best["asa"],
            }
        )
    names = list(result.best.team)
    table.charts.append(
        plots.bars_and_line(
            names,
            [float(result.best.team[n]) for n in names],
            [float(result.start.team[n]) for n in names],
            title=_("Conseillers par groupe de compétences"),
            bar_label=_("équipe mutualisée"),
            line_label=_("équipes séparées (Erlang A par file)"),
        )
    )

    def team(t: dict[str, int]) -> str:
        return ", ".join(f"{name} {n}" for name, n in t.items())

    table.notes.append(
        _("Équipes séparées (Erlang A file par file, vérifiées par simulation) : %(team)s, soit %(n)d conseillers.")
        % {"team": team(result.start.team), "n": result.start.size}
    )
    table.notes.append(
        _(
            "Plus petite équipe trouvée qui tient l'objectif sur chaque file (simulation par le moteur de routage) : "
            "%(team)s, soit %(n)d conseillers (%(k)d équipes simulées, mêmes journées pour chacune)."
        )
        % {"team": team(result.best.team), "n": result.best.size, "k": result.evaluations}
    )
    return table
