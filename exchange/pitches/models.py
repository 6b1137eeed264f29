"""A supplier's answer to a challenge (the tallies of its ratings are voting's: see
voting/models.py, read as `pitch.tally`)."""
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.clock import utcnow
from exchange.extensions import db

PRICING = ("free", "freemium", "paid")
STATUSES = ("submitted", "withdrawn")


class Pitch(db.Model):
    __tablename__ = "pitches"
    __table_args__ = (
        CheckConstraint("pricing IN ('free', 'freemium', 'paid')", name="pricing"),
        CheckConstraint("status IN ('submitted', 'withdrawn')", name="status"),
        Index("ix_pitches_challenge_new", "challenge_id", "status", "submitted_at", "id"),
        Index("ix_pitches_supplier", "supplier_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    video_url: Mapped[str | None] = mapped_column(String(500))
    pricing: Mapped[str] = mapped_column(String(16))
    price_note: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    shortlisted: Mapped[bool] = mapped_column(Boolean, default=False)
    view_count: Mapped[int] = mapped_column(Integer, default=0)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)

    challenge = relationship("Challenge", lazy="joined")
    supplier = relationship("Organisation", lazy="joined")
    tag_rows = relationship("PitchTag", cascade="all, delete-orphan", lazy="selectin",
                            order_by="PitchTag.tag")

    @property
    def tags(self) -> list[str]:
        return [row.tag for row in self.tag_rows]


class PitchTag(db.Model):
    __tablename__ = "pitch_tags"

    pitch_id: Mapped[int] = mapped_column(
        ForeignKey("pitches.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
