"""The platform's default synonyms: what callers say → the words of the official sheets.

A programme's supervisors add their own, replace one of these, or switch one off (``knowledge.Synonym``).
Keep the expansions short: every word added is searched in every sheet. Terms match on stems, so one
spelling covers its inflections (« perdu » covers « perdue », « perdus »); a term whose stem is the one of
its expansion (« volé » → vol) is useless.
"""

from __future__ import annotations

from .query import SynonymRule

DEFAULT_SYNONYMS: tuple[SynonymRule, ...] = tuple(
    SynonymRule(term, expansion)
    for term, expansion in (
        # Identity papers, vehicles
        ("cni", "carte nationale d'identité"),
        ("papiers d'identité", "carte nationale d'identité passeport"),
        ("perdu", "perte"),
        ("égaré", "perte"),
        ("caution", "dépôt de garantie"),
        ("inscrire", "inscription"),
        ("âgé", "personne âgée"),
        ("carte d'invalidité", "carte mobilité inclusion"),
        ("carte de stationnement", "carte mobilité inclusion"),
        ("refaire", "renouvellement"),
        ("périmé", "renouvellement"),
        ("expiré", "renouvellement"),
        ("combien coûte", "coût prix tarif timbre fiscal"),
        ("prix", "coût"),
        ("payer", "coût rémunérer"),
        ("carte grise", "certificat d'immatriculation"),
        ("permis", "permis de conduire"),
        ("déménagement", "changement d'adresse"),
        # Benefits
        ("rsa", "revenu de solidarité active"),
        ("apa", "allocation personnalisée d'autonomie"),
        ("aah", "allocation aux adultes handicapés"),
        ("aspa", "allocation de solidarité aux personnes âgées minimum vieillesse"),
        ("minimum vieillesse", "allocation de solidarité aux personnes âgées aspa"),
        ("als", "allocation de logement sociale"),
        ("alf", "allocation de logement familiale"),
        ("apl", "aide personnalisée au logement"),
        ("aide au logement", "apl allocation de logement"),
        ("caf", "caisse d'allocations familiales"),
        ("cmu", "complémentaire santé solidaire"),
        ("mutuelle", "complémentaire santé"),
        ("css", "complémentaire santé solidaire"),
        ("chômage", "allocation chômage pôle emploi demandeur d'emploi"),
        ("pôle emploi", "demandeur d'emploi"),
        ("retraite", "pension de retraite"),
        # Home help, employment at home
        ("cesu", "chèque emploi service universel"),
        ("chèque emploi service", "cesu"),
        ("femme de ménage", "emploi d'un salarié à domicile cesu particulier employeur ménage"),
        ("aide ménagère", "emploi d'un salarié à domicile aide à domicile"),
        ("nounou", "assistante maternelle garde d'enfant"),
        ("baby-sitter", "garde d'enfant à domicile"),
        ("aide à domicile", "salarié à domicile aide à domicile personne âgée"),
        ("maison de retraite", "ehpad établissement personnes âgées dépendantes"),
        ("ehpad", "établissement personnes âgées dépendantes"),
        ("personne âgée", "senior perte d'autonomie"),
        ("dépendance", "perte d'autonomie allocation personnalisée d'autonomie"),
        ("fils", "mineur"),
        ("fille", "mineur"),
        ("mdph", "maison départementale des personnes handicapées"),
        # Civil status, family, justice
        ("acte de naissance", "extrait d'acte de naissance"),
        ("se marier", "mariage"),
        ("pacser", "pacs"),
        ("décédé", "décès"),
        ("mort", "décès"),
        ("casier judiciaire", "extrait de casier judiciaire bulletin"),
        ("impôts", "impôt sur le revenu"),
        ("amende", "contravention"),
        ("pv", "contravention"),
        ("voter", "vote élections"),
        ("inscrire sur les listes", "inscription listes électorales"),
    )
)
