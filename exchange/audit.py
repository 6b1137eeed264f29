"""The audit trail: who changed what, written in the same transaction as the change."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from exchange.clock import utcnow
from exchange.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column(Integer)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


def record(actor, action: str, subject_type: str, subject_id: int, **detail) -> None:
    """Add an audit event to the current transaction (the caller commits)."""
    db.session.add(AuditEvent(actor_id=getattr(actor, "id", None), action=action,
                              subject_type=subject_type, subject_id=subject_id, detail=detail))
