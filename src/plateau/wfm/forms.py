"""Inputs of the WFM pages (GET forms: every page is a calculation, its URL is shareable and exportable)."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from plateau.ui.forms import DsfrBaseForm

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_INTERVALS = 96


def _numbers(text: str) -> list[float]:
    """Numbers separated by spaces or semicolons; a comma is a decimal comma (French style)."""
    return [float(v.replace(",", ".")) for v in re.split(r"[\s;]+", text.strip()) if v]


def _interval_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Durée d'un intervalle"),
        choices=[(15, "15 min"), (30, "30 min"), (60, "60 min")],
        coerce=int,
        initial=30,
    )


class TrafficForm(DsfrBaseForm):
    """Traffic and target: volumes per interval (typed, or forecast from the programme's history)."""

    volumes = forms.CharField(
        label=_("Appels par intervalle"),
        required=False,
        help_text=_("Nombres séparés par des espaces ou des points-virgules, dans l'ordre des intervalles."),
    )
    forecast_date = forms.DateField(
        label=_("…ou prévision pour le jour"),
        required=False,
        help_text=_("Prévision à partir de l'historique des contacts du programme (remplace les volumes)."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    opening = forms.TimeField(label=_("Début du premier intervalle"), initial=dt.time(8, 0))
    interval_minutes = _interval_field()
    aht = forms.FloatField(label=_("Durée moyenne de traitement (s)"), min_value=1, initial=300)
    service_level = forms.FloatField(label=_("Objectif de service (%)"), min_value=1, max_value=99.9, initial=80)
    answer_time = forms.FloatField(label=_("Décroché en moins de (s)"), min_value=0, initial=20)
    patience = forms.FloatField(label=_("Patience moyenne des appelants (s)"), min_value=1, initial=120)
    shrink_breaks = forms.FloatField(
        label=_("Pauses (% du temps planifié)"), required=False, min_value=0, max_value=99, initial=0
    )
    shrink_absence = forms.FloatField(
        label=_("Absences (% du temps planifié)"), required=False, min_value=0, max_value=99, initial=0
    )
    shrink_training = forms.FloatField(
        label=_("Formation et réunions (% du temps planifié)"), required=False, min_value=0, max_value=99, initial=0
    )

    def clean_volumes(self) -> list[float]:
        text = self.cleaned_data.get("volumes") or ""
        try:
            values = _numbers(text)
        except ValueError:
            raise forms.ValidationError(_("Saisissez des nombres.")) from None
        if any(v < 0 for v in values):
            raise forms.ValidationError(_("Les volumes doivent être positifs ou nuls."))
        if len(values) > MAX_INTERVALS:
            raise forms.ValidationError(_("Au plus %(n)d intervalles.") % {"n": MAX_INTERVALS})
        return values

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("volumes") and not data.get("forecast_date") and not self.has_error("volumes"):
            raise forms.ValidationError(_("Saisissez des volumes ou choisissez un jour à prévoir."))
        opening, minutes = data.get("opening"), data.get("interval_minutes")
        if isinstance(opening, dt.time) and isinstance(minutes, int) and (opening.hour * 60 + opening.minute) % minutes:
            self.add_error("opening", _("Le début doit tomber sur un début d'intervalle."))
        shares = [data.get(f"shrink_{k}") or 0.0 for k in ("breaks", "absence", "training")]
        if sum(shares) >= 100:
            raise forms.ValidationError(_("Pauses, absences et formation ensemble doivent rester sous 100 %."))
        return data


class StaffingForm(TrafficForm):
    """Traffic and target, plus what sizes the trunk: the voice menu's duration and the blocking target."""

    ivr_s = forms.FloatField(
        label=_("Durée moyenne dans le serveur vocal (s)"),
        required=False,
        min_value=0,
        max_value=3600,
        initial=30,
        help_text=_("Un appel occupe une ligne dès le menu vocal, puis en file d'attente. Vide : 0 s."),
    )
    blocking = forms.FloatField(
        label=_("Appels refusés faute de ligne au plus (%)"),
        required=False,
        min_value=0.001,
        max_value=50,
        initial=1,
        help_text=_("Dimensionnement des lignes SIP (Erlang B). Vide : 1 %."),
    )


def _team(label: StrOrPromise, help_text: StrOrPromise) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=1, max_value=2000, help_text=help_text)


class SimulationForm(TrafficForm):
    advisors = _team(
        _("Conseillers connectés"), _("Vide : l'effectif recommandé par Erlang A, intervalle par intervalle.")
    )
    replications = forms.IntegerField(label=_("Journées simulées"), min_value=2, max_value=100, initial=10)


class ScheduleForm(TrafficForm):
    advisors = _team(_("Conseillers disponibles"), _("Vide : 20 % de plus que le pic du besoin."))


class WhatIfForm(DsfrBaseForm):
    """A day of flat traffic: calls over opening hours, a team, and the lost-call target for a pooled team."""

    calls = forms.FloatField(label=_("Appels dans la journée"), min_value=0, initial=80000)
    hours = forms.FloatField(label=_("Heures d'ouverture"), min_value=0.5, max_value=24, initial=10)
    advisors = forms.IntegerField(label=_("Conseillers"), min_value=1, max_value=100000, initial=80)
    aht = forms.FloatField(label=_("Durée moyenne de traitement (s)"), min_value=1, initial=300)
    patience = forms.FloatField(label=_("Patience moyenne des appelants (s)"), min_value=1, initial=120)
    answer_time = forms.FloatField(label=_("Décroché en moins de (s)"), min_value=0, initial=20)
    max_lost = forms.FloatField(label=_("Appels perdus au plus (%)"), min_value=0.01, max_value=99, initial=2)
    simulate = forms.BooleanField(label=_("Vérifier par une simulation (3 journées)"), required=False)


class ForecastForm(DsfrBaseForm):
    """A day to forecast from the programme's own history (routing journal or contacts)."""

    day = forms.DateField(label=_("Jour à prévoir"), widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.ChoiceField(
        label=_("Historique"),
        choices=[
            ("auto", _("Journal de routage s'il contient des appels, sinon contacts")),
            ("journal", _("Journal de routage (appels entrés en file)")),
            ("contacts", _("Contacts enregistrés")),
        ],
        initial="auto",
    )
    queue = forms.SlugField(
        label=_("File (code)"), required=False, help_text=_("Vide : toutes les files d'appels du programme.")
    )
    interval_minutes = _interval_field()
    weeks = forms.IntegerField(label=_("Semaines de référence"), min_value=1, max_value=26, initial=6)
    backtest_weeks = forms.IntegerField(label=_("Semaines de contrôle (WAPE)"), min_value=0, max_value=8, initial=2)
    calendar = forms.ChoiceField(
        label=_("Jours fériés"),
        choices=[("france", _("France")), ("alsace-moselle", _("Alsace-Moselle")), ("none", _("Aucun"))],
        initial="france",
    )


class MultiSkillForm(DsfrBaseForm):
    """Queues sharing advisors: volumes per queue, skill groups, one target for every queue."""

    queues = forms.CharField(
        label=_("Files"),
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="fr 180 300 120\nen 40 300 120",
        help_text=_("Une file par ligne : code, appels par intervalle, durée moyenne de traitement (s), patience (s)."),
    )
    groups = forms.CharField(
        label=_("Groupes de compétences"),
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="francophones = fr\nanglophones = en\nbilingues = fr en max 6",
        help_text=_("Un groupe par ligne : nom = files servies, et « max N » si N conseillers au plus."),
    )
    interval_minutes = _interval_field()
    service_level = forms.FloatField(label=_("Objectif de service (%)"), min_value=1, max_value=99.9, initial=80)
    answer_time = forms.FloatField(label=_("Décroché en moins de (s)"), min_value=0, initial=20)
    max_lost = forms.FloatField(label=_("Appels perdus au plus (%)"), required=False, min_value=0.01, max_value=99)
    replications = forms.IntegerField(label=_("Journées simulées par équipe"), min_value=2, max_value=8, initial=4)

    def clean_queues(self) -> list[tuple[str, float, float, float]]:
        rows = []
        for line in (self.cleaned_data.get("queues") or "").splitlines():
            parts = line.split()
            if not parts:
                continue
            try:
                code, numbers = parts[0], [float(v.replace(",", ".")) for v in parts[1:4]]
            except ValueError:
                raise forms.ValidationError(_("Ligne « %(l)s » : des nombres après le code.") % {"l": line}) from None
            if len(numbers) != 3:
                raise forms.ValidationError(_("Ligne « %(l)s » : code, appels, durée, patience.") % {"l": line})
            rows.append((code, numbers[0], numbers[1], numbers[2]))
        if not rows:
            raise forms.ValidationError(_("Indiquez au moins une file."))
        return rows

    def clean_groups(self) -> list[tuple[str, tuple[str, ...], int | None]]:
        rows = []
        for line in (self.cleaned_data.get("groups") or "").splitlines():
            if not line.strip():
                continue
            name, sep, rest = line.partition("=")
            words = rest.split()
            cap = None
            if "max" in words:
                at = words.index("max")
                try:
                    cap = int(words[at + 1])
                except (IndexError, ValueError):
                    raise forms.ValidationError(
                        _("Ligne « %(l)s » : « max » suivi d'un nombre.") % {"l": line}
                    ) from None
                words = words[:at]
            if not sep or not name.strip() or not words:
                raise forms.ValidationError(_("Ligne « %(l)s » : nom = files servies.") % {"l": line})
            rows.append((name.strip(), tuple(words), cap))
        if not rows:
            raise forms.ValidationError(_("Indiquez au moins un groupe."))
        return rows
