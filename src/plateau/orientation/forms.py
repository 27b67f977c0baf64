"""Forms of the orientation pages (DSFR-rendered; the services hold the rules)."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from plateau.domain.orientation.hours import DAY_NAMES_FR, WEEKDAYS
from plateau.ui.forms import DsfrBaseForm

from .models import Destination, Theme

_RANGE = re.compile(r"^\s*(\d{1,2})[:h](\d{2})\s*[-\u2013à]+\s*(\d{1,2})[:h](\d{2})\s*$")


def ranges_text(ranges: list[list[str]]) -> str:
    return ", ".join(f"{a}-{b}" for a, b in ranges)


def parse_ranges(text: str) -> list[list[str]]:
    """« 08:30-12:00, 13:30-17:00 » (or 8h30-12h00) → [["08:30", "12:00"], ["13:30", "17:00"]]."""
    ranges = []
    for part in [p for p in re.split(r"[,;]", text) if p.strip()]:
        m = _RANGE.match(part)
        if m is None:
            raise forms.ValidationError(_("Plages illisibles : écrivez par exemple 08:30-12:00, 13:30-17:00."))
        h1, m1, h2, m2 = m.groups()
        ranges.append([f"{int(h1):02d}:{m1}", f"{int(h2):02d}:{m2}"])
    return ranges


def _codes(text: str) -> list[str]:
    return [c for c in re.split(r"[\s,;]+", text) if c]


class ThemeForm(DsfrBaseForm):
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Minuscules, chiffres, tirets : cesu, carte-grise.")
    )
    label = forms.CharField(label=_("Libellé"), max_length=120)


class DestinationForm(DsfrBaseForm):
    name = forms.CharField(label=_("Nom"), max_length=200)
    phone = forms.CharField(
        label=_("Téléphone"), required=False, max_length=40, help_text=_("Donné à l'appelant : 01 23 45 67 89, 3939…")
    )
    sip_uri = forms.CharField(
        label=_("Adresse SIP de transfert"), required=False, max_length=200,
        help_text=_("Pour transférer l'appel en cours : sip:service@hôte."),
    )  # fmt: skip
    themes = forms.MultipleChoiceField(label=_("Thèmes"), widget=forms.CheckboxSelectMultiple, required=False)
    always_open = forms.BooleanField(label=_("Ouvert 24 h/24, 7 j/7 (jours fériés compris)"), required=False)
    communes = forms.CharField(
        label=_("Communes (codes INSEE)"), required=False, max_length=2000,
        help_text=_("Compétence limitée à ces communes : codes INSEE séparés par des virgules (93066, 2A004)."),
    )  # fmt: skip
    departments = forms.CharField(
        label=_("Départements (codes)"), required=False, max_length=500,
        help_text=_("Compétence limitée à ces départements : 93, 2A, 974. Vide : compétence nationale."),
    )  # fmt: skip
    briefing = forms.CharField(
        label=_("Informations à transmettre"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Affiché au conseiller avant le transfert."),
    )  # fmt: skip
    is_active = forms.BooleanField(label=_("Proposée aux conseillers"), required=False, initial=True)

    def __init__(self, *args: Any, themes: list[Theme] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["themes"]).choices = [(t.code, t.label) for t in themes or []]
        for day, name in zip(WEEKDAYS, DAY_NAMES_FR, strict=True):
            self.fields[f"hours_{day}"] = forms.CharField(
                label=_("Horaires du %(day)s") % {"day": name}, required=False, max_length=200,
                help_text=_("08:30-12:00, 13:30-17:00 ; vide : fermé."),
            )  # fmt: skip

    @classmethod
    def initial_of(cls, destination: Destination) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": destination.name,
            "phone": destination.phone_readable,
            "sip_uri": destination.sip_uri,
            "themes": [t.code for t in destination.themes.all()],
            "always_open": destination.always_open,
            "communes": ", ".join(destination.communes),
            "departments": ", ".join(destination.departments),
            "briefing": destination.briefing,
            "is_active": destination.is_active,
        }
        for day in WEEKDAYS:
            initial[f"hours_{day}"] = ranges_text(destination.opening_hours.get(day, []))
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hours = {}
        for day in WEEKDAYS:
            try:
                ranges = parse_ranges(data.get(f"hours_{day}", "") or "")
            except forms.ValidationError as exc:
                self.add_error(f"hours_{day}", exc)
                continue
            if ranges:
                hours[day] = ranges
        data["opening_hours"] = hours
        data["communes_list"] = _codes(data.get("communes", "") or "")
        data["departments_list"] = _codes(data.get("departments", "") or "")
        return data


class OrientForm(DsfrBaseForm):
    """The desk's choice: a theme and, when the contact has none, the caller's commune."""

    theme = forms.ChoiceField(label=_("Thème de la demande"), required=False)
    commune = forms.CharField(
        label=_("Commune de l'appelant (facultatif)"), required=False, max_length=120,
        help_text=_("Nom et département, code postal ou code INSEE : Saint-Denis (93), 93200, 93066."),
    )  # fmt: skip

    def __init__(self, *args: Any, themes: list[Theme] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— Choisir —")), *((t.code, t.label) for t in themes or [])]
        cast(forms.ChoiceField, self.fields["theme"]).choices = choices
        self.fields["theme"].widget.attrs["accesskey"] = "o"
