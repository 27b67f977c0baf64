"""Web pages of the leads: the advisor's « transmettre la demande », the provider portal, the supervisors'
follow-up (with the neutrality audit), the coverage-gap report and the client's survey."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods

from plateau.contacts.access import access_contact_for_change
from plateau.directory.models import AbsencePeriod, Activity, Provider
from plateau.domain.errors import DomainError
from plateau.errors import PlateauError
from plateau.geo.models import Department
from plateau.leads import coverage as gaps_report
from plateau.leads import feedback, integrations, services
from plateau.leads.access import access_lead, leads_for_provider_user, leads_for_staff, own_providers
from plateau.leads.errors import LeadNotFound, SurveyAlreadyAnswered
from plateau.leads.models import LeadProposal, ProviderApiToken, Survey, WebhookEndpoint
from plateau.routing import services as routing_services
from plateau.tenants.access import access_programme_by_slug
from plateau.tenants.models import STAFF_ROLES, SUPERVISING_ROLES, AuditEntry, Programme, Role, User
from plateau.ui.errors import add_error
from plateau.ui.forms import DsfrBaseForm


class ForwardForm(DsfrBaseForm):
    client_name = forms.CharField(label=_l("Nom du client"), max_length=200, required=False)
    client_email = forms.EmailField(label=_l("Courriel du client (pour l'enquête de satisfaction)"), required=False)
    need_summary = forms.CharField(label=_l("Besoin en quelques mots"), max_length=500, required=False)
    consent = forms.BooleanField(label=_l("Le client consent à la transmission"), required=False)
    health_details = forms.CharField(
        label=_l("Santé / dépendance (facultatif, consentement exprès)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    health_consent = forms.BooleanField(
        label=_l("Le client consent expressément à transmettre ces informations"), required=False
    )
    reforward_reason = forms.CharField(
        label=_l("Motif d'une nouvelle transmission (seulement si cette demande a déjà été transmise)"),
        max_length=500,
        required=False,
    )


class OutcomeForm(DsfrBaseForm):
    outcome = forms.ChoiceField(
        label=_l("Résultat"),
        choices=[
            ("called_back", _l("Client rappelé, décision en attente")),
            ("agreed", _l("Prestation convenue")),
            ("refused", _l("Le client a renoncé")),
            ("no_capacity", _l("Pas de disponibilité (transmettre à un autre prestataire)")),
        ],
    )
    service_date = forms.DateField(
        label=_l("Date de la prestation"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_l("Commentaire"), max_length=500, required=False)


class AvailabilityForm(DsfrBaseForm):
    accepting_new_clients = forms.BooleanField(label=_l("J'accepte de nouveaux clients"), required=False)
    capacity_per_week = forms.IntegerField(
        label=_l("Nouvelles demandes par semaine (vide : sans limite)"), min_value=0, max_value=10_000, required=False
    )
    absence_start = forms.DateField(
        label=_l("Absence du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    absence_end = forms.DateField(label=_l("au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


@login_required
@require_http_methods(["GET", "POST"])
def forward(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    programme = access_programme_by_slug(request.user, slug, STAFF_ROLES)
    contact = access_contact_for_change(request.user, contact_id, programme=programme)
    form = ForwardForm(request.POST or None, initial={"client_name": contact.caller.name if contact.caller else ""})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            lead = services.forward_request(
                contact,
                actor=request.user,  # type: ignore[arg-type]
                consent=d["consent"],
                consent_text=services.default_consent_text(),
                client_name=d["client_name"],
                client_email=d["client_email"],
                need_summary=d["need_summary"],
                health_details=d["health_details"],
                health_consent=d["health_consent"],
                reforward_reason=d["reforward_reason"],
            )
        except (PlateauError, DomainError) as exc:
            add_error(form, exc)
        else:
            if lead.provider is not None:
                messages.success(request, _("Demande transmise à %(p)s.") % {"p": lead.provider.display_name})
            else:
                messages.warning(request, _("Aucun prestataire disponible : besoin non couvert enregistré."))
            return redirect(reverse("web:contact", args=[slug, contact.pk]))
    return render(
        request,
        "leads/forward.html",
        {
            "programme": programme,
            "contact": contact,
            "form": form,
            "consent_text": services.default_consent_text(),
            "health_consent_text": services.default_health_consent_text(),
            "already_forwarded": services.forwards_of_need(contact),
            "title": _("Transmettre la demande"),
        },
    )


@login_required
def portal(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access_programme_by_slug(request.user, slug, [Role.PROVIDER_USER])
    return render(
        request,
        "leads/portal.html",
        {
            "programme": programme,
            "leads": leads_for_provider_user(request.user, programme)[:200],
            "providers": own_providers(request.user, programme),
            "title": _("Espace prestataire"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def portal_lead(request: HttpRequest, slug: str, lead_id: int) -> HttpResponse:
    programme = access_programme_by_slug(request.user, slug, [Role.PROVIDER_USER])
    try:
        lead = services.access_lead_to_act(request.user, programme, lead_id, via="portal")  # type: ignore[arg-type]
    except LeadNotFound:
        raise Http404(_("Demande introuvable.")) from None
    form = OutcomeForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "acknowledge":
                services.acknowledge(lead, actor=request.user)  # type: ignore[arg-type]
                messages.success(request, _("Réception accusée."))
                return redirect(reverse("leads:portal_lead", args=[slug, lead.pk]))
            if form.is_valid():
                services.record_outcome(
                    lead,
                    actor=request.user,  # type: ignore[arg-type]
                    outcome=form.cleaned_data["outcome"],
                    service_date=form.cleaned_data["service_date"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("Résultat enregistré."))
                return redirect(reverse("leads:portal_lead", args=[slug, lead.pk]))
        except (PlateauError, DomainError) as exc:
            add_error(form, exc)
    return render(
        request,
        "leads/portal_lead.html",
        {"programme": programme, "lead": lead, "form": form, "title": _("Demande n° %(id)s") % {"id": lead.pk}},
    )


def _own_provider(request: HttpRequest, slug: str) -> tuple[Programme, Provider]:
    programme = access_programme_by_slug(request.user, slug, [Role.PROVIDER_USER])
    provider = own_providers(request.user, programme).first()
    if provider is None:
        raise Http404
    return programme, provider


@login_required
@require_http_methods(["GET", "POST"])
def availability(request: HttpRequest, slug: str) -> HttpResponse:
    programme, provider = _own_provider(request, slug)
    form = AvailabilityForm(
        request.POST or None,
        initial={
            "accepting_new_clients": provider.accepting_new_clients,
            "capacity_per_week": provider.capacity_per_week,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.declare_availability(
                provider,
                actor=request.user,  # type: ignore[arg-type]
                accepting_new_clients=d["accepting_new_clients"],
                capacity_per_week=d["capacity_per_week"],
                absence=(d["absence_start"], d["absence_end"]) if d["absence_start"] and d["absence_end"] else None,
            )
        except PlateauError as exc:  # e.g. an absence ending before it starts: said on the form, nothing lost
            add_error(form, exc)
        else:
            messages.success(request, _("Disponibilités enregistrées."))
            return redirect(reverse("leads:availability", args=[slug]))
    absences = AbsencePeriod.objects.filter(provider=provider, end__gte=timezone.localdate()).order_by("start")
    return render(
        request,
        "leads/availability.html",
        {
            "programme": programme,
            "provider": provider,
            "form": form,
            "absences": absences,
            "title": _("Disponibilités"),
        },
    )


class WebhookForm(DsfrBaseForm):
    url = forms.URLField(label=_l("Adresse de votre système (https://…)"), max_length=200, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_l("Événements (aucun coché : tous)"),
        choices=[(e, e) for e in integrations.WEBHOOK_EVENTS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class TokenForm(DsfrBaseForm):
    name = forms.CharField(label=_l("Nom du jeton (votre logiciel)"), max_length=100)


@login_required
@require_http_methods(["GET", "POST"])
def integration(request: HttpRequest, slug: str) -> HttpResponse:
    """The provider's systems: webhook endpoints (secret shown once) and API tokens (shown once, revocable)."""
    programme, provider = _own_provider(request, slug)
    user: User = request.user  # type: ignore[assignment]  # login_required
    action = request.POST.get("action", "")
    hook_form = WebhookForm(request.POST if action == "webhook" else None)
    token_form = TokenForm(request.POST if action == "token" else None)
    shown: dict[str, str] = {}
    try:
        if action == "webhook" and hook_form.is_valid():
            created = integrations.register_webhook(
                provider,
                actor=user,
                url=hook_form.cleaned_data["url"],
                events=hook_form.cleaned_data["events"],
            )
            shown = {"kind": "webhook", "secret": created.secret, "inbound_secret": created.inbound_secret}
            hook_form = WebhookForm()
        elif action == "token" and token_form.is_valid():
            created = integrations.create_api_token(provider, actor=user, name=token_form.cleaned_data["name"])
            shown = {"kind": "token", "secret": created.secret}
            token_form = TokenForm()
        elif action == "remove_webhook":
            endpoint = WebhookEndpoint.objects.filter(provider=provider, pk=request.POST.get("id") or 0).first()
            if endpoint is None:
                raise Http404
            integrations.remove_webhook(endpoint, actor=user)
            messages.success(request, _("Webhook supprimé."))
            return redirect(reverse("leads:integration", args=[slug]))
        elif action == "revoke_token":
            token = ProviderApiToken.objects.filter(provider=provider, pk=request.POST.get("id") or 0).first()
            if token is None:
                raise Http404
            integrations.revoke_api_token(token, actor=user)
            messages.success(request, _("Jeton révoqué : il ne permet plus aucun appel."))
            return redirect(reverse("leads:integration", args=[slug]))
    except (PlateauError, DomainError) as exc:
        add_error(hook_form if action == "webhook" else token_form, exc)
    return render(
        request,
        "leads/integration.html",
        {
            "programme": programme,
            "provider": provider,
            "hook_form": hook_form,
            "token_form": token_form,
            "shown": shown,
            "webhooks": WebhookEndpoint.objects.filter(provider=provider, is_active=True).order_by("pk"),
            "tokens": ProviderApiToken.objects.filter(provider=provider).order_by("-created_at"),
            "title": _("Connexion de votre logiciel"),
        },
    )


@login_required
def supervision(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)
    leads = leads_for_staff(request.user, programme).order_by("-created_at")[:200]
    return render(
        request,
        "leads/supervision.html",
        {
            "programme": programme,
            "leads": leads,
            "feedback": feedback.results_by_provider(programme),
            "title": _("Suivi des demandes transmises"),
        },
    )


@login_required
def lead_detail(request: HttpRequest, slug: str, lead_id: int) -> HttpResponse:
    programme = access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)
    lead = access_lead(request.user, programme, lead_id)
    proposals = LeadProposal.objects.filter(lead=lead).select_related("provider")
    history = AuditEntry.objects.filter(programme=programme, object_type="Lead", object_id=str(lead.pk)).order_by(
        "at", "id"
    )
    return render(
        request,
        "leads/lead_detail.html",
        {"programme": programme, "lead": lead, "proposals": proposals, "history": history, "title": str(lead)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def work_item(request: HttpRequest, slug: str, lead_id: int) -> HttpResponse:
    """An escalated lead offered on the desk: who the client is, what happened, re-dispatch, done."""
    programme = access_programme_by_slug(request.user, slug, [Role.ADVISOR, *SUPERVISING_ROLES])
    lead = access_lead(request.user, programme, lead_id)
    if request.method == "POST" and request.POST.get("action") == "redispatch":
        try:
            lead = services.redispatch_by_staff(lead, actor=request.user)  # type: ignore[arg-type]
        except (PlateauError, DomainError) as exc:
            messages.error(request, str(exc.message))
        else:
            if lead.provider is not None and lead.state == "sent":
                messages.success(request, _("Demande retransmise à %(p)s.") % {"p": lead.provider.display_name})
            else:
                messages.warning(request, _("Aucun autre prestataire disponible : la demande est close."))
        return redirect(reverse("leads:work_item", args=[slug, lead.pk]))
    if request.method == "POST" and request.POST.get("action") == "done" and lead.work_item_id:
        # The escalated lead was the routed work item: finishing it frees the advisor in the router.
        try:
            routing_services.finish_routed_work(lead.work_item_id, request.user.get_username())
        except PlateauError as exc:
            messages.error(request, str(exc.message))
            return redirect(reverse("leads:work_item", args=[slug, lead.pk]))
        return redirect(reverse("web:desk", args=[slug]))
    tried = LeadProposal.objects.filter(lead=lead, chosen=True).select_related("provider").order_by("attempt")
    history = AuditEntry.objects.filter(programme=programme, object_type="Lead", object_id=str(lead.pk)).order_by(
        "at", "id"
    )
    return render(
        request,
        "leads/work_item.html",
        {
            "programme": programme,
            "lead": lead,
            "tried": tried,
            "history": history,
            "can_redispatch": lead.state in ("sent", "acknowledged", "expired", "no_capacity"),
            "title": _("Demande escaladée n° %(id)s") % {"id": lead.pk},
        },
    )


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("du", ""))
    except ValueError:
        start = today - dt.timedelta(days=365)
    try:
        end = dt.date.fromisoformat(request.GET.get("au", ""))
    except ValueError:
        end = today + dt.timedelta(days=90)
    return start, end


def _trend_bars(trend: list[tuple[str, int]], width: int = 480, height: int = 160) -> list[dict[str, Any]]:
    """Bars of the monthly trend chart, in SVG user units (the template must not localise them)."""
    if not trend:
        return []
    peak = max(n for _, n in trend) or 1
    step = width / len(trend)
    bars = []
    for i, (month, n) in enumerate(trend):
        h = round((height - 40) * n / peak, 1)  # room above the tallest bar for its count
        bars.append(
            {
                "month": month,
                "count": n,
                "x": round(i * step + step * 0.15, 1),
                "width": round(step * 0.7, 1),
                "y": round(height - 20 - h, 1),
                "height": h,
                "label_x": round(i * step + step / 2, 1),
                "label_y": round(height - 24 - h, 1),
            }
        )
    return bars


@login_required
def coverage(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)
    start, end = _period(request)
    rows = gaps_report.gaps(programme, start, end)
    points = gaps_report.map_points(programme, start, end)
    peak = max((p.count for p in points), default=1)
    dots: list[dict[str, Any]] = []
    for p in points:
        xy = gaps_report.svg_xy(p)
        if xy is not None:
            level = p.count / peak
            colour = "#000091" if level < 0.34 else ("#ff9940" if level < 0.67 else "#ce0500")
            dots.append({"x": xy[0], "y": xy[1], "r": round(3 + 6 * level, 1), "colour": colour, "point": p})
    trend: dict[str, int] = {}
    for r in rows:
        trend[r.period] = trend.get(r.period, 0) + r.total
    departments = dict(
        Department.objects.filter(code__in={r.department_code for r in rows}).values_list("code", "name")
    )
    activities = dict(Activity.objects.filter(code__in={r.activity_code for r in rows}).values_list("code", "label_fr"))
    named = [
        {
            "row": r,
            "department": departments.get(r.department_code, ""),
            "activity": activities.get(r.activity_code, ""),
        }
        for r in rows
    ]
    return render(
        request,
        "leads/coverage.html",
        {
            "programme": programme,
            "rows": named,
            "dots": dots,
            "trend": sorted(trend.items()),
            "trend_bars": _trend_bars(sorted(trend.items())),
            "start": start,
            "end": end,
            "title": _("Besoins non couverts"),
        },
    )


@login_required
def coverage_csv(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)
    start, end = _period(request)
    body = gaps_report.gaps_csv(gaps_report.gaps(programme, start, end))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="besoins-non-couverts-{programme.slug}-{start}-{end}.csv"'
    return response


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    found = Survey.objects.filter(token=token).select_related("provider").first()
    if found is None:
        raise Http404
    done = found.answered_at is not None
    error = ""
    if request.method == "POST" and not done:
        try:
            feedback.answer_survey(
                token, score=int(request.POST.get("score", "0") or 0), comment=request.POST.get("comment", "")
            )
            done = True
        except SurveyAlreadyAnswered:
            done = True
        except (PlateauError, ValueError) as exc:
            error = str(getattr(exc, "message", exc))
    return render(
        request, "leads/survey.html", {"survey": found, "done": done, "error": error, "title": _("Votre avis")}
    )
