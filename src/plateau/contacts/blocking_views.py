"""The supervisors' page of a programme's blocked callers (issue 10 item 5): mark a number from a contact's
nuisance history or by hand, see the marks in force and past, lift one early. Supervisors and the programme
manager only (anyone else: 404); every change goes through :mod:`plateau.contacts.blocking` (audited)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from plateau.domain.errors import DomainError
from plateau.errors import NotFound, PlateauError
from plateau.tenants.access import access_programme_by_slug
from plateau.tenants.models import SUPERVISING_ROLES, Programme
from plateau.ui.forms import DsfrBaseForm

from . import blocking
from .models import Contact

DURATIONS = [(1, gettext_lazy("1 jour")), (3, gettext_lazy("3 jours")), (7, gettext_lazy("7 jours")),
             (14, gettext_lazy("14 jours")), (blocking.MAX_BLOCK_DAYS, gettext_lazy("30 jours (maximum)"))]  # fmt: skip


class BlockForm(DsfrBaseForm):
    phone = forms.CharField(label=gettext_lazy("Numéro de l'appelant"), max_length=40)
    days = forms.TypedChoiceField(
        label=gettext_lazy("Durée"), choices=DURATIONS, coerce=int, initial=blocking.DEFAULT_BLOCK_DAYS
    )
    reason = forms.CharField(
        label=gettext_lazy("Motif"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Conservé au journal d'audit : ce que l'appelant a fait (insultes, appels muets…)."),
    )
    contact = forms.IntegerField(required=False, widget=forms.HiddenInput)


class LiftForm(DsfrBaseForm):
    lift_reason = forms.CharField(label=gettext_lazy("Motif de la levée (facultatif)"), max_length=500, required=False)


def _page(request: HttpRequest, slug: str) -> Programme:
    try:
        return access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _contact(programme: Programme, contact_id: Any) -> Contact | None:
    if not contact_id:
        return None
    contact: Contact | None = (
        Contact.objects.for_programme(programme).select_related("caller").filter(pk=contact_id).first()
    )
    return contact


@login_required
@require_http_methods(["GET", "POST"])
def caller_blocks(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _page(request, slug)
    allowed = programme.allows_caller_blocking
    contact = _contact(programme, request.POST.get("contact") or request.GET.get("contact"))
    initial: dict[str, object] = {"contact": contact.pk} if contact else {}
    if contact is not None and contact.caller is not None:
        initial["phone"] = contact.caller.phone_e164
    form = BlockForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            block = blocking.block_caller(
                actor=request.user,  # type: ignore[arg-type]
                programme=programme,
                phone=form.cleaned_data["phone"],
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
                contact=contact,
            )
        except (PlateauError, DomainError) as exc:
            field = str(exc.details.get("field", ""))
            form.add_error(field if field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("Numéro bloqué jusqu'au %(d)s.") % {"d": _local(block.expires_at)})
            return redirect(reverse("contacts:caller_blocks", args=[slug]))
    return render(
        request,
        "contacts/caller_blocks.html",
        {
            "programme": programme,
            "allowed": allowed,
            "form": form if allowed else None,
            "refused": request.method == "POST" and not allowed,
            "from_contact": contact,
            "rows": blocking.blocks_page(programme),
            "max_days": blocking.MAX_BLOCK_DAYS,
            "title": _("Appelants bloqués — %(name)s") % {"name": programme.name},
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def lift_caller_block(request: HttpRequest, slug: str, block_id: int) -> HttpResponse:
    programme = _page(request, slug)
    form = LiftForm(request.POST)
    reason = form.cleaned_data["lift_reason"] if form.is_valid() else ""
    try:
        blocking.lift_block(actor=request.user, programme=programme, block_id=block_id, reason=reason)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except PlateauError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Blocage levé : ce numéro est de nouveau mis en file."))
    return redirect(reverse("contacts:caller_blocks", args=[slug]))


def _local(when: Any) -> str:
    return date_format(timezone.localtime(when), "d/m/Y H:i")
