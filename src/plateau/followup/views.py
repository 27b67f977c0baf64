"""Pages of the follow-up capability: the consent posted from the desk panel, and the caller's public
questionnaire (no login; the link's token is the only key)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from plateau.contacts.access import access_contact_for_change
from plateau.contacts.models import Contact
from plateau.domain.errors import DomainError
from plateau.errors import NotFound, PlateauError
from plateau.tenants.access import access_programme_by_slug
from plateau.tenants.models import STAFF_ROLES
from plateau.ui.errors import add_error

from . import services
from .errors import AlreadyAnswered, LinkExpired, LinkInvalid
from .forms import AnswerForm, ConsentForm
from .models import FollowUp


def _contact(request: HttpRequest, slug: str, contact_id: int) -> Contact:
    try:
        programme = access_programme_by_slug(request.user, slug, STAFF_ROLES)
        return access_contact_for_change(request.user, contact_id, programme=programme)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _contact_url(contact: Contact) -> str:
    return reverse("web:contact", args=[contact.programme.slug, contact.pk])


@login_required
@require_POST
def consent(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    """The advisor records the caller's consent and address; a refusal comes back on its own page with what
    was typed, so nothing is lost."""
    contact = _contact(request, slug, contact_id)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            followup = services.record_consent(
                contact,
                actor=request.user,  # type: ignore[arg-type]
                consent=form.cleaned_data["consent"],
                address=form.cleaned_data["address"],
            )
        except (PlateauError, DomainError) as exc:
            add_error(form, exc)
        else:
            messages.success(
                request,
                _("Suivi programmé : questionnaire envoyé le %(day)s.")
                % {"day": f"{timezone.localtime(followup.due_at):%d/%m/%Y}"},
            )
            return redirect(_contact_url(contact))
    policy = services.policy_for(contact.programme)
    return render(
        request,
        "followup/consent.html",
        {
            "programme": contact.programme,
            "contact": contact,
            "followup_form": form,
            "followup_consent_text": services.consent_text(policy),
            "title": _("Suivi de la mise en relation"),
        },
        # 200 like the desk's own refused forms: htmx (hx-boost on the desk) swaps in only successful answers.
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    contact = _contact(request, slug, contact_id)
    followup = FollowUp.objects.filter(contact=contact).first()
    if followup is None:
        raise Http404
    services.withdraw(followup, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Accord retiré : aucun questionnaire ne sera envoyé, l'adresse est effacée."))
    return redirect(_contact_url(contact))


def _closed(request: HttpRequest, exc: PlateauError) -> HttpResponse:
    kind = {LinkExpired: "expired", AlreadyAnswered: "answered"}.get(type(exc), "invalid")
    status = {"expired": 410, "answered": 200}.get(kind, 404)
    return render(
        request,
        "followup/survey_closed.html",
        {"kind": kind, "message": str(exc.message), "title": _("Questionnaire de suivi")},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The caller's questionnaire: « Un prestataire est-il venu ? », satisfaction, free text. CSRF-protected
    like every form; an expired, used or unknown link gets a page saying so in French."""
    try:
        followup = services.open_by_token(token)
    except (LinkInvalid, LinkExpired, AlreadyAnswered) as exc:
        return _closed(request, exc)
    providers = [(p.pk, str(p)) for p in followup.providers.order_by("pk")]
    form = AnswerForm(request.POST or None, providers=providers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.answer(
                token,
                came=data["came"],
                provider_id=data.get("provider"),
                satisfaction=data["satisfaction"],
                comment=data["comment"],
            )
        except (LinkInvalid, LinkExpired, AlreadyAnswered) as exc:
            return _closed(request, exc)
        except (PlateauError, DomainError) as exc:
            add_error(form, exc)
        else:
            return render(request, "followup/survey_thanks.html", {"title": _("Merci")})
    return render(
        request,
        "followup/survey.html",
        {"form": form, "providers": providers, "programme_name": followup.programme.name, "title": _("Votre avis")},
    )
