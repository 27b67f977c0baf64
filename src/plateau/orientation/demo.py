"""Demo destinations of the programmes with the orientation capability (README: demo data).

National services use their public numbers; local ones and the programmes' own partners use numbers of the
range ARCEP keeps for fiction (01 99 00 xx xx), and SIP addresses on 127.0.0.1:5070 (where the demo's
« URSSAF » SIP peer listens, like the voice menu's transfer)."""

from __future__ import annotations

from typing import Any

from plateau.tenants.models import Programme

from .models import Destination, Theme
from .services import DestinationInput, save_destination_as_admin

WEEK = {d: [["09:00", "12:00"], ["13:30", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
OFFICE = {d: [["08:30", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
SHOP = {
    **{d: [["09:00", "12:30"], ["14:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
    "sat": [["09:00", "12:00"]],
}

PERSONAL_SERVICES: dict[str, Any] = {
    "themes": [
        ("cesu", "Cesu : déclarer et payer un salarié à domicile"),
        ("droit-travail", "Droit du travail du particulier employeur"),
        ("credit-impot", "Crédit d'impôt services à la personne"),
    ],
    "destinations": [
        DestinationInput(
            name="Centre national Cesu (URSSAF)",
            phone="0806 802 378",
            sip_uri="sip:urssaf@127.0.0.1:5070",
            opening_hours=WEEK,
            theme_codes=["cesu"],
            briefing="Numéro Cesu de l'employeur s'il le connaît ; motif : adhésion, déclaration, attestation fiscale.",
        ),
        DestinationInput(
            name="Renseignements en droit du travail (DREETS)",
            phone="0806 000 126",
            opening_hours=WEEK,
            theme_codes=["droit-travail"],
            briefing="Convention collective du particulier employeur ; question posée en une phrase.",
        ),
        DestinationInput(
            name="Impôts : service des particuliers",
            phone="0809 401 401",
            opening_hours=OFFICE,
            theme_codes=["credit-impot", "cesu"],
            briefing="Année des dépenses, montant payé, attestation reçue ou non.",
        ),
    ],
}

DEMO: dict[str, dict[str, Any]] = {
    "sap-national": PERSONAL_SERVICES,
    "reseaux-prestataires": PERSONAL_SERVICES,
    "allo-service-public": {
        "themes": [
            ("titres", "Carte d'identité, passeport"),
            ("carte-grise", "Carte grise, permis de conduire"),
            ("caf", "Allocations familiales, aide au logement"),
            ("etat-civil", "État civil (naissance, mariage, décès)"),
        ],
        "destinations": [
            DestinationInput(
                name="Agence nationale des titres sécurisés (ANTS)",
                phone="3400",
                sip_uri="sip:ants@127.0.0.1:5070",
                opening_hours=OFFICE,
                theme_codes=["titres", "carte-grise"],
                briefing="Numéro de la demande (ANTS) s'il existe ; titre concerné.",
            ),
            DestinationInput(
                name="Préfecture de la Seine-Saint-Denis — accueil",
                phone="01 99 00 93 00",
                sip_uri="sip:prefecture93@127.0.0.1:5070",
                opening_hours=WEEK,
                departments=["93"],
                theme_codes=["titres", "carte-grise"],
                briefing="Commune de l'appelant ; démarche et étape.",
            ),
            DestinationInput(
                name="CAF de la Seine-Saint-Denis",
                phone="3230",
                opening_hours=OFFICE,
                departments=["93"],
                theme_codes=["caf"],
                briefing="Numéro d'allocataire s'il l'a sous la main.",
            ),
            DestinationInput(
                name="Mairie de Neuilly-Plaisance — état civil",
                phone="01 99 00 93 49",
                opening_hours=WEEK,
                communes=["93049"],
                theme_codes=["etat-civil"],
                briefing="Acte demandé, date et lieu de l'événement.",
            ),
            DestinationInput(
                name="Mairie de Montreuil — état civil",
                phone="01 99 00 93 48",
                opening_hours=WEEK,
                communes=["93048"],
                theme_codes=["etat-civil"],
                briefing="Acte demandé, date et lieu de l'événement.",
            ),
        ],
    },
    "teleassistance": {
        "themes": [
            ("avis-medical", "Avis médical sans urgence vitale"),
            ("materiel", "Matériel de téléassistance (boîtier, médaillon)"),
        ],
        "destinations": [
            DestinationInput(
                name="Médecin de garde (permanence des soins, 116 117)",
                phone="116117",
                sip_uri="sip:medecin-garde@127.0.0.1:5070",
                always_open=True,
                theme_codes=["avis-medical"],
                briefing="Nom, âge, traitements, symptômes et depuis quand. Détresse vitale : le 15, pas le 116 117.",
            ),
            DestinationInput(
                name="Service technique du fournisseur de téléassistance",
                phone="01 99 00 12 34",
                sip_uri="sip:technique@127.0.0.1:5070",
                opening_hours=OFFICE,
                theme_codes=["materiel"],
                briefing="Numéro d'abonné, voyant ou message affiché par le boîtier.",
            ),
        ],
    },
    "assistance-informatique": {
        "themes": [
            ("vente", "Achat de matériel ou d'abonnement"),
            ("facturation", "Facture, contrat"),
        ],
        "destinations": [
            DestinationInput(
                name="Pôle commercial",
                phone="01 99 00 45 67",
                sip_uri="sip:commercial@127.0.0.1:5070",
                opening_hours=SHOP,
                theme_codes=["vente", "facturation"],
                briefing="Numéro de client, matériel actuel, besoin exprimé.",
            ),
        ],
    },
}


def load_orientation_demo(programme: Programme) -> int:
    """Themes and destinations of one demo programme (skipped when it has destinations already)."""
    spec = DEMO.get(programme.slug)
    if spec is None or Destination.objects.for_programme(programme).exists():
        return 0
    for i, (code, label) in enumerate(spec["themes"], start=1):
        Theme.objects.get_or_create(programme=programme, code=code, defaults={"label": label, "position": 10 * i})
    for given in spec["destinations"]:
        save_destination_as_admin(programme, given, actor=None)
    return len(spec["destinations"])
