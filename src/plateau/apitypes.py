"""Bounded types for the JSON API's parameters and bodies, so bad input is a 422 with a reason, never a 500.

Ids and offsets fit the database's 64-bit integers (a larger number overflowed SQLite and PostgreSQL), texts
have the model's maximum length and never contain a NUL byte (PostgreSQL refuses it in text columns).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

MAX_ID = 2**63 - 1  # BIGINT / SQLite INTEGER
MAX_OFFSET = 1_000_000


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("caractère nul (\\x00) interdit")
    return value


NoNul = AfterValidator(_no_nul)
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
# The geo services validate the code itself (error « invalid_insee_code »): here only a bound.
InseeCode = Annotated[str, Field(min_length=1, max_length=10, description="code INSEE (5 caractères)"), NoNul]
Slug = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[-a-zA-Z0-9_]+$")]


# Texts at the models' lengths (no NUL byte): Text40 a phone as typed, Text200 a name, Text250 a correspondent,
# Text500 a short comment, Text5000 free notes (TextField, bounded at the edge all the same).
Text40 = Annotated[str, Field(max_length=40), NoNul]
Text64 = Annotated[str, Field(max_length=64), NoNul]
Text120 = Annotated[str, Field(max_length=120), NoNul]
Text200 = Annotated[str, Field(max_length=200), NoNul]
Text250 = Annotated[str, Field(max_length=250), NoNul]
Text500 = Annotated[str, Field(max_length=500), NoNul]
Text5000 = Annotated[str, Field(max_length=5000), NoNul]
