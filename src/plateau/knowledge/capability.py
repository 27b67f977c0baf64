"""The knowledge base capability: search the official sheets as you type, open one, record it on the
contact, « pas trouvé » to the editors' gap list. Registered by KnowledgeConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from plateau.capabilities import Capability, Panel, Shortcut

KNOWLEDGE = "knowledge"


def knowledge_panel_context(request: Any, contact: Any, frame: dict[str, Any]) -> dict[str, Any]:
    from .panel import panel_context

    return panel_context(request, contact)


CAPABILITY = Capability(
    code=KNOWLEDGE,
    label=_("Base de connaissances"),
    description=_(
        "Recherche dans les fiches officielles service-public.fr, réponse enregistrée sur le contact, "
        "questions sans réponse signalées aux rédacteurs."
    ),
    panels=(Panel("knowledge.search", "knowledge/desk/_knowledge_panel.html", knowledge_panel_context),),
    shortcuts=(Shortcut("K", _("chercher dans la base de connaissances")),),
)
