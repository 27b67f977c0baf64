"""The applicant's form on the desk: identity pivot, address in Île-de-France, declared benefits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from plateau.domain.errors import DomainError
from plateau.errors import NotFound
from plateau.geo.access import commune_by_insee, resolve_commune
from plateau.geo.models import Commune
from plateau.ui.forms import DsfrBaseForm

from .models import Channel, DocumentKind, Sex

# A browser's date field reads and writes ISO dates, whatever the language of the page.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PROOF_CHOICES = [
    ("no", _("Non")),
    ("seen", _("Oui, attestation vue")),
    ("pending", _("Oui, attestation à fournir")),
]
PROOF_VALUES: dict[str, bool | None] = {"no": False, "seen": True, "pending": None}


class ApplicationForm(DsfrBaseForm):
    channel = forms.ChoiceField(label=_("Canal de la demande"), choices=Channel.choices, initial=Channel.PHONE)
    birth_name = forms.CharField(
        label=_("Nom de naissance"),
        max_length=100,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    first_names = forms.CharField(
        label=_("Prénoms"), max_length=200, help_text=_("Tous les prénoms, dans l'ordre de l'état civil.")
    )
    usage_name = forms.CharField(label=_("Nom d'usage (facultatif)"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date de naissance"), widget=DATE_INPUT)
    sex = forms.ChoiceField(label=_("Sexe à l'état civil"), choices=Sex.choices)
    birth_commune = forms.CharField(
        label=_("Commune de naissance"),
        max_length=120,
        required=False,
        help_text=_("Nom et département, code postal ou code INSEE ; vide si né à l'étranger."),
    )
    birth_commune_insee = forms.CharField(required=False, widget=forms.HiddenInput)
    birth_country_code = forms.CharField(
        label=_("Pays de naissance (code INSEE)"),
        max_length=5,
        initial="99100",
        help_text=_("99100 pour la France ; 99xxx pour un autre pays."),
    )
    address_line = forms.CharField(label=_("Adresse (numéro et voie)"), max_length=200)
    postal_code = forms.CharField(label=_("Code postal"), max_length=5)
    commune = forms.CharField(label=_("Commune de résidence"), max_length=120)
    commune_insee = forms.CharField(required=False, widget=forms.HiddenInput)
    phone = forms.CharField(label=_("Téléphone (facultatif)"), max_length=20, required=False)
    email = forms.EmailField(
        label=_("Courriel (facultatif)"), required=False, help_text=_("Pour le rappel de renouvellement.")
    )
    navigo_number = forms.CharField(label=_("Numéro de passe Navigo (facultatif)"), max_length=20, required=False)
    ass = forms.ChoiceField(label=_("Perçoit l'allocation de solidarité spécifique (ASS)"), choices=PROOF_CHOICES)
    ame = forms.ChoiceField(label=_("Bénéficie de l'aide médicale de l'État (AME)"), choices=PROOF_CHOICES)
    scan = forms.FileField(
        label=_("Courrier numérisé (facultatif)"),
        required=False,
        help_text=_("Le courrier du demandeur : PDF ou image, 10 Mo au plus ; il est joint au dossier."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Communes to choose from when what was typed designates several (never guessed by name).
        self.candidates: dict[str, list[Commune]] = {}
        self.communes: dict[str, Commune | None] = {}

    def _commune(self, field: str, typed: str, chosen: str, postal: str = "") -> Commune | None:
        if chosen:
            try:
                return commune_by_insee(chosen)
            except (NotFound, DomainError):
                self.add_error(field, _("Choisissez la commune dans la liste."))
                return None
        query = f"{typed} {postal}".strip() if postal and not any(c.isdigit() for c in typed) else typed
        resolution = resolve_commune(query)
        if resolution.unique is not None:
            return resolution.unique
        if resolution.candidates:
            self.candidates[field] = resolution.candidates
            if len(resolution.candidates) == 1:
                self.add_error(field, _("Confirmez la commune dans la liste."))
            else:
                self.add_error(field, _("Plusieurs communes correspondent : choisissez la bonne dans la liste."))
        else:
            self.add_error(field, resolution.error or _("Commune introuvable."))
        return None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        country = (data.get("birth_country_code") or "99100").strip()
        if country == "99100" and (data.get("birth_commune") or data.get("birth_commune_insee")):
            self.communes["birth"] = self._commune(
                "birth_commune", data.get("birth_commune", ""), data.get("birth_commune_insee", "")
            )
        elif country == "99100":
            self.add_error("birth_commune", _("Saisissez la commune de naissance (personne née en France)."))
        if data.get("commune") or data.get("commune_insee"):
            self.communes["home"] = self._commune(
                "commune", data.get("commune", ""), data.get("commune_insee", ""), data.get("postal_code", "")
            )
        return data

    def birth_date_value(self) -> dt.date:
        value: dt.date = self.cleaned_data["birth_date"]
        return value


class GrantForm(DsfrBaseForm):
    start = forms.DateField(label=_("Début du droit"), widget=DATE_INPUT)


class OverrideForm(DsfrBaseForm):
    tier = forms.ChoiceField(
        label=_("Tarif accordé par dérogation"),
        choices=[
            ("free", _("Solidarité Gratuité")),
            ("reduction_75", _("Réduction 75 %")),
            ("reduction_50", _("Réduction 50 %")),
        ],
    )
    reason = forms.CharField(
        label=_("Motif de la dérogation"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class DocumentForm(DsfrBaseForm):
    kind = forms.ChoiceField(label=_("Nature de la pièce"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("Fichier (PDF, PNG, JPEG, TIFF ; 10 Mo au plus)"))
