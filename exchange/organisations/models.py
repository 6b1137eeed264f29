"""Councils and suppliers, who belongs to them, who was invited, and who belonged when."""
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.clock import utcnow
from exchange.extensions import db

KINDS = ("council", "supplier")
STATUSES = ("pending", "verified", "active")
ROLES = ("owner", "member")
INVITATION_STATUSES = ("pending", "accepted", "declined", "withdrawn")


def _one_of(column: str, values: tuple) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("kind IN ('council', 'supplier')", name="kind"),
        CheckConstraint("status IN ('pending', 'verified', 'active')", name="status"),
        Index("ix_organisations_kind_id", "kind", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)

    memberships = relationship("Membership", back_populates="organisation",
                               cascade="all, delete-orphan")

    @property
    def is_verified_council(self) -> bool:
        return self.kind == "council" and self.status == "verified"


class Membership(db.Model):
    """A current member. Who belonged when is kept in MembershipPeriod."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("organisation_id", "user_id"),
        CheckConstraint("role IN ('owner', 'member')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    organisation = relationship("Organisation", back_populates="memberships", lazy="joined")
    user = relationship("User", back_populates="memberships")


class Invitation(db.Model):
    """An offer of membership, addressed to an email: nobody is a member until they accept.

    Matched to a person by the (lower-cased) email, so an invitation sent before its
    addressee registers is theirs once they do; the inviter never learns whether the email
    has an account.
    """

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint(_one_of("role", ROLES), name="role"),
        CheckConstraint(_one_of("status", INVITATION_STATUSES), name="status"),
        # One pending invitation per organisation and email: a new one withdraws the old.
        Index("ix_invitations_one_pending", "organisation_id", "email", unique=True,
              sqlite_where=text("status = 'pending'"),
              postgresql_where=text("status = 'pending'")),
        Index("ix_invitations_email", "email", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime)

    organisation = relationship("Organisation", lazy="joined")
    invited_by = relationship("User", foreign_keys=[invited_by_id], lazy="joined")


class MembershipPeriod(db.Model):
    """One stretch of membership: joined, and left (null while it lasts)."""

    __tablename__ = "membership_periods"
    __table_args__ = (
        CheckConstraint(_one_of("role", ROLES), name="role"),
        # At most one open period per person and organisation, as there is one membership.
        Index("ix_membership_periods_open", "organisation_id", "user_id", unique=True,
              sqlite_where=text("left_at IS NULL"), postgresql_where=text("left_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(DateTime)

    organisation = relationship("Organisation", lazy="joined")
