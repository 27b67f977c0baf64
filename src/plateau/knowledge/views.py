"""The knowledge base on the desk (results while the advisor types, answer recorded, « pas trouvé ») and
its editors' page (questions without an answer, synonyms). The panel itself is the capability's
(``plateau.knowledge.capability``); these views only parse, check and call its services."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from plateau.contacts.access import access_contact, access_contact_for_change, can_change
from plateau.contacts.models import Contact
from plateau.errors import NotFound, PlateauError
from plateau.knowledge import services
from plateau.knowledge.access import most_used_sheets, synonym_rows, top_gaps
from plateau.knowledge.capability import KNOWLEDGE
from plateau.knowledge.models import Article, ArticleStatus, KnowledgeGap
from plateau.knowledge.panel import search_context
from plateau.knowledge.report import period_report, target_seconds
from plateau.tenants.access import access_programme_by_slug
from plateau.tenants.models import STAFF_ROLES, SUPERVISING_ROLES, Programme
from plateau.ui.errors import add_error
from plateau.ui.forms import DsfrBaseForm


class SynonymForm(DsfrBaseForm):
    term = forms.CharField(label=gettext_lazy("Ce que dit l'appelant"), max_length=120)
    expansion = forms.CharField(
        label=gettext_lazy("Mots des fiches ajoutés à la recherche"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Laisser vide pour désactiver un synonyme proposé par défaut."),
    )


def _contact_url(contact: Contact, **params: str) -> str:
    url = reverse("web:contact", args=[contact.programme.slug, contact.pk])
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{url}?{query}#knowledge" if query else f"{url}#knowledge"


def _programme_with_knowledge(request: HttpRequest, slug: str, roles: tuple[str, ...]) -> Programme:
    programme: Programme = access_programme_by_slug(request.user, slug, roles)
    if not programme.has_capability(KNOWLEDGE):  # the page does not exist for this programme
        raise NotFound()
    return programme


@login_required
def results(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    """htmx fragment: the sheets matching what the advisor is typing."""
    programme = _programme_with_knowledge(request, slug, STAFF_ROLES)
    contact = access_contact(request.user, contact_id, programme=programme)
    context = search_context(programme, request.GET.get("kq", ""), request.GET.get("ktheme", ""))
    context.update(
        programme=programme,
        contact=contact,
        editable=contact.is_open and can_change(request.user, contact),
        answered_ids=set(contact.answers_given.values_list("sheet__sheet_id", flat=True)),
    )
    return render(request, "knowledge/desk/_results.html", context)


@login_required
@require_POST
def record_answer(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    programme = access_programme_by_slug(request.user, slug, STAFF_ROLES)
    contact = access_contact_for_change(request.user, contact_id, programme=programme)
    query = request.POST.get("kq", "")[:300]
    rank = request.POST.get("rank", "")
    try:
        answer = services.record_answer(
            contact,
            actor=request.user,  # type: ignore[arg-type]
            sheet_id=request.POST.get("sheet", "")[:20],
            query=query,
            rank=int(rank) if rank.isdigit() else None,
        )
    except PlateauError as exc:
        messages.error(request, str(exc.message))
        return redirect(_contact_url(contact, kq=query))
    messages.success(request, _("Réponse enregistrée sur le contact : %(title)s.") % {"title": answer.sheet.title})
    return redirect(_contact_url(contact, kq=query))


@login_required
@require_POST
def email_answer(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    programme = access_programme_by_slug(request.user, slug, STAFF_ROLES)
    contact = access_contact_for_change(request.user, contact_id, programme=programme)
    raw = request.POST.get("answer", "")
    answer_id = int(raw) if raw.isdigit() and len(raw) < 18 else 0
    answer = contact.answers_given.select_related("sheet", "programme").filter(pk=answer_id).first()
    if answer is None:
        raise NotFound()
    try:
        services.email_answer(
            answer,
            actor=request.user,  # type: ignore[arg-type]
            address=request.POST.get("address", "")[:254],
            consent=request.POST.get("consent") == "on",
        )
    except PlateauError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Fiche envoyée par courriel à l'appelant."))
    return redirect(_contact_url(contact))


@login_required
@require_POST
def report_gap(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    programme = access_programme_by_slug(request.user, slug, STAFF_ROLES)
    contact = access_contact_for_change(request.user, contact_id, programme=programme)
    query = request.POST.get("kq", "")[:300]
    try:
        services.report_gap(programme, actor=request.user, query=query, contact=contact)  # type: ignore[arg-type]
    except PlateauError as exc:
        messages.error(request, str(exc.message))
        return redirect(_contact_url(contact, kq=query))
    messages.info(request, _("Question signalée aux rédacteurs de la base de connaissances."))
    return redirect(_contact_url(contact, kq=query))


@login_required
@require_http_methods(["GET", "POST"])
def editors_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Supervisors and programme managers: the questions advisors did not find, the synonyms."""
    programme = _programme_with_knowledge(request, slug, SUPERVISING_ROLES)
    form = SynonymForm()
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            services.delete_synonym(programme, actor=request.user, term=request.POST.get("term", "")[:120])  # type: ignore[arg-type]
            messages.success(request, _("Synonyme du programme supprimé."))
            return redirect(reverse("knowledge:editors", args=[slug]) + "#synonyms")
        form = SynonymForm(request.POST)
        if form.is_valid():
            try:
                services.set_synonym(
                    programme,
                    actor=request.user,  # type: ignore[arg-type]
                    term=form.cleaned_data["term"],
                    expansion=form.cleaned_data["expansion"],
                )
            except PlateauError as exc:
                add_error(form, exc)
            else:
                messages.success(request, _("Synonyme enregistré : il s'applique dès la prochaine recherche."))
                return redirect(reverse("knowledge:editors", args=[slug]) + "#synonyms")
    return render(
        request,
        "knowledge/editors.html",
        {
            "programme": programme,
            "title": _("Base de connaissances"),
            "top_gaps": top_gaps(programme),
            "most_used": most_used_sheets(programme, timezone.now() - dt.timedelta(days=30)),
            "recent_gaps": KnowledgeGap.objects.for_programme(programme).select_related("advisor")[:50],
            "synonyms": synonym_rows(programme),
            "to_recheck": Article.objects.for_programme(programme).filter(status=ArticleStatus.TO_RECHECK).count(),
            "form": form,
        },
    )


@login_required
def answer_report(request: HttpRequest, slug: str) -> HttpResponse:
    """Supervisors and programme managers: the answer-time report of the last 7 days."""
    programme = _programme_with_knowledge(request, slug, SUPERVISING_ROLES)
    days = period_report(programme, timezone.localdate(), days=7)
    return render(
        request,
        "knowledge/report.html",
        {
            "programme": programme,
            "title": _("Délai de réponse"),
            "days": days,
            "target": target_seconds(programme),
        },
    )
