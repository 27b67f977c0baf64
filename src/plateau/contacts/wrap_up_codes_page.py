"""The programme's wrap-up codes: the programme manager adds, retires and restores them; supervisors read.
(Its capabilities are on the capabilities page; platform admins edit them in the admin.)"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plateau.contacts.models import WrapUpCategory, WrapUpCode
from plateau.contacts.wrap_up_services import add_wrap_up_code, set_wrap_up_code_active
from plateau.domain.errors import DomainError
from plateau.errors import PlateauError
from plateau.tenants.access import access_programme_by_slug, has_role
from plateau.tenants.models import SUPERVISING_ROLES, Role
from plateau.ui.errors import add_error
from plateau.ui.forms import DsfrBaseForm


class NewCodeForm(DsfrBaseForm):
    code = forms.CharField(
        label=gettext_lazy("Identifiant"),
        max_length=32,
        help_text=gettext_lazy("lettres minuscules, chiffres et « _ » (ex. : oriente_caf)"),
    )
    label = forms.CharField(label=gettext_lazy("Libellé"), max_length=120)
    category = forms.ChoiceField(label=gettext_lazy("Catégorie"), choices=WrapUpCategory.choices)
    excluded_from_kpis = forms.BooleanField(label=gettext_lazy("Hors indicateurs de service"), required=False)


@login_required
def wrap_up_codes_page(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)
    manager = has_role(request.user, programme, [Role.PROGRAMME_MANAGER])
    form = NewCodeForm(request.POST or None) if manager else None
    if request.method == "POST" and manager:
        try:
            if "retire" in request.POST or "restore" in request.POST:
                code = request.POST.get("retire") or request.POST.get("restore") or ""
                set_wrap_up_code_active(
                    programme,
                    actor=request.user,  # type: ignore[arg-type]
                    code=code,
                    active="restore" in request.POST,
                )
                messages.success(request, _("Code de clôture mis à jour."))
                return redirect(reverse("contacts:wrap_up_codes", args=[slug]))
            if form is not None and form.is_valid():
                add_wrap_up_code(
                    programme,
                    actor=request.user,  # type: ignore[arg-type]
                    code=form.cleaned_data["code"],
                    label=form.cleaned_data["label"],
                    category=form.cleaned_data["category"],
                    excluded_from_kpis=form.cleaned_data["excluded_from_kpis"],
                )
                messages.success(request, _("Code de clôture ajouté."))
                return redirect(reverse("contacts:wrap_up_codes", args=[slug]))
        except (PlateauError, DomainError) as exc:
            if form is None:
                raise
            add_error(form, exc)
    return render(
        request,
        "contacts/wrap_up_codes.html",
        {
            "programme": programme,
            "codes": list(WrapUpCode.objects.for_programme(programme).order_by("position", "code")),
            "manager": manager,
            "form": form,
            "title": _("Codes de clôture — %(name)s") % {"name": programme.name},
        },
    )
