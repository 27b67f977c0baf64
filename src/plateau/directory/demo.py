"""A realistic, fictional provider population for the demo and the benchmarks.

Names are invented, communes are real, the number of providers based in a commune follows its population,
every SIRET passes the Luhn check (fictional companies: never a real one on purpose), the activity mix
follows the directory line's most frequent needs (house cleaning > gardening > childcare > IT > DIY), and a
lead-dispatch programme gets its six competing networks.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Sequence

from django.db import transaction
from django.utils.text import slugify
from stdnum import luhn

from plateau.geo.models import Commune, PostalCode
from plateau.tenants.models import Programme

from .models import (
    AbsencePeriod,
    Activity,
    AreaKind,
    Provider,
    ProviderActivity,
    QualityAudit,
    ServiceArea,
)

# Main activity of a provider, with weights (programmes.md §1 order first, then the long tail).
ACTIVITY_WEIGHTS: dict[str, int] = {
    "SAP06": 34,
    "SAP07": 18,
    "SAP09": 11,
    "SAP16": 10,
    "SAP08": 6,
    "SAP10": 5,
    "SAP03": 4,
    "SAP01": 2,
    "SAP12": 2,
    "SAP14": 1,
    "SAP15": 2,
    "SAP18": 1,
    "SAP19": 1,
    "SAP20": 1,
    "SAP21": 1,
    "SAP11": 1,
    "SAP17": 1,
}
# Activities often offered together with a main one.
SECONDARY: dict[str, tuple[str, ...]] = {
    "SAP06": ("SAP15", "SAP12", "SAP14", "SAP18"),
    "SAP07": ("SAP18",),
    "SAP09": ("SAP20", "SAP10"),
    "SAP16": ("SAP19",),
    "SAP08": ("SAP07", "SAP18"),
    "SAP03": ("SAP04", "SAP05", "SAP12", "SAP06"),
    "SAP01": ("SAP02", "SAP09"),
}
# The six networks of the lead-dispatch line (programmes.md §2), fictional brands, each with its trade.
NETWORKS: dict[str, tuple[str, ...]] = {
    "Cours Horizon": ("SAP10",),
    "Âge Serein": ("SAP03", "SAP04", "SAP05"),
    "Vert Entretien": ("SAP07", "SAP08"),
    "Beauté Chez Vous": ("SAP11",),
    "Maison Sereine": ("SAP18", "SAP08", "SAP06"),
    "Net & Repassage": ("SAP06", "SAP15"),
}
_NAME_HEADS = (
    "Atout",
    "Coup de main",
    "Bien chez soi",
    "Domicile",
    "Services",
    "Au fil des saisons",
    "Main verte",
    "Clair Logis",
    "Douce Maison",
    "Allô",
    "Entraide",
    "Cap",
    "Le Petit",
    "Plume",
    "Arc-en-ciel",
)
_NAME_TAILS = ("Services", "Domicile", "Assistance", "Confort", "Plus", "& Vous", "Proximité", "Famille", "Net")
_FORMS = ("SARL", "SAS", "EURL", "SASU", "Association")
_STREETS = (
    "rue de la République",
    "avenue Jean-Jaurès",
    "rue Victor-Hugo",
    "place du Marché",
    "rue des Écoles",
    "boulevard Gambetta",
    "rue de la Gare",
    "allée des Tilleuls",
    "chemin des Vignes",
    "rue Pasteur",
)
# Geographic prefix of a region's landlines (01 Île-de-France, 02 north-west, 03 north-east, 04 south-east,
# 05 south-west); 09 numbers are used everywhere.
_REGION_PREFIX = {"11": "1", "24": "2", "28": "2", "52": "2", "53": "2", "27": "3", "32": "3", "44": "3"}
_REGION_PREFIX |= {"84": "4", "93": "4", "94": "4", "75": "5", "76": "5"}


def fictional_siret(n: int) -> str:
    """A SIRET passing the Luhn check, derived from ``n`` (distinct for distinct ``n`` < 10⁷)."""
    body = f"8{n:07d}"  # 8 digits; real SIRENs starting with 8 exist, these are made up all the same
    siren = body + luhn.calc_check_digit(body)
    nic = "0001"
    return siren + nic + luhn.calc_check_digit(siren + nic)


def _phone(rng: random.Random, region_code: str) -> str:
    lead = _REGION_PREFIX.get(region_code, "9") if rng.random() < 0.8 else rng.choice("67")
    return f"+33{lead}{rng.randint(10, 99)}{rng.randint(0, 999999):06d}"


def _weekly_hours(rng: random.Random) -> dict[str, list[list[str]]]:
    day = [["08:30", "12:30"], ["13:30", "18:00"]]
    hours: dict[str, list[list[str]]] = dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), day)
    hours["sat"] = [["09:00", "12:00"]] if rng.random() < 0.3 else []
    hours["sun"] = []
    return hours


def generate_providers(
    programme: Programme, communes: Sequence[Commune], n: int, seed: int = 0, *, today: dt.date | None = None
) -> list[Provider]:
    """Create ``n`` fictional providers of ``programme`` based in ``communes`` (weighted by population).

    Deterministic for a given seed and commune list; SIRETs continue after the programme's existing ones.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    today = today or dt.date(2026, 1, 1)
    communes = [c for c in communes if c.latitude is not None]
    if not communes or n <= 0:
        return []
    # Cumulative weights once: rng.choices would otherwise re-sum 35,000 weights per provider.
    cum_weights = list(itertools.accumulate(max(c.population or 100, 50) for c in communes))
    activities = {a.code: a for a in Activity.objects.all()}
    postal = dict(PostalCode.objects.filter(commune__in=communes).values_list("commune_id", "code"))
    # A programme that forwards leads works with the networks' providers only (the code string, not an
    # import: the directory never imports another capability).
    lead_dispatch = programme.has_capability("leads")
    # SIRETs are unique per programme; the programme term only varies them between programmes. Modulo 100:
    # fictional_siret takes n < 10**7, and test databases (PostgreSQL sequences) reach programme ids past 100.
    offset = Provider.objects.for_programme(programme).count() + (programme.pk % 100) * 100_000
    codes, code_weights = list(ACTIVITY_WEIGHTS), list(ACTIVITY_WEIGHTS.values())

    providers: list[Provider] = []
    plans: list[tuple[list[str], str, Commune]] = []
    for i in range(n):
        base = rng.choices(communes, cum_weights=cum_weights)[0]
        network = ""
        if lead_dispatch or rng.random() < 0.15:
            network = rng.choice(list(NETWORKS))
            main = rng.choice(NETWORKS[network])
            trade = f"{network} {base.name}"
        else:
            main = rng.choices(codes, code_weights)[0]
            trade = f"{rng.choice(_NAME_HEADS)} {rng.choice(_NAME_TAILS)}"
        extra = [c for c in SECONDARY.get(main, ()) if rng.random() < 0.35]
        legal = f"{trade} {rng.choice(_FORMS)}"
        slug = slugify(trade)[:40] or "prestataire"
        siret = fictional_siret(offset + i)
        providers.append(
            Provider(
                programme=programme,
                siret=siret,
                siren=siret[:9],
                sap_number=f"SAP{siret[:9]}",
                legal_name=legal,
                trade_name=trade,
                network=network,
                phone=_phone(rng, base.region_code),
                email=f"contact@{slug}.example.fr",
                website=f"https://www.{slug}.example.fr",
                address=f"{rng.randint(1, 120)} {rng.choice(_STREETS)}",
                postal_code=postal.get(base.pk, ""),
                base_commune=base,
                opening_hours=_weekly_hours(rng),
                is_active=rng.random() > 0.03,
                accepting_new_clients=rng.random() > 0.1,
                capacity_per_week=rng.choice([None, None, 10, 20, 40, 80]),
            )
        )
        plans.append(([main, *extra], base.department_code, base))

    with transaction.atomic():
        Provider.objects.bulk_create(providers, batch_size=2000)
        statuses, areas, absences, audits = [], [], [], []
        for p, (acts, dept, base) in zip(providers, plans, strict=True):
            for code in dict.fromkeys(acts):
                statuses.append(_status(rng, p, activities[code], dept, today))
            r = rng.random()
            if r < 0.75:
                areas.append(ServiceArea(provider=p, kind=AreaKind.RADIUS, radius_km=rng.choice([10, 15, 20, 25, 30])))
            elif r < 0.9:
                areas.append(ServiceArea(provider=p, kind=AreaKind.DEPARTMENT, department_code=dept))
            else:
                areas.append(ServiceArea(provider=p, kind=AreaKind.COMMUNE, commune=base))
                areas.append(ServiceArea(provider=p, kind=AreaKind.RADIUS, radius_km=8))
            if rng.random() < 0.1:
                start = today + dt.timedelta(days=rng.randint(0, 60))
                absences.append(
                    AbsencePeriod(provider=p, start=start, end=start + dt.timedelta(days=rng.randint(3, 21)))
                )
            for k in range(rng.choice([0, 0, 1, 2, 3])):
                audits.append(
                    QualityAudit(
                        provider=p,
                        date=today - dt.timedelta(days=30 * k + rng.randint(1, 25)),
                        grid="Grille qualité réseau" if p.network else "Qualisap",
                        score=max(0, min(100, round(rng.gauss(72, 12)))),
                        auditor=rng.choice(["Cabinet Audit Plus", "Qualité Services Conseil", "Afnor (démo)"]),
                    )
                )
        ProviderActivity.objects.bulk_create(statuses, batch_size=5000)
        ServiceArea.objects.bulk_create(areas, batch_size=5000)
        AbsencePeriod.objects.bulk_create(absences, batch_size=5000)
        QualityAudit.objects.bulk_create(audits, batch_size=5000)
    return providers


def _status(rng: random.Random, p: Provider, activity: Activity, dept: str, today: dt.date) -> ProviderActivity:
    if activity.regime == "declaration":
        return ProviderActivity(provider=p, activity=activity)
    start = today - dt.timedelta(days=rng.randint(30, 4 * 365))
    if activity.regime == "agrement_or_autorisation" and rng.random() < 0.6:
        return ProviderActivity(
            provider=p,
            activity=activity,
            status="autorisation",
            mode="prestataire",
            department_code=dept,
            valid_from=start,
            valid_until=start + dt.timedelta(days=15 * 365),
            reference=f"AUT-{dept}-{rng.randint(1000, 9999)}",
        )
    # Agrément: 5 years; mandataire mode when it stands for the elderly/disabled activities.
    return ProviderActivity(
        provider=p,
        activity=activity,
        status="agrement",
        mode="mandataire"
        if activity.regime == "agrement_or_autorisation"
        else rng.choice(["prestataire", "mandataire"]),
        valid_from=start,
        valid_until=start + dt.timedelta(days=5 * 365),
        reference=f"SAP/{rng.randint(100000, 999999)}",
    )
