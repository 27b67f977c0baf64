"""The admin reads in French: every model of Plateau names its plural itself (Django's default appends an
"s" to the whole phrase: "Profil de routages", "Enquête de satisfactions")."""

from __future__ import annotations

from django.apps import apps


def test_every_plateau_model_names_its_plural() -> None:
    models = [m for m in apps.get_models() if m.__module__.startswith("plateau.")]
    assert len(models) > 30
    missing = [m.__name__ for m in models if "verbose_name_plural" not in m._meta.original_attrs]
    assert missing == []
    plurals = {m.__name__: str(m._meta.verbose_name_plural) for m in models}
    assert plurals["AdvisorProfile"] == "profils de routage"
    assert plurals["Survey"] == "enquêtes de satisfaction"
    assert plurals["Lead"] == "demandes transmises"
    assert plurals["PauseReason"] == "motifs de pause"
