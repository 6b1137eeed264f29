"""The audit trail: who changed what, written in the same transaction as the change.

The lowest domain: every other one records here, and it imports none of them.
"""
from exchange.audit.models import AuditEvent
from exchange.audit.service import changes, record, snapshot

__all__ = ["AuditEvent", "changes", "record", "snapshot"]
