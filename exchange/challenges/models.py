"""A council's need and its tags (its panel and rating totals are voting's: see
voting/models.py, read as `challenge.tally`)."""
import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.clock import utcnow
from exchange.extensions import db

STATUSES = ("draft", "open", "voting", "shortlisted", "closed")
OUTCOMES = ("cancelled", "shortlisted")  # how a closed challenge ended
METHODS = ("bayesian", "wilson", "mean", "stars")


class Challenge(db.Model):
    __tablename__ = "challenges"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'voting', 'shortlisted', 'closed')",
                        name="status"),
        CheckConstraint("method IN ('bayesian', 'wilson', 'mean', 'stars')", name="method"),
        CheckConstraint("outcome IN ('cancelled', 'shortlisted')", name="outcome"),
        CheckConstraint("panel_weight >= 0 AND panel_weight <= 1", name="panel_weight"),
        CheckConstraint("shortlist_size >= 1", name="shortlist_size"),
        CheckConstraint("min_ratings >= 0", name="min_ratings"),
        CheckConstraint("prior_weight >= 0", name="prior_weight"),
        CheckConstraint("min_account_age_hours >= 0", name="min_account_age_hours"),
        # One index per list order: led by status for `?status=` lists, and bare for the
        # public list, whose "not a draft" filter is a range no status-led index can order.
        Index("ix_challenges_new", "created_at", "id"),
        Index("ix_challenges_status_new", "status", "created_at", "id"),
        Index("ix_challenges_council_new", "council_id", "created_at", "id"),
        Index("ix_challenges_status_deadline", "status", "deadline", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    deadline: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # When the challenge first opened: membership "while the challenge was open or voting"
    # and "accounts made after the challenge opened" are measured from it.
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    # How it ended, set when it closes (lifecycle.move): null until then.
    outcome: Mapped[str | None] = mapped_column(String(16))

    # Shortlist settings.
    shortlist_size: Mapped[int] = mapped_column(Integer, default=5)
    min_ratings: Mapped[int] = mapped_column(Integer, default=3)
    prior_weight: Mapped[float] = mapped_column(Float, default=5.0)
    method: Mapped[str] = mapped_column(String(16), default="bayesian")
    panel_weight: Mapped[float] = mapped_column(Float, default=0.0)
    # Integrity: ratings from accounts younger than this when they rated are kept, excluded.
    min_account_age_hours: Mapped[int] = mapped_column(Integer, default=0)
    # A fresh salt per challenge for the keyed hash of raters' network prefixes, so one
    # network cannot be followed from challenge to challenge.
    network_salt: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))

    # Denormalised totals, changed in the same transaction as what they count.
    view_count: Mapped[int] = mapped_column(Integer, default=0)
    pitch_count: Mapped[int] = mapped_column(Integer, default=0)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)

    council = relationship("Organisation", lazy="joined")
    tag_rows = relationship("ChallengeTag", cascade="all, delete-orphan", lazy="selectin",
                            order_by="ChallengeTag.tag")

    @property
    def tags(self) -> list[str]:
        return [row.tag for row in self.tag_rows]

    @property
    def settings(self) -> dict:
        return {"shortlist_size": self.shortlist_size, "min_ratings": self.min_ratings,
                "prior_weight": self.prior_weight, "method": self.method,
                "panel_weight": self.panel_weight}


class ChallengeTag(db.Model):
    __tablename__ = "challenge_tags"

    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
