"""The 26 official personal-services activities (Code du travail art. D7231-1), as pure data.

The directory app loads this table with a data migration; codes SAP01…SAP26 are ours (stable), the order
follows service-public F23633. ``regime`` is what is required to *operate* (see docs domain §1.1-1.2):

* ``declaration`` — a declaration suffices (it is in any case needed for the clients' tax advantages);
* ``agrement`` — a State agrément whatever the mode (children under 3 / disabled under 18);
* ``agrement_or_autorisation`` — agrément in *mandataire* mode, autorisation of the conseil départemental
  in *prestataire* mode (elderly, disabled and chronically ill people, ASV law of 2015).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Regime(StrEnum):
    DECLARATION = "declaration"
    AGREMENT = "agrement"
    AGREMENT_OR_AUTORISATION = "agrement_or_autorisation"


class Family(StrEnum):
    FAMILLE = "famille"
    VIE_QUOTIDIENNE = "vie_quotidienne"
    PERSONNES_DEPENDANTES = "personnes_dependantes"


@dataclass(frozen=True, slots=True)
class ActivityDef:
    code: str
    label_fr: str
    label_en: str
    regime: Regime
    family: Family


_D, _A, _AA = Regime.DECLARATION, Regime.AGREMENT, Regime.AGREMENT_OR_AUTORISATION
_F, _V, _P = Family.FAMILLE, Family.VIE_QUOTIDIENNE, Family.PERSONNES_DEPENDANTES

ACTIVITIES: tuple[ActivityDef, ...] = (
    ActivityDef(
        "SAP01",
        "Garde d'enfants de moins de 3 ans (ou de moins de 18 ans handicapés) à domicile",
        "In-home childcare, under 3 (or disabled under 18)",
        _A,
        _F,
    ),
    ActivityDef(
        "SAP02",
        "Accompagnement des enfants de moins de 3 ans (ou de moins de 18 ans handicapés) dans leurs déplacements",
        "Escorting children under 3 (or disabled under 18) outside the home",
        _A,
        _F,
    ),
    ActivityDef(
        "SAP03",
        "Assistance dans les actes quotidiens de la vie ou aide à l'insertion sociale "
        "(personnes âgées, handicapées ou atteintes de pathologies chroniques)",
        "Daily-living assistance for elderly, disabled or chronically ill people",
        _AA,
        _P,
    ),
    ActivityDef(
        "SAP04",
        "Conduite du véhicule personnel (personnes âgées, handicapées ou atteintes de pathologies chroniques)",
        "Driving the person's own car (elderly, disabled or chronically ill people)",
        _AA,
        _P,
    ),
    ActivityDef(
        "SAP05",
        "Accompagnement hors du domicile (personnes âgées, handicapées ou atteintes de pathologies chroniques)",
        "Escorting elderly, disabled or chronically ill people outside the home",
        _AA,
        _P,
    ),
    ActivityDef("SAP06", "Entretien de la maison et travaux ménagers", "Housekeeping and cleaning", _D, _V),
    ActivityDef("SAP07", "Petits travaux de jardinage, y compris débroussaillage", "Light gardening", _D, _V),
    ActivityDef("SAP08", "Travaux de petit bricolage dits « homme toutes mains »", "Small handyman jobs", _D, _V),
    ActivityDef("SAP09", "Garde d'enfants de plus de 3 ans à domicile", "In-home childcare, 3 and over", _D, _F),
    ActivityDef("SAP10", "Soutien scolaire ou cours à domicile", "Tutoring and lessons at home", _D, _F),
    ActivityDef(
        "SAP11",
        "Soins d'esthétique à domicile pour les personnes dépendantes",
        "Beauty care at home for dependent people",
        _D,
        _P,
    ),
    ActivityDef("SAP12", "Préparation de repas à domicile, y compris les courses", "Meal preparation at home", _D, _V),
    ActivityDef("SAP13", "Livraison de repas à domicile", "Meal delivery", _D, _V),
    ActivityDef("SAP14", "Livraison de courses à domicile", "Grocery delivery", _D, _V),
    ActivityDef(
        "SAP15", "Collecte et livraison à domicile de linge repassé", "Ironed-laundry pickup and delivery", _D, _V
    ),
    ActivityDef("SAP16", "Assistance informatique à domicile", "Home IT assistance", _D, _F),
    ActivityDef(
        "SAP17",
        "Soins et promenades d'animaux de compagnie pour les personnes dépendantes",
        "Pet care and walks for dependent people",
        _D,
        _P,
    ),
    ActivityDef(
        "SAP18",
        "Maintenance, entretien et vigilance temporaires de la résidence principale et secondaire",
        "Temporary home maintenance and watch",
        _D,
        _V,
    ),
    ActivityDef("SAP19", "Assistance administrative à domicile", "Administrative help at home", _D, _F),
    ActivityDef(
        "SAP20",
        "Accompagnement des enfants de plus de 3 ans dans leurs déplacements",
        "Escorting children 3 and over outside the home",
        _D,
        _F,
    ),
    ActivityDef("SAP21", "Téléassistance et visioassistance", "Telecare and video assistance", _D, _V),
    ActivityDef(
        "SAP22",
        "Interprète en langue des signes, technicien de l'écrit et codeur en langage parlé complété",
        "Sign-language interpreting, transcription and cued speech",
        _D,
        _P,
    ),
    ActivityDef(
        "SAP23",
        "Conduite du véhicule personnel des personnes ayant une invalidité temporaire",
        "Driving for temporarily disabled people",
        _D,
        _P,
    ),
    ActivityDef(
        "SAP24",
        "Accompagnement des personnes ayant une invalidité temporaire dans leurs déplacements",
        "Escorting temporarily disabled people",
        _D,
        _P,
    ),
    ActivityDef(
        "SAP25",
        "Assistance aux personnes ayant temporairement besoin d'une aide personnelle à leur domicile",
        "Temporary personal assistance at home",
        _D,
        _P,
    ),
    ActivityDef(
        "SAP26",
        "Coordination et délivrance des services à la personne",
        "Coordination and delivery of personal services",
        _D,
        _V,
    ),
)

ACTIVITIES_BY_CODE: dict[str, ActivityDef] = {a.code: a for a in ACTIVITIES}

# The most frequent needs of the directory line, in order (programmes.md §1); the demo generator follows it.
MOST_FREQUENT = ("SAP06", "SAP07", "SAP09", "SAP16", "SAP08")
