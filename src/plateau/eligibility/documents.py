"""Scans attached to applications: accepted by their first bytes (not by the name or the browser's type),
bounded in size, hashed, audited. Stored in the database with the application (one backup, one retention)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from plateau.errors import InvalidInput
from plateau.tenants.errors import require_capability
from plateau.tenants.models import User
from plateau.tenants.services import record_audit

from .capability import ELIGIBILITY
from .models import Application, ApplicationDocument, DocumentKind

MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


class RefusedDocument(InvalidInput):
    error_id = "document_refused"
    default_message = _("Pièce refusée : déposez un PDF ou une image (PNG, JPEG, TIFF) de 10 Mo au plus.")


def sniff(head: bytes) -> str | None:
    return next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)


def attach_document(application: Application, actor: User, *, kind: str, upload: Any) -> ApplicationDocument:
    """Attach an uploaded scan (a Django ``UploadedFile`` or any object with ``name``, ``size``, ``read``)."""
    require_capability(application.programme, ELIGIBILITY)
    if kind not in DocumentKind.values:
        raise RefusedDocument(field="kind")
    if not upload.size or upload.size > MAX_BYTES:
        raise RefusedDocument(field="file")
    content = upload.read(MAX_BYTES + 1)
    content_type = sniff(content[:16])
    if content_type is None or len(content) > MAX_BYTES:
        raise RefusedDocument(field="file")
    name = str(upload.name or "piece").replace("/", "_").replace("\\", "_")[-200:]
    with transaction.atomic():
        document = ApplicationDocument.objects.create(
            programme_id=application.programme_id,
            application=application,
            kind=kind,
            filename=name,
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            uploaded_by=actor,
        )
        record_audit(
            action="eligibility.document_attached",
            actor=actor,
            programme=application.programme,
            obj=application,
            number=application.number,
            kind=kind,
            size=len(content),
            sha256=document.sha256,
        )
    return document
