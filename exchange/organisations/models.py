"""Councils and suppliers, and who belongs to them."""
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.clock import utcnow
from exchange.extensions import db

KINDS = ("council", "supplier")
STATUSES = ("pending", "verified", "active")
ROLES = ("owner", "member")


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
