"""Forms of the directory panel of the desk: the need (activity, commune, date), the search radius and the
providers whose details are given (DSFR-rendered; the services hold the rules)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Case, When
from django.utils.translation import gettext_lazy as _

from plateau.contacts.services import DEFAULT_RADIUS_KM, MAX_RADIUS_KM
from plateau.domain.directory.activities import MOST_FREQUENT
from plateau.ui.forms import DsfrBaseForm

from .models import Activity


class ActivityField(forms.ModelChoiceField):
    """The 26 activities, the most requested first (house cleaning, gardening, childcare, IT, small DIY)."""

    def __init__(self, **kwargs: Any) -> None:
        frequent = Case(*[When(code=code, then=i) for i, code in enumerate(MOST_FREQUENT)], default=len(MOST_FREQUENT))
        super().__init__(queryset=Activity.objects.order_by(frequent, "code"), **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.label_fr} ({obj.code})"


class NeedForm(DsfrBaseForm):
    activity = ActivityField(
        label=_("Activité"),
        empty_label=_("— Choisir l'activité —"),
        error_messages={"required": _("Choisissez l'activité demandée.")},
    )
    commune = forms.CharField(
        label=_("Commune"),
        max_length=120,
        help_text=_("Nom, code postal, « nom (département) » ou code INSEE"),
        error_messages={"required": _("Saisissez la commune de l'appelant.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    need_date = forms.DateField(
        label=_("Date souhaitée (facultatif)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Date invalide (jj/mm/aaaa).")},
    )


class SearchForm(DsfrBaseForm):
    radius_km = forms.IntegerField(
        label=_("Rayon (km)"),
        initial=int(DEFAULT_RADIUS_KM),
        min_value=1,
        max_value=int(MAX_RADIUS_KM),
        error_messages={
            "min_value": _("Le rayon doit être d'au moins 1 km."),
            "max_value": _("Le rayon ne peut pas dépasser 100 km."),
            "invalid": _("Saisissez un nombre de kilomètres."),
        },
    )


class DetailsForm(DsfrBaseForm):
    providers = forms.TypedMultipleChoiceField(
        label=_("Prestataires dont les coordonnées sont données"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un prestataire.")},
    )
    consent = forms.BooleanField(
        label=_("Consentement de l'appelant"),
        required=False,
        help_text=_("L'appelant accepte que ses besoins soient notés et que des coordonnées lui soient données."),
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["providers"]).choices = choices or []
