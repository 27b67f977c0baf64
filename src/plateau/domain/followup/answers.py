"""What the caller may answer: did a provider come (yes / no / not yet), which one, satisfaction 1 to 5, text."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from plateau.domain.errors import DomainError

COMMENT_MAX_CHARS = 2000


class Came(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_YET = "not_yet"


class InvalidAnswer(DomainError):
    error_id = "followup_invalid_answer"


@dataclass(frozen=True)
class Answer:
    came: Came
    provider_id: int | None  # the provider who came (only when ``came`` is yes)
    satisfaction: int | None  # 1..5, only when a provider came
    comment: str


def check_answer(
    came: str, provider_id: int | None, satisfaction: int | None, comment: str, given: Collection[int]
) -> Answer:
    """The answer as stored, or :class:`InvalidAnswer` naming the field. With one provider given, « yes »
    means that one; with several, the caller says which one came."""
    try:
        came_value = Came(came)
    except ValueError:
        raise InvalidAnswer("Dites si un prestataire est venu.", field="came") from None
    text = comment.strip()
    if len(text) > COMMENT_MAX_CHARS:
        raise InvalidAnswer(
            f"Votre commentaire fait {len(text)} caractères, {COMMENT_MAX_CHARS} au plus.", field="comment"
        )
    if came_value is not Came.YES:
        return Answer(came_value, None, None, text)
    if provider_id is None and len(given) == 1:
        provider_id = next(iter(given))
    if provider_id is None or provider_id not in given:
        raise InvalidAnswer("Indiquez quel prestataire est venu.", field="provider")
    if satisfaction is None or not 1 <= satisfaction <= 5:
        raise InvalidAnswer("Choisissez une note de satisfaction de 1 à 5.", field="satisfaction")
    return Answer(came_value, provider_id, satisfaction, text)
