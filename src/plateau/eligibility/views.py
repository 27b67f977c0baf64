"""The eligibility pages of the desk: file an application from a contact, check it, grant the right.

Plain form posts answered by a redirect (post/redirect/get); a refused input comes back on its field in French.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plateau.contacts.access import access_contact_for_change
from plateau.domain.eligibility import rules
from plateau.domain.eligibility.identity import check_territory, parse_application_number
from plateau.domain.errors import DomainError
from plateau.errors import NotFound, PlateauError
from plateau.tenants.access import access_programme_by_slug, has_role
from plateau.tenants.errors import CapabilityNotEnabled
from plateau.tenants.models import STAFF_ROLES, SUPERVISING_ROLES, Programme

from . import cards, services
from .access import access_application
from .capability import ELIGIBILITY
from .connector import RESOURCE_LABELS
from .documents import RefusedDocument, attach_document, sniff
from .forms import PROOF_VALUES, ApplicationForm, DocumentForm, GrantForm, OverrideForm
from .fraud import duplicate_signals
from .models import RIGHT_OPEN, Application, CardBatch, Channel, DocumentKind, Status

STATUS_BADGES: dict[str, str] = {
    Status.GRANTED: "fr-badge--success",
    Status.ISSUED: "fr-badge--success",
    Status.MAILED: "fr-badge--success",
    Status.CHECKED: "fr-badge--info",
    Status.REFUSED: "fr-badge--error",
    Status.INCOMPLETE: "fr-badge--warning",
    Status.TO_RECHECK: "fr-badge--warning",
}
RESULT_WORDS = {
    "ok": _("réponse reçue"),
    "not_found": _("personne non trouvée"),
    "ambiguous": _("identité ambiguë"),
    "invalid": _("identité refusée"),
    "unavailable": _("service indisponible"),
}


def _programme(request: HttpRequest, slug: str) -> Programme:
    programme = access_programme_by_slug(request.user, slug, STAFF_ROLES)
    if not programme.has_capability(ELIGIBILITY):
        raise Http404(str(CapabilityNotEnabled.default_message))
    return programme


def _application_url(application: Application) -> str:
    return reverse("eligibility:application", args=[application.programme.slug, application.number])


@login_required
@require_http_methods(["GET", "POST"])
def new_application(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    """The identity form, from a contact: finds the applicant again or creates them, then opens a file."""
    programme = _programme(request, slug)
    contact = access_contact_for_change(request.user, contact_id, programme=programme)
    initial = {
        "phone": contact.caller.phone_e164 if contact.caller else "",
        # A letter or a web form registered on the desk files an application of that channel.
        "channel": {"letter": Channel.LETTER, "web": Channel.WEB}.get(contact.channel, Channel.PHONE),
    }
    form = ApplicationForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        home = form.communes.get("home")
        birth = form.communes.get("birth")
        data = form.cleaned_data
        try:
            scan = data.get("scan")
            if scan is not None and not sniff(scan.read(16)):
                raise RefusedDocument(field="scan")
            if home is not None:
                check_territory(home.insee_code)
            application = services.file_application(
                programme,
                request.user,  # type: ignore[arg-type]
                services.ApplicantInput(
                    birth_name=data["birth_name"],
                    first_names=data["first_names"],
                    birth_date=data["birth_date"],
                    sex=data["sex"],
                    birth_commune_insee=birth.insee_code if birth else "",
                    birth_country_code=data["birth_country_code"],
                    address_line=data["address_line"],
                    postal_code=data["postal_code"],
                    commune=home,  # type: ignore[arg-type]
                    usage_name=data["usage_name"],
                    phone=data["phone"],
                    email=data["email"],
                    navigo_number=data["navigo_number"],
                ),
                channel=data["channel"],
                contact=contact,
                ass=PROOF_VALUES[data["ass"]],
                ame=PROOF_VALUES[data["ame"]],
            )
        except (PlateauError, DomainError) as exc:
            field = str(exc.details.get("field", ""))
            form.add_error(field if field in form.fields else None, str(exc.message))
        else:
            if scan is not None:
                scan.seek(0)
                attach_document(application, request.user, kind=DocumentKind.LETTER, upload=scan)  # type: ignore[arg-type]
            messages.success(
                request, _("Demande n° %(n)s enregistrée : donnez ce numéro à l'appelant.") % {"n": application.number}
            )
            return redirect(_application_url(application))
    return render(
        request,
        "eligibility/new_application.html",
        {"programme": programme, "contact": contact, "form": form, "title": _("Demande Solidarité Transport")},
    )


def _rules_since(version: str) -> Any:
    """The day the decision's rule version came into force (what advisors read instead of its identifier)."""
    try:
        return rules.rule_version(version).effective_from
    except rules.NoRuleInForce:
        return None


@login_required
def application_page(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    programme = _programme(request, slug)
    application = access_application(request.user, number, programme=programme)
    consultations = list(application.consultations.select_related("actor")[:10])
    for consultation in consultations:
        consultation.rows = [
            {
                "label": RESOURCE_LABELS.get(resource, resource),
                "result": RESULT_WORDS.get(str(result.get("status")), str(result.get("status"))),
                "ok": result.get("status") == "ok",
            }
            for resource, result in consultation.results.items()
        ]
    return render(
        request,
        "eligibility/application.html",
        {
            "programme": programme,
            "application": application,
            "applicant": application.applicant,
            "events": application.events.select_related("actor"),
            "consultations": consultations,
            "badge": STATUS_BADGES.get(application.status, ""),
            "rules_since": _rules_since(application.rule_version),
            "can_check": application.status not in (*RIGHT_OPEN, Status.EXPIRED),
            "can_grant": application.status == Status.CHECKED,
            "right_open": application.status in RIGHT_OPEN,
            "can_renew": application.status in (*RIGHT_OPEN, Status.EXPIRED)
            and not application.renewals.exclude(status=Status.REFUSED).exists(),
            "renewals": list(application.renewals.all()),
            "signals": duplicate_signals(application),
            "can_override": application.status in (Status.REFUSED, Status.INCOMPLETE, Status.TO_RECHECK)
            and has_role(request.user, programme, SUPERVISING_ROLES),
            "override_form": OverrideForm(),
            "documents": (documents := list(application.documents.defer("content").select_related("uploaded_by"))),
            # Scans shown beside the file (images inline; a PDF opens from its link).
            "images": [d for d in documents if d.content_type.startswith("image/") and d.content_type != "image/tiff"],
            "document_form": DocumentForm(),
            "grant_form": GrantForm(initial={"start": timezone.localdate()}),
            "title": _("Demande n° %(n)s") % {"n": application.number},
        },
    )


@login_required
@require_POST
def check(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    programme = _programme(request, slug)
    application = access_application(request.user, number, programme=programme)
    try:
        consultation = services.check_eligibility(application, request.user)  # type: ignore[arg-type]
    except (PlateauError, DomainError) as exc:
        messages.error(request, str(exc.message))
    else:
        level = messages.success if consultation.outcome == "granted" else messages.warning
        level(request, consultation.reasons[0] if consultation.reasons else _("Vérification enregistrée."))
    return redirect(_application_url(application))


@login_required
@require_POST
def grant(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    programme = _programme(request, slug)
    application = access_application(request.user, number, programme=programme)
    form = GrantForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la date de début du droit."))
        return redirect(_application_url(application))
    try:
        application = services.grant_right(application, request.user, start=form.cleaned_data["start"])  # type: ignore[arg-type]
    except (PlateauError, DomainError) as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Droit accordé du %(start)s au %(end)s.")
            % {"start": f"{application.right_start:%d/%m/%Y}", "end": f"{application.right_end:%d/%m/%Y}"},
        )
    return redirect(_application_url(application))


@login_required
@require_POST
def renew(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    """Simplified renewal from the previous application's page: checked again, renewed if unchanged."""
    programme = _programme(request, slug)
    previous = access_application(request.user, number, programme=programme)
    try:
        application = services.renew(previous, request.user)  # type: ignore[arg-type]
    except (PlateauError, DomainError) as exc:
        messages.error(request, str(exc.message))
        return redirect(_application_url(previous))
    if application.status == Status.GRANTED:
        messages.success(
            request,
            _("Droit renouvelé du %(start)s au %(end)s (demande n° %(n)s).")
            % {
                "start": f"{application.right_start:%d/%m/%Y}",
                "end": f"{application.right_end:%d/%m/%Y}",
                "n": application.number,
            },
        )
    else:
        changed = _("Situation changée : la demande n° %(n)s est à traiter.")
        messages.warning(request, changed % {"n": application.number})
    return redirect(_application_url(application))


DEADLINE_HORIZON_DAYS = 30


@login_required
def deadlines(request: HttpRequest, slug: str) -> HttpResponse:
    """Supervisors: renewal reminders due or coming, reminder letters to print, rights recently expired."""
    programme = access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)
    if not programme.has_capability(ELIGIBILITY):
        raise Http404(str(CapabilityNotEnabled.default_message))
    today = timezone.localdate()
    horizon = today + dt.timedelta(days=DEADLINE_HORIZON_DAYS)
    since = today - dt.timedelta(days=DEADLINE_HORIZON_DAYS)
    mine = Application.objects.for_programme(programme).select_related("applicant")
    return render(
        request,
        "eligibility/deadlines.html",
        {
            "programme": programme,
            "today": today,
            "horizon_days": DEADLINE_HORIZON_DAYS,
            "reminders": mine.filter(
                status__in=RIGHT_OPEN, reminder_sent_at__isnull=True, reminder_due_on__lte=horizon
            ).order_by("reminder_due_on", "pk"),
            "letters": mine.filter(reminder_channel="letter", reminder_sent_at__date__gte=since).order_by(
                "-reminder_sent_at"
            ),
            "expired": mine.filter(status=Status.EXPIRED, right_end__gte=since).order_by("-right_end"),
            "batches": CardBatch.objects.for_programme(programme)[:10],
            "to_issue": mine.filter(status=Status.GRANTED, card_batch__isnull=True).count(),
            "title": _("Échéances Solidarité Transport"),
        },
    )


@login_required
@require_POST
def override(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    """A supervisor's override of an unfavourable decision, with its reason (audited)."""
    programme = _programme(request, slug)
    application = access_application(request.user, number, programme=programme)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le tarif et le motif de la dérogation."))
        return redirect(_application_url(application))
    try:
        services.override_refusal(
            application,
            request.user,  # type: ignore[arg-type]
            tier=form.cleaned_data["tier"],
            reason=form.cleaned_data["reason"],
        )
    except (PlateauError, DomainError) as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Dérogation enregistrée : le droit peut être accordé."))
    return redirect(_application_url(application))


def _supervised_programme(request: HttpRequest, slug: str) -> Programme:
    programme = access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)
    if not programme.has_capability(ELIGIBILITY):
        raise Http404(str(CapabilityNotEnabled.default_message))
    return programme


@login_required
@require_POST
def issue_cards(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _supervised_programme(request, slug)
    batch = cards.issue_batch(programme, request.user)  # type: ignore[arg-type]
    if batch is None:
        messages.info(request, _("Aucun nouveau droit à transmettre."))
    else:
        messages.success(request, _("Lot n° %(n)s constitué : %(c)s droit(s).") % {"n": batch.pk, "c": batch.count})
    return redirect(reverse("eligibility:deadlines", args=[programme.slug]))


@login_required
def batch_file(request: HttpRequest, slug: str, batch_id: int) -> HttpResponse:
    programme = _supervised_programme(request, slug)
    batch = CardBatch.objects.for_programme(programme).filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    response = HttpResponse(cards.batch_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="solidarite-transport-lot-{batch.pk}.csv"'
    return response


@login_required
@require_POST
def batch_mailed(request: HttpRequest, slug: str, batch_id: int) -> HttpResponse:
    programme = _supervised_programme(request, slug)
    batch = CardBatch.objects.for_programme(programme).filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    try:
        n = cards.mark_mailed(batch, request.user, timezone.localdate())  # type: ignore[arg-type]
    except (PlateauError, DomainError) as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Lot n° %(n)s : %(c)s carte(s) envoyée(s).") % {"n": batch.pk, "c": n})
    return redirect(reverse("eligibility:deadlines", args=[programme.slug]))


@login_required
@require_POST
def upload_document(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    programme = _programme(request, slug)
    application = access_application(request.user, number, programme=programme)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choisissez la nature de la pièce et le fichier."))
        return redirect(_application_url(application))
    try:
        attach_document(
            application,
            request.user,  # type: ignore[arg-type]
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
        )
    except (PlateauError, DomainError) as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Pièce ajoutée au dossier."))
    return redirect(_application_url(application))


@login_required
def document_file(request: HttpRequest, slug: str, number: str, document_id: int) -> HttpResponse:
    programme = _programme(request, slug)
    application = access_application(request.user, number, programme=programme)
    document = application.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["Content-Disposition"] = f'inline; filename="piece-{document.pk}"'
    return response


@login_required
def find_application(request: HttpRequest, slug: str) -> HttpResponse:
    """« Suivi d'un dossier »: the number the caller quotes (typed with or without dashes) opens the application;
    a mistyped number (check digit) or an unknown one is said in French, on the page the advisor came from."""
    programme = _programme(request, slug)
    typed = request.GET.get("numero", "")
    back = request.GET.get("retour", "")
    back_url = back if back.startswith(f"/p/{programme.slug}/") else reverse("web:desk", args=[programme.slug])
    try:
        number = parse_application_number(typed)
        application = access_application(request.user, number, programme=programme)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back_url)
    except NotFound:
        messages.error(request, _("Aucune demande n° %(n)s sur cette ligne.") % {"n": typed.strip()})
        return redirect(back_url)
    return redirect(_application_url(application))
