"""Ratings, the signals kept with them, and the frozen shortlists they lead to."""
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from exchange.clock import utcnow
from exchange.extensions import db

# Why a rating is kept but left out of the ranking (null: it counts).
EXCLUSION_REASONS = ("conflict_of_interest", "new_account")


class Rating(db.Model):
    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("pitch_id", "user_id"),
        CheckConstraint("stars >= 1 AND stars <= 5", name="stars"),
        CheckConstraint("excluded_reason IN ('conflict_of_interest', 'new_account')",
                        name="excluded_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    stars: Mapped[int] = mapped_column(Integer)
    is_panel: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Null when the rating counts; otherwise one of EXCLUSION_REASONS.
    excluded_reason: Mapped[str | None] = mapped_column(String(30))
    # Signals: the rater's account age when the rating was first given, and a keyed hash
    # of their network prefix (never the address). Null on ratings older than the signals.
    account_age_hours: Mapped[float | None] = mapped_column(Float)
    network_hash: Mapped[str | None] = mapped_column(String(64))


class RatingChange(db.Model):
    """Each change of a rating, append-only: when, to what, from which network."""

    __tablename__ = "rating_changes"
    __table_args__ = (Index("ix_rating_changes_pitch_time", "pitch_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    stars: Mapped[int | None] = mapped_column(Integer)  # null: the rating was taken back
    network_hash: Mapped[str | None] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ExcludedTally(db.Model):
    """How many of a pitch's ratings are kept but excluded, per reason."""

    __tablename__ = "excluded_tallies"
    __table_args__ = (CheckConstraint("count >= 0", name="count"),)

    pitch_id: Mapped[int] = mapped_column(
        ForeignKey("pitches.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(30), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class Shortlist(db.Model):
    """A published ranking, frozen: later ratings never change it."""

    __tablename__ = "shortlists"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), unique=True)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    snapshot: Mapped[dict] = mapped_column(JSON)
