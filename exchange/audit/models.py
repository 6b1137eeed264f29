"""The audit trail's one table: who changed what, when, and from what to what."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.clock import utcnow
from exchange.extensions import db


class AuditEvent(db.Model):
    """One change, written once and never changed: the rows are append-only.

    `challenge_id` is the challenge the change belongs to (the challenge itself, or one of
    its pitches, comments or panel), so a challenge's trail is one indexed range. It is no
    foreign key: a deleted draft keeps its trail, and no erasure rewrites it. `actor_id` is
    the one column that ever changes, to null, by the database itself (ON DELETE SET NULL)
    when the actor's account is erased.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_subject", "subject_type", "subject_id", "id"),
        Index("ix_audit_events_challenge", "challenge_id", "id"),
        Index("ix_audit_events_actor", "actor_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column(Integer)
    challenge_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    # Named by string, so the lowest domain imports no other; read-only, so nothing
    # written through it can touch an event.
    actor = relationship("User", lazy="joined", viewonly=True)


class AppendOnly(RuntimeError):
    """Code tried to change or delete an audit event."""


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target):
    raise AppendOnly("Audit events are never changed.")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AppendOnly("Audit events are never deleted.")
