"""Telephony records: advisors' SIP phones, call detail records linked to contacts, recordings on demand."""
