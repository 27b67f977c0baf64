"""Inputs of the follow-up capability: the consent on the desk and the caller's answer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from plateau.domain.followup.answers import COMMENT_MAX_CHARS
from plateau.ui.forms import DsfrBaseForm

from .models import Came


class ConsentForm(DsfrBaseForm):
    prefix = "followup"  # beside the directory panel's own consent box on the contact page

    consent = forms.BooleanField(
        label=_("L'appelant accepte ce suivi (texte ci-dessus lu à l'appelant)"), required=False
    )
    address = forms.CharField(
        label=_("Adresse électronique de l'appelant"),
        help_text=_("Exemple : nom@exemple.fr"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "accesskey": "s"}),
    )


class AnswerForm(DsfrBaseForm):
    came = forms.ChoiceField(
        label=_("Un prestataire est-il venu ?"), choices=Came.choices, widget=forms.RadioSelect, required=False
    )
    provider = forms.TypedChoiceField(
        label=_("Si oui, lequel ?"), coerce=int, empty_value=None, required=False, widget=forms.RadioSelect
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Si un prestataire est venu : votre satisfaction, de 1 (pas du tout satisfait) à 5 (très satisfait)"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Un commentaire ? (facultatif)"),
        help_text=_("Ne donnez pas d'informations sur votre santé."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=COMMENT_MAX_CHARS,
        required=False,
    )

    def __init__(self, *args: Any, providers: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = providers or []
        self.fields["provider"].choices = choices  # type: ignore[attr-defined]
        if len(choices) <= 1:  # with one provider given, « oui » names it
            del self.fields["provider"]
