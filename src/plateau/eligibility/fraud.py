"""Fraud and errors: signals that an application may duplicate another, shown to the advisor (never blocking by
themselves); refusals overridden only by a supervisor with a reason, audited (``services.override_refusal``)."""

from __future__ import annotations

from django.db.models import Q

from .models import RIGHT_OPEN, Applicant, Application, Status

# An address shared by more applicants than this is worth a look (a hostel or a shelter is legitimate).
SAME_ADDRESS_THRESHOLD = 3
OPEN_STATUSES = (Status.RECEIVED, Status.CHECKED, Status.INCOMPLETE, Status.TO_RECHECK)


def _normalised(address: str) -> str:
    return " ".join(address.lower().replace(",", " ").split())


def duplicate_signals(application: Application) -> list[str]:
    """French sentences, one per reason to double-check this application; empty when nothing stands out."""
    applicant = application.applicant
    others = Applicant.objects.for_programme(application.programme).exclude(pk=applicant.pk)
    signals: list[str] = []
    if applicant.navigo_number:
        n = others.filter(navigo_number=applicant.navigo_number).count()
        if n:
            signals.append(
                f"Le passe Navigo n° {applicant.navigo_number} est aussi déclaré par {n} autre(s) demandeur(s)."
            )
    same_person = others.filter(birth_name=applicant.birth_name, birth_date=applicant.birth_date).count()
    if same_person:
        signals.append(
            f"{same_person} autre(s) demandeur(s) ont le même nom de naissance et la même date de naissance : "
            "vérifier les prénoms et le lieu de naissance."
        )
    address = _normalised(applicant.address_line)
    same_address = sum(
        1
        for line in others.filter(commune_insee=applicant.commune_insee).values_list("address_line", flat=True)
        if _normalised(line) == address
    )
    if same_address >= SAME_ADDRESS_THRESHOLD:
        signals.append(f"{same_address} autres demandeurs déclarent la même adresse.")
    pending = (
        Application.objects.for_programme(application.programme)
        .filter(applicant=applicant)
        .exclude(pk=application.pk)
        .filter(Q(status__in=OPEN_STATUSES) | Q(status__in=RIGHT_OPEN))
        .exclude(renewals__pk=application.pk)  # the application this one renews is not a duplicate
        .exclude(pk=application.renewal_of_id or 0)
        .values_list("number", flat=True)
    )
    if pending:
        signals.append(
            "Autre(s) demande(s) en cours ou droit ouvert pour ce demandeur : n° " + ", ".join(pending) + "."
        )
    return signals
