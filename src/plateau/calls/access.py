"""Tenant-checked reads of telephony records (the contact was itself reached through an access function)."""

from __future__ import annotations

from plateau.contacts.models import Contact

from .models import CallDetailRecord, CallRecording


def call_records_of(contact: Contact) -> list[CallDetailRecord]:
    return list(CallDetailRecord.objects.for_programme(contact.programme).filter(contact=contact))


def recordings_of(record: CallDetailRecord) -> list[CallRecording]:
    return list(CallRecording.objects.for_programme(record.programme).filter(call_id=record.call_id))
