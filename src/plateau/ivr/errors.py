from django.utils.translation import gettext_lazy as _

from plateau.errors import PlateauError


class NoDraft(PlateauError):
    error_id = "ivr_no_draft"
    status = 409
    default_message = _("Aucun brouillon à publier : enregistrez d'abord le parcours.")


class PromptRefused(PlateauError):
    error_id = "ivr_prompt_refused"
    status = 400
    default_message = _("Ce fichier ne peut pas servir de message.")


class DraftChanged(PlateauError):
    error_id = "ivr_draft_changed"
    status = 409
    default_message = _(
        "Le brouillon a été modifié depuis que vous l'avez ouvert : rechargez la page avant d'enregistrer."
    )
