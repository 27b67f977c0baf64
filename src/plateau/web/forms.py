"""Forms of the desk frame: start a contact, wrap it up (DSFR-rendered; the services hold the rules). The
capabilities' panels bring their own forms (e.g. ``plateau.directory.forms``)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from plateau.contacts.models import Channel, WrapUpCode
from plateau.contacts.services import active_wrap_up_codes
from plateau.ui.forms import DsfrBaseForm

STARTABLE_CHANNELS = [(c.value, c.label) for c in (Channel.CALL, Channel.LETTER, Channel.EMAIL)]


class StartContactForm(DsfrBaseForm):
    channel = forms.ChoiceField(label=_("Canal"), choices=STARTABLE_CHANNELS, initial=Channel.CALL)
    phone = forms.CharField(
        label=_("Numéro de l'appelant"),
        required=False,
        max_length=40,
        help_text=_("Tel que l'appelant le donne : 06 12 34 56 78, +262 692…, 0033…"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "inputmode": "tel"}),
    )
    caller_name = forms.CharField(label=_("Nom (facultatif)"), required=False, max_length=200)
    correspondent = forms.CharField(
        label=_("Adresse e-mail ou postale (courrier, courriel)"), required=False, max_length=250
    )


class WrapUpForm(DsfrBaseForm):
    code = forms.ChoiceField(
        label=_("Code de clôture"), error_messages={"required": _("Choisissez un code de clôture.")}
    )
    notes = forms.CharField(  # the service's limit too (contacts.services.NOTES_MAX_CHARS)
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, programme: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The programme's own codes in service (none offered without a programme: nothing to close with).
        active = active_wrap_up_codes(programme) if programme is not None else WrapUpCode.objects.none()
        codes = [(c.code, c.label_fr) for c in active]
        cast(forms.ChoiceField, self.fields["code"]).choices = [("", _("— Choisir —")), *codes]
